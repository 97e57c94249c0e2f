"""Provisioning and changes to organizations. The only code that writes Organization and Domain."""

from __future__ import annotations

import logging
import secrets
import zoneinfo
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from apps.core.db.roles import as_owner, grant_new_schema, owner_configured
from apps.core.discovery import app_modules
from apps.core.jobs import Job
from apps.core.tenancy import tenant_connection
from apps.tenants import domain_dns, host_cache, validators
from apps.tenants.models import Domain, Organization

logger = logging.getLogger(__name__)

# A DNS name's limit; the verification record's name adds its prefix to the domain.
MAX_RECORD_NAME_LENGTH = 253

# Fields an operator may set when creating or editing an organization.
EDITABLE_FIELDS = (
    "name",
    "subdomain",
    "custom_domain",
    "logo",
    "favicon",
    "primary_color",
    "secondary_color",
    "font_family",
    "contact_email",
    "contact_phone",
    "address",
    "timezone",
    "settings",
    "feature_flags",
    "billing_settings",
    "is_active",
)


def schema_name_for(subdomain: str) -> str:
    # Schema names are fixed at creation: renaming a subdomain later only moves the domain.
    return "org_" + subdomain.replace("-", "_")


def organization_check_available(*, subdomain: str, custom_domain: str = "", exclude_pk=None) -> None:
    """Refuse a subdomain another organization has, or a custom domain the platform or
    another organization serves."""
    errors: dict[str, list[str]] = {}
    others = Organization.objects.exclude(pk=exclude_pk) if exclude_pk else Organization.objects.all()
    if others.filter(subdomain__iexact=subdomain).exists() or (
        exclude_pk is None and others.filter(schema_name=schema_name_for(subdomain.lower())).exists()
    ):
        errors["subdomain"] = [_("This subdomain is already taken.")]
    elif exclude_pk is None and schema_exists(schema_name_for(subdomain.lower())):
        # A removed organization's schema is kept (records are never dropped silently);
        # a newcomer must not inherit it.
        errors["subdomain"] = [_("This subdomain belonged to an organization whose records are still kept.")]
    if custom_domain:
        if custom_domain == settings.BASE_DOMAIN or custom_domain.endswith("." + settings.BASE_DOMAIN):
            errors["custom_domain"] = [
                _("A custom domain cannot be under %(base)s; the subdomain already covers it.")
                % {"base": settings.BASE_DOMAIN}
            ]
        else:
            # Only a domain that routes blocks (verified, or failing within its grace period):
            # a pending claim proves nothing, so it must not let anyone squat a name. Several
            # organizations may wait on the same name; the first to prove it takes it. The
            # message names nobody: which agency uses a domain is not another agency's business.
            taken = Domain.objects.routable().filter(domain=custom_domain)
            if exclude_pk:
                taken = taken.exclude(tenant_id=exclude_pk)
            if custom_domain in settings.PUBLIC_HOSTS or taken.exists():
                errors["custom_domain"] = [_("This domain cannot be added. If you own it, contact support.")]
            elif len(domain_dns.record_name(custom_domain)) > MAX_RECORD_NAME_LENGTH:
                errors["custom_domain"] = [
                    _("This domain is too long: its verification record (%(name)s) would pass DNS's 253 characters.")
                    % {"name": domain_dns.record_name(custom_domain)}
                ]
    if errors:
        raise ValidationError(errors)


def _sync_domains(*, organization: Organization) -> None:
    """Make the Domain rows say exactly what subdomain and custom_domain say.

    A new custom domain starts pending, with a token of its own: it routes once its owner
    has proved it (apps/tenants/domain_services.py), whoever typed it in.
    """
    wanted = {organization.primary_host: Domain.Kind.SUBDOMAIN}
    if organization.custom_domain:
        wanted[organization.custom_domain] = Domain.Kind.CUSTOM
    existing = {d.domain: d for d in Domain.objects.filter(tenant=organization)}
    stale = [d.pk for host, d in existing.items() if host not in wanted]
    if stale:
        Domain.objects.filter(pk__in=stale).delete()
    for host, kind in wanted.items():
        is_primary = kind == Domain.Kind.SUBDOMAIN
        current = existing.get(host)
        if current is None:
            subdomain = kind == Domain.Kind.SUBDOMAIN
            Domain.objects.create(
                domain=host,
                tenant=organization,
                kind=kind,
                is_primary=is_primary,
                status=Domain.Status.VERIFIED if subdomain else Domain.Status.PENDING,
                token="" if subdomain else new_domain_token(),
            )
        elif current.kind != kind or current.is_primary != is_primary:
            current.kind, current.is_primary = kind, is_primary
            current.save(update_fields=["kind", "is_primary"])
    clear_host_cache()


def new_domain_token() -> str:
    return secrets.token_hex(20)


def clear_host_cache() -> None:
    # Now, for this request's own later lookups, and again after commit, so a lookup made
    # by another thread in between cannot keep the old state for a whole TTL.
    host_cache.clear()
    transaction.on_commit(host_cache.clear)


def _save_or_explain(organization: Organization, **kwargs) -> None:
    """Save; a unique-constraint race (two operators, same subdomain) becomes a message."""
    try:
        with transaction.atomic():
            organization.save(**kwargs)
    except IntegrityError:
        raise ValidationError(
            {"subdomain": [_("This subdomain or domain was just taken by another organization.")]}
        ) from None


def _align_constraint_names(*, source: str, target: str) -> None:
    """Give cloned constraints the names they have in the template.

    django-tenants' clone re-creates unique constraints under PostgreSQL's default names
    (`..._key`) rather than Django's (`..._uniq`); a later migration that drops or alters one
    by name would then fail on cloned organizations only. Constraints are matched on table
    and definition, and renamed (which renames their index too).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, tc.conname, sc.conname
            FROM pg_constraint sc
            JOIN pg_class s ON s.oid = sc.conrelid
            JOIN pg_namespace sn ON sn.oid = s.relnamespace AND sn.nspname = %(source)s
            JOIN pg_class t ON t.relname = s.relname
            JOIN pg_namespace tn ON tn.oid = t.relnamespace AND tn.nspname = %(target)s
            JOIN pg_constraint tc ON tc.conrelid = t.oid AND tc.contype = sc.contype
                AND pg_get_constraintdef(tc.oid) = pg_get_constraintdef(sc.oid)
            WHERE tc.conname <> sc.conname
              AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conrelid = t.oid AND x.conname = sc.conname)
            """,
            {"source": source, "target": target},
        )
        for table, current, wanted in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{target}"."{table}" RENAME CONSTRAINT "{current}" TO "{wanted}"')


def _run_provisioning_hooks(*, organization: Organization, admin_email: str | None) -> None:
    """Let each app prepare a new organization (`apps/<app>/provisioning.py`).

    Tenants sits below the other apps and may not import them; they register here instead,
    in INSTALLED_APPS order, and run inside the new organization's schema.
    """
    for _label, module in app_modules("provisioning"):
        with organization:
            module.organization_provisioned(organization=organization, admin_email=admin_email)


def organization_create(
    *, name: str, subdomain: str, contact_email: str, admin_email: str | None = None, **fields: Any
) -> Organization:
    """Create an organization: validate, clone its schema from the template, add its domains.

    Everything happens in one transaction, schema included (PostgreSQL DDL is
    transactional), so a failure leaves neither a row nor a half-made schema behind.
    It runs as the database owner (apps/core/db/roles.py): the new schema and its tables
    belong to the owner, never to the role the app connects as, which could otherwise
    alter them; the app role is then granted what it may do in them.
    """
    with as_owner():
        organization = _organization_create(
            name=name, subdomain=subdomain, contact_email=contact_email, admin_email=admin_email, **fields
        )
    if not owner_configured() and not connection.in_atomic_block:
        # The backend that made the schema keeps its thousand new tables and indexes in its
        # caches for life, and every later catalog change makes it walk them: one connection
        # provisioning organization after organization in `make bench-fleet` slowed with each,
        # and by the two hundredth spent half its time processing cache invalidations. Closed
        # here, it is opened again with empty caches when next needed. With two roles the
        # owner's connection made it, and as_owner() has closed that one already.
        connection.close()
    return organization


@transaction.atomic
def _organization_create(
    *, name: str, subdomain: str, contact_email: str, admin_email: str | None, **fields: Any
) -> Organization:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    subdomain = (subdomain or "").strip()
    if "custom_domain" in fields:
        fields["custom_domain"] = validators.hostname_to_ascii(fields["custom_domain"])
    organization = Organization(
        name=(name or "").strip(),
        subdomain=subdomain,
        contact_email=(contact_email or "").strip(),
        schema_name=schema_name_for(subdomain.lower()),
        **fields,
    )
    organization.full_clean(exclude=["schema_name"], validate_unique=False, validate_constraints=False)
    organization_check_available(subdomain=subdomain, custom_domain=organization.custom_domain)
    if admin_email:
        from django.core.validators import validate_email

        try:
            validate_email(admin_email)
        except ValidationError:
            raise ValidationError({"admin_email": [_("Enter a valid email address.")]}) from None
    template_schema_ensure()
    tenant_connection().set_schema_to_public()
    _save_or_explain(organization, verbosity=0)
    if not getattr(organization, "cloned_exactly", False):
        _align_constraint_names(source=settings.TENANT_BASE_SCHEMA, target=organization.schema_name)
    grant_new_schema(organization.schema_name)
    _sync_domains(organization=organization)
    _run_provisioning_hooks(organization=organization, admin_email=admin_email)
    tenant_connection().set_schema_to_public()
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, **fields: Any) -> Organization:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    if "custom_domain" in fields:
        fields["custom_domain"] = validators.hostname_to_ascii(fields["custom_domain"])
    for field, value in fields.items():
        setattr(organization, field, value)
    organization.full_clean(exclude=["schema_name"], validate_unique=False, validate_constraints=False)
    organization_check_available(
        subdomain=organization.subdomain, custom_domain=organization.custom_domain, exclude_pk=organization.pk
    )
    # No schema switch: an organization's own requests reach the public tables through
    # their search_path, and switching would leave the rest of the request in public.
    _save_or_explain(organization, update_fields=[*fields, "updated_at"])
    if {"subdomain", "custom_domain"} & set(fields):
        _sync_domains(organization=organization)
    else:
        clear_host_cache()
    return organization


def organization_suspend(*, organization: Organization) -> Organization:
    return organization_update(organization=organization, is_active=False)


def organization_reactivate(*, organization: Organization) -> Organization:
    return organization_update(organization=organization, is_active=True)


def template_schema_ensure(*, verbosity: int = 0) -> None:
    """Create the clone template (a migrated, empty schema with a row of its own) if missing.

    django-tenants clones TENANT_BASE_SCHEMA only when it exists and silently replays every
    migration otherwise, so it is created here before any organization, and it is migrated
    with the rest of the fleet because it has a row.
    """
    base = settings.TENANT_BASE_SCHEMA
    tenant_connection().set_schema_to_public()
    if Organization.objects.filter(schema_name=base).exists() and schema_exists(base):
        return
    with transaction.atomic():
        if not Organization.objects.filter(schema_name=base).exists():
            template = Organization(
                schema_name=base,
                name="Template (do not use)",
                subdomain="template",
                contact_email="platform@invalid.example",
                is_active=False,
            )
            template.auto_create_schema = False  # created and migrated just below
            template.save()
        if not schema_exists(base):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{base}"')
            call_command("migrate_schemas", schema_name=base, interactive=False, verbosity=verbosity)
    tenant_connection().set_schema_to_public()


def run_job_everywhere(
    name: str, *, schema: str | None = None, day: date | None = None
) -> Iterator[tuple[Organization, int | str]]:
    """Run a scheduled job (apps.core.jobs) in each organization's schema in turn, yielding
    (organization, what it did). One organization's data never meets another's: each run
    sees only its own schema. (Beat's task sends one task per organization instead when there
    is a worker: apps.tenants.tasks.)"""
    from apps.core.jobs import JOBS

    job = JOBS[name]
    organizations = Organization.objects.real()
    if schema:
        organizations = organizations.filter(schema_name=schema)
    try:
        for organization in organizations:
            yield organization, _run_job_in(organization, job=job, day=day)
    finally:
        tenant_connection().set_schema_to_public()


def run_job_in_schema(name: str, *, schema: str, day: date | None = None) -> int | str:
    """Run a scheduled job in one organization, the one a fanned-out task names: what it did,
    "failed" (logged), or "gone" when the organization was removed after the task was sent."""
    from apps.core.jobs import JOBS

    job = JOBS[name]
    organization = Organization.objects.real().filter(schema_name=schema).first()
    if organization is None:
        logger.warning("scheduled job %s: no organization has the schema %s any more", name, schema)
        return "gone"
    try:
        return _run_job_in(organization, job=job, day=day)
    finally:
        tenant_connection().set_schema_to_public()


def job_schemas() -> list[str]:
    """Every organization's schema, in one query: what a fanned-out job sends a task for."""
    return list(Organization.objects.real().order_by("schema_name").values_list("schema_name", flat=True))


def _run_job_in(organization: Organization, *, job: Job, day: date | None) -> int | str:
    # One organization's failure is logged and stays its own: the others still get their run.
    try:
        # The organization's schema and its own day: "today" in a job is theirs.
        with organization, timezone.override(zoneinfo.ZoneInfo(organization.timezone or "UTC")):
            done: int = job.run(day=day)
            return done
    except Exception:
        logger.exception("scheduled job %s failed for %s", job.name, organization.schema_name)
        return "failed"
