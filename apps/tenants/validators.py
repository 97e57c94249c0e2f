"""Validation of the organization's public identity: subdomain, domain, colours, timezone."""

from __future__ import annotations

import ipaddress
import re
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RESERVED_SUBDOMAINS = frozenset({"www", "admin", "api", "static", "media", "mail", "app", "public", "template"})
# 59 characters, not DNS's 63: the schema is named "org_" + subdomain, and PostgreSQL
# names stop at 63.
MAX_SUBDOMAIN_LENGTH = 59
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,57}[a-z0-9])?$")
# The last label is letters, or an internationalised top-level domain in its ASCII form (xn--...).
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
# Public suffixes of two labels common among our agencies' countries: a domain directly under
# one (agency.co.uk) is the apex of its zone, as a two-label name (agency.org) is anywhere else.
_TWO_LABEL_SUFFIXES = frozenset(
    {
        "co.uk",
        "org.uk",
        "me.uk",
        "ltd.uk",
        "plc.uk",
        "com.au",
        "org.au",
        "net.au",
        "co.nz",
        "org.nz",
        "com.mx",
        "org.mx",
        "gob.mx",
        "com.ar",
        "org.ar",
        "com.br",
        "org.br",
        "com.co",
        "org.co",
        "co.za",
        "org.za",
        "co.in",
        "org.in",
        "com.es",
        "org.es",
        "nom.es",
    }
)
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Fonts an organization may choose. Each maps to a CSS stack ending in system fonts, so a
# device without the named font still gets a clean, legible page (no font CDN is used).
FONT_STACKS = {
    "Inter": '"Inter", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    "System": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "Atkinson Hyperlegible": '"Atkinson Hyperlegible", system-ui, -apple-system, "Segoe UI", sans-serif',
    "Roboto": 'Roboto, system-ui, -apple-system, "Segoe UI", sans-serif',
    "Open Sans": '"Open Sans", system-ui, -apple-system, "Segoe UI", sans-serif',
    "Lato": 'Lato, system-ui, -apple-system, "Segoe UI", sans-serif',
    "Source Sans 3": '"Source Sans 3", system-ui, -apple-system, "Segoe UI", sans-serif',
    "Georgia": 'Georgia, "Times New Roman", serif',
}
FONT_CHOICES = [(name, name) for name in FONT_STACKS]


def validate_subdomain(value: str) -> None:
    if value != value.lower():
        raise ValidationError(_("Use lowercase letters only."), code="case")
    if not _DNS_LABEL.match(value):
        raise ValidationError(
            _("Use 1–59 lowercase letters, digits and hyphens, not starting or ending with a hyphen."),
            code="invalid",
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(
            _("“%(value)s” is reserved; choose another subdomain."), params={"value": value}, code="reserved"
        )


def validate_hostname(value: str) -> None:
    try:
        ipaddress.ip_address((value or "").strip("[]"))
    except ValueError:
        pass
    else:
        # Routing is by name, and an address proves nothing about who owns it.
        raise ValidationError(_("An IP address cannot be a custom domain; enter a domain name."), code="ip")
    if not _HOSTNAME.match(value or ""):
        raise ValidationError(_("Enter a full domain name such as care.example.org."), code="invalid")


def hostname_to_ascii(value: str) -> str:
    """The host name as DNS and browsers carry it: lowercase, without the root's dot, and an
    internationalised name (bücher.example) in its ASCII form (xn--bcher-kva.example).

    Browsers send the ASCII form in the Host header, so that is the form stored and routed.
    A name the IDNA codec cannot convert comes back as it was, for validate_hostname to refuse.
    """
    value = (value or "").strip().lower().rstrip(".")
    if value.isascii():
        return value
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError:
        return value


def hostname_for_display(value: str) -> str:
    """The host name as people write it: an xn-- label back in its own script."""
    if "xn--" not in value:
        return value
    try:
        return value.encode("ascii").decode("idna")
    except UnicodeError:
        return value


def hostname_is_apex(value: str) -> bool:
    """Whether the name is the root of its DNS zone (example.org, agency.co.uk), where DNS
    allows no CNAME record beside the zone's own SOA and NS records."""
    labels = value.split(".")
    if len(labels) <= 2:
        return True
    return len(labels) == 3 and ".".join(labels[1:]) in _TWO_LABEL_SUFFIXES


def validate_hex_colour(value: str) -> None:
    if not _HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Enter a colour as #RRGGBB, for example #2563eb."), code="invalid")


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value}, code="invalid")


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(_timezones())]


def validate_json_object(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Must be a JSON object."), code="invalid")
