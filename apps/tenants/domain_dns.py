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
from django.utils.translation import gettext as _

# The record sits under a name of its own, so it never collides with the domain's own TXT
# records (SPF and the like) and can be removed without touching them.
RECORD_PREFIX = "_starline-verify"


def record_name(domain: str) -> str:
    return f"{RECORD_PREFIX}.{domain}"


@dataclass(frozen=True)
class Check:
    found: bool
    # What the check saw, in words for the page and the notifications.
    result: str


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
        return Check(False, _("No TXT record named %(name)s exists.") % {"name": name})
    except dns.resolver.NoAnswer:
        return Check(False, _("%(name)s has no TXT record.") % {"name": name})
    except dns.name.NameTooLong:
        return Check(False, _("The domain is too long for a verification record."))
    except dns.exception.Timeout:
        return Check(False, _("DNS did not answer in time; try again in a few minutes."))
    except dns.exception.DNSException:
        return Check(False, _("DNS could not be asked about %(name)s; try again in a few minutes.") % {"name": name})
    # A TXT value may come in several strings of at most 255 bytes; together they are one.
    values = {b"".join(rdata.strings).decode("utf-8", "replace").strip() for rdata in answer}
    if token in values:
        return Check(True, _("The TXT record holds the token."))
    return Check(False, _("%(name)s has a TXT record, but not with this token.") % {"name": name})
