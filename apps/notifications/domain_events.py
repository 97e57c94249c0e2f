"""An organization's custom domain started failing its DNS check, or lapsed: its admins are
told (apps/tenants/domain_services.py calls this module's hook; tenants sits below
notifications and cannot notify itself). The kinds are registered in apps.py."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.accounts.models import Role
from apps.notifications import defaults, services

FAILING = defaults.Kind(
    key="tenants.domain_failing",
    label=_("Custom domain record missing"),
    variables=["domain", "record", "until"],
    title=_("The DNS record of {{ domain }} is missing"),
    message=_(
        "The TXT record {{ record }} that proves {{ domain }} is yours was not found. Put it back before"
        " {{ until }}: after that the domain stops serving your site (your subdomain keeps working)."
    ),
    sample={"domain": "care.example.org", "record": "_starline-verify.care.example.org", "until": "2026-12-13"},
)

LAPSED = defaults.Kind(
    key="tenants.domain_lapsed",
    label=_("Custom domain lapsed"),
    variables=["domain", "record"],
    title=_("{{ domain }} no longer serves your site"),
    message=_(
        "The TXT record {{ record }} was missing for the whole grace period, so {{ domain }} has stopped serving"
        " your site. Publish the record again and choose “Check now” on the custom domain page."
    ),
    sample={"domain": "care.example.org", "record": "_starline-verify.care.example.org"},
)

ALL = [FAILING, LAPSED]


def custom_domain_changed(*, organization, domain, event: str) -> None:
    """Runs in the organization's schema, inside the check's transaction."""
    from apps.tenants import domain_dns, domain_services

    kind = {domain_services.FAILING: FAILING, domain_services.LAPSED: LAPSED}.get(event)
    if kind is None:
        return
    context = {"domain": domain.domain, "record": domain_dns.record_name(domain.domain)}
    if kind is FAILING:
        context["until"] = formats.date_format(domain.grace_ends_at, "DATE_FORMAT")
    services.notify(
        recipients=list(Role.objects.filter(name=roles.ORGANIZATION_ADMIN)),
        type=kind.key,
        context=context,
        priority="high",
        channels=["in_app", "email"],
        # The organization's URLconf, whichever host the check ran on (the platform's admin too).
        link=reverse("domains:index", urlconf=settings.ROOT_URLCONF),
        organization=organization,
    )
