"""Custom domains: an organization claims one, proves it with a DNS TXT record, keeps it while
the record stays.

    claim        the domain is saved pending, with a token (the TXT record's value); several
                 organizations may claim the same name, each with its own token, unless it
                 already serves one of them
    check        the record is looked up (the admin's "Check now", the daily job): found, a
                 pending or lapsed domain is verified, unless another organization's domain
                 of that name routes ("taken"); missing, a verified domain starts failing,
                 keeps routing for CUSTOM_DOMAIN_GRACE_DAYS, then lapses
    verify       by hand, by the platform's operator (the public admin)

Only verified domains route (Domain.objects.routable(), read by the host cache), and only one
organization's at a time (a unique index on routing hosts, Domain.Meta.constraints). The
organization's admins are told when a domain starts failing and when it lapses, by the apps
that offer `apps/<app>/domain_events.py` (notifications; tenants may not import it).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.discovery import app_modules
from apps.tenants import domain_dns, services, validators
from apps.tenants.models import Domain, Organization

logger = logging.getLogger(__name__)

# What a check did to a domain, for the hooks and for the job's count.
FAILING = "failing"
LAPSED = "lapsed"
VERIFIED = "verified"
RECOVERED = "recovered"


def custom_domain_of(organization: Organization) -> Domain | None:
    return Domain.objects.filter(tenant=organization, kind=Domain.Kind.CUSTOM).first()


def custom_domain_routes(domain: Domain) -> bool:
    """Whether the host serves the organization now (the host cache's own question)."""
    return Domain.objects.routable().filter(pk=domain.pk).exists()


@transaction.atomic
def custom_domain_claim(*, organization: Organization, domain: str) -> Domain:
    """Claim a domain for the organization: saved pending, routing nothing until checked."""
    domain = validators.hostname_to_ascii(domain)
    if custom_domain_of(organization) is not None:
        raise ValidationError(
            {"custom_domain": [_("Remove the current custom domain before adding another.")]}, code="one"
        )
    if not domain:
        raise ValidationError({"custom_domain": [_("Enter a domain name.")]}, code="required")
    # The organization's own validation and availability checks (the base domain, an IP
    # address, a domain serving another organization), with their messages.
    services.organization_update(organization=organization, custom_domain=domain)
    claimed = custom_domain_of(organization)
    assert claimed is not None  # just written by the sync above
    return claimed


@transaction.atomic
def custom_domain_remove(*, organization: Organization) -> None:
    if custom_domain_of(organization) is None:
        raise ValidationError(_("This organization has no custom domain."), code="none")
    services.organization_update(organization=organization, custom_domain="")


def custom_domain_check(*, organization: Organization, resolver=None, now=None) -> tuple[Domain, str | None]:
    """Look the organization's record up now and move its domain on; returns the domain and
    what changed (FAILING, LAPSED, VERIFIED, RECOVERED or None)."""
    domain = custom_domain_of(organization)
    if domain is None:
        raise ValidationError(_("This organization has no custom domain."), code="none")
    # DNS is asked outside the transaction: a slow answer must not hold the row's lock.
    check = domain_dns.txt_check(domain.domain, domain.token, resolver=resolver)
    return _record_check(domain_pk=domain.pk, organization=organization, check=check, now=now or timezone.now())


@transaction.atomic
def _record_check(*, domain_pk, organization: Organization, check: domain_dns.Check, now) -> tuple[Domain, str | None]:
    domain = Domain.objects.select_for_update().get(pk=domain_pk)
    event: str | None = None
    fields = ["last_checked_at", "last_check_code"]
    domain.last_checked_at, domain.last_check_code = now, check.code
    if check.found:
        if domain.status != Domain.Status.VERIFIED:
            if _take(domain, now=now):
                event = VERIFIED
                domain.status, domain.verified_at, domain.failing_since = Domain.Status.VERIFIED, now, None
                fields += ["status", "verified_at", "failing_since"]
            else:
                domain.last_check_code = domain_dns.TAKEN
        elif domain.failing_since is not None:
            event = RECOVERED
            domain.failing_since = None
            fields.append("failing_since")
        if domain.verified_by_hand:
            # Proved by DNS now: from here on it is checked like any other.
            domain.verified_by_hand = False
            fields.append("verified_by_hand")
    elif domain.status == Domain.Status.VERIFIED and not domain.verified_by_hand:
        if domain.failing_since is None:
            event = FAILING
            domain.failing_since = now
            fields.append("failing_since")
        elif domain.grace_ends_at is not None and now >= domain.grace_ends_at:
            event = LAPSED
            domain.status = Domain.Status.LAPSED
            fields.append("status")
    domain.save(update_fields=fields)
    if event is not None:
        services.clear_host_cache()
    if event in (FAILING, LAPSED):
        _announce(organization=organization, domain=domain, event=event)
    return domain, event


def _take(domain: Domain, *, now) -> bool:
    """Make `domain` (a claim about to be verified) the one row that routes its name, unless
    another organization's row does: False then, and nothing changed.

    Another organization's verified row whose grace period is over routes nothing already
    (routable()); it is lapsed here, as the daily job would, and its admins told. The unique
    constraint on routing hosts decides the rest, races included: of two claims verified at
    once, the second waits for the first to commit, then fails the constraint, here, in a
    savepoint of its own, and gets "taken".
    """
    cutoff = now - timedelta(days=django_settings.CUSTOM_DOMAIN_GRACE_DAYS)
    stale = (
        Domain.objects.select_for_update()
        .select_related("tenant")
        .filter(domain=domain.domain, kind=Domain.Kind.CUSTOM, status=Domain.Status.VERIFIED)
        .filter(failing_since__lte=cutoff)
        .exclude(tenant_id=domain.tenant_id)
    )
    for other in stale:
        other.status = Domain.Status.LAPSED
        other.save(update_fields=["status"])
        _announce(organization=other.tenant, domain=other, event=LAPSED)
    try:
        with transaction.atomic():
            Domain.objects.filter(pk=domain.pk).update(status=Domain.Status.VERIFIED)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def custom_domain_verify_by_hand(*, organization: Organization) -> Domain:
    """The platform's operator vouches for the organization's custom domain: it routes now,
    and the daily check leaves it alone until a check finds its record. Refused while
    another organization's domain of the same name routes."""
    domain = custom_domain_of(organization)
    if domain is None:
        raise ValidationError(_("This organization has no custom domain."), code="none")
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    now = timezone.now()
    if domain.status != Domain.Status.VERIFIED and not _take(domain, now=now):
        raise ValidationError(
            _("%(domain)s already serves another organization; remove it there first.") % {"domain": domain.domain},
            code="taken",
        )
    domain.status, domain.verified_at, domain.failing_since = Domain.Status.VERIFIED, now, None
    domain.verified_by_hand = True
    domain.last_check_code = domain_dns.BY_HAND
    domain.save(update_fields=["status", "verified_at", "failing_since", "verified_by_hand", "last_check_code"])
    services.clear_host_cache()
    return domain


def custom_domain_recheck(*, organization: Organization, resolver=None, now=None) -> str | None:
    """The daily job's work for one organization: its verified domain checked again (pending
    ones wait for their admin's "Check now"; lapsed ones too, to come back)."""
    domain = custom_domain_of(organization)
    if domain is None or domain.status != Domain.Status.VERIFIED or domain.verified_by_hand:
        return None
    return custom_domain_check(organization=organization, resolver=resolver, now=now)[1]


def _announce(*, organization: Organization, domain: Domain, event: str) -> None:
    """Tell the apps that offer `domain_events.custom_domain_changed` (notifications), inside
    the organization's schema: a check may run on the platform's host."""
    for _label, module in app_modules("domain_events"):
        with organization:
            module.custom_domain_changed(organization=organization, domain=domain, event=event)
