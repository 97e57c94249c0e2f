"""The DNS boundary of custom domains: is the organization's token in the domain's TXT record?

Everything that asks DNS goes through `txt_check()`; the resolver it asks is named by the
CUSTOM_DOMAIN_RESOLVER setting (a callable returning an object with dnspython's
`resolve(name, "TXT")`), so tests answer with records of their own and never reach a network.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.name
import dns.resolver
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# The record sits under a name of its own, so it never collides with the domain's own TXT
# records (SPF and the like) and can be removed without touching them.
RECORD_PREFIX = "_starline-verify"


def record_name(domain: str) -> str:
    return f"{RECORD_PREFIX}.{domain}"


# What a check saw, stored as a code (Domain.last_check_code) and put in words only when shown,
# in the language of whoever reads it: the daily job and an admin clicking "Check now" in
# Spanish must not leave a sentence in their own language for everyone else.
FOUND = "found"
NXDOMAIN = "nxdomain"
NO_TXT = "no_txt"
WRONG_TOKEN = "wrong_token"  # noqa: S105 - a check result code, not a secret
TOO_LONG = "too_long"
TIMEOUT = "timeout"
DNS_ERROR = "dns_error"
# Not DNS answers, but what became of a check or of the operator's word.
TAKEN = "taken"
BY_HAND = "by_hand"

MESSAGES = {
    FOUND: _("The TXT record holds the token."),
    NXDOMAIN: _("No TXT record named %(name)s exists."),
    NO_TXT: _("%(name)s has no TXT record."),
    WRONG_TOKEN: _("%(name)s has a TXT record, but not with this token."),
    TOO_LONG: _("The domain is too long for a verification record."),
    TIMEOUT: _("DNS did not answer in time; try again in a few minutes."),
    DNS_ERROR: _("DNS could not be asked about %(name)s; try again in a few minutes."),
    TAKEN: _(
        "This domain is already verified elsewhere, so it cannot serve your site. If you own it, contact support."
    ),
    BY_HAND: _("Verified by hand by the platform's operator."),
}


def check_message(code: str, domain: str) -> str:
    """The words for a stored check code, in the active language ("" for no check yet; an
    unknown code, from a newer release, says nothing rather than fail the page)."""
    message = MESSAGES.get(code)
    return str(message) % {"name": record_name(domain)} if message is not None else ""


@dataclass(frozen=True)
class Check:
    found: bool
    # One of the codes above; check_message() puts it in words.
    code: str


def system_resolver() -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver()
    resolver.lifetime = settings.CUSTOM_DOMAIN_DNS_TIMEOUT
    return resolver


def resolver_from_settings():
    return import_string(settings.CUSTOM_DOMAIN_RESOLVER)()


def txt_check(domain: str, token: str, *, resolver=None) -> Check:
    """Ask DNS for the TXT record of `_starline-verify.<domain>` and say whether one of its
    values is the token. A DNS failure is a failed check too: a domain whose DNS cannot be
    read for the whole grace period should stop routing like one whose record was removed."""
    name = record_name(domain)
    try:
        resolver = resolver if resolver is not None else resolver_from_settings()
        answer = resolver.resolve(name, "TXT")
    except dns.resolver.NXDOMAIN:
        return Check(False, NXDOMAIN)
    except dns.resolver.NoAnswer:
        return Check(False, NO_TXT)
    except dns.name.NameTooLong:
        return Check(False, TOO_LONG)
    except dns.exception.Timeout:
        return Check(False, TIMEOUT)
    except dns.exception.DNSException:
        return Check(False, DNS_ERROR)
    # A TXT value may come in several strings of at most 255 bytes; together they are one.
    values = {b"".join(rdata.strings).decode("utf-8", "replace").strip() for rdata in answer}
    return Check(True, FOUND) if token in values else Check(False, WRONG_TOKEN)
