"""Delete an organization for good: its schema (every record, its audit log included), its
stored files and its domains, leaving a DeletedOrganization record in the public schema.

Only an organization suspended for at least ORGANIZATION_DELETION_DAYS (30 by default): a
suspension is reversible and gives the agency the time to ask for its export
(export_organization) before anything is lost; and only when the platform operator types
the organization's subdomain. The database work is one transaction; files are removed after
it commits, so a failed transaction never leaves rows whose files are gone.
"""

from __future__ import annotations

import getpass
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.core.db.roles import as_owner
from apps.core.tenancy import tenant_connection
from apps.tenants import services
from apps.tenants.models import DeletedOrganization, Domain, Organization
from apps.tenants.moving import blobs, catalog, exporting

logger = logging.getLogger(__name__)


class DeletionRefused(Exception):
    pass


def deletable_from(organization: Organization) -> datetime | None:
    """When the organization may be deleted: its suspension plus the waiting period (None
    while it is active)."""
    if organization.is_active or organization.deactivated_at is None:
        return None
    return organization.deactivated_at + timedelta(days=settings.ORGANIZATION_DELETION_DAYS)


def organization_delete(
    *, organization: Organization, confirm: str, operator: str, reason: str = "", now: datetime | None = None
) -> DeletedOrganization:
    now = now or timezone.now()
    if organization.is_system:
        raise DeletionRefused("The platform's own schemas are not organizations and cannot be deleted.")
    if confirm != organization.subdomain:
        raise DeletionRefused(
            f"Type the organization's subdomain to confirm (--confirm {organization.subdomain}); nothing was deleted."
        )
    if not operator.strip():
        raise DeletionRefused("Say who confirms the deletion (--operator); nothing was deleted.")
    allowed = deletable_from(organization)
    if allowed is None:
        raise DeletionRefused(
            f"{organization.name} is active. Suspend it first; it can be deleted "
            f"{settings.ORGANIZATION_DELETION_DAYS} days after, once its export has been handed over."
        )
    if now < allowed:
        raise DeletionRefused(
            f"{organization.name} was suspended on {organization.deactivated_at:%Y-%m-%d %H:%M} UTC; it can be "
            f"deleted from {allowed:%Y-%m-%d %H:%M} UTC ({settings.ORGANIZATION_DELETION_DAYS} days after)."
        )
    with as_owner():
        return _delete(organization, operator=operator.strip(), reason=reason, now=now)


def _delete(organization: Organization, *, operator: str, reason: str, now: datetime) -> DeletedOrganization:
    schema = organization.schema_name
    with transaction.atomic():
        rows_by_table: dict[str, int] = {}
        stored: list = []
        with connection.cursor() as cursor:
            # Locks the organization's row: a second run waits, then finds it gone.
            cursor.execute("SELECT 1 FROM tenants_organization WHERE id = %s FOR UPDATE", [organization.pk])
            if cursor.fetchone() is None:
                raise DeletionRefused(f"{organization.name} was deleted meanwhile.")
            cursor.execute("SELECT to_regnamespace(%s)", [schema])
            if cursor.fetchone()[0] is not None:
                for table in catalog.tables(schema):
                    cursor.execute(f"SELECT count(*) FROM {catalog.ident(schema)}.{catalog.ident(table['name'])}")  # noqa: S608 - identifiers from the catalog, quoted # nosec B608
                    rows_by_table[table["name"]] = cursor.fetchone()[0]
                with organization:
                    for provider in blobs.providers():
                        stored += provider.stored_blobs()
                tenant_connection().set_schema_to_public()
        for field in exporting.BRANDING_FIELDS:
            image = getattr(organization, field)
            if image:
                stored.append((lambda storage=image.storage, name=image.name: storage.delete(name), 0))
        record = DeletedOrganization.objects.create(
            name=organization.name,
            subdomain=organization.subdomain,
            schema_name=schema,
            organization_id=organization.pk,
            suspended_at=organization.deactivated_at,
            deleted_at=now,
            deleted_by=operator,
            system_user=_system_user(),
            reason=reason,
            tables=len(rows_by_table),
            rows=sum(rows_by_table.values()),
            rows_by_table=rows_by_table,
            files=len(stored),
            file_bytes=sum(size for _remove, size in stored),
        )
        with connection.cursor() as cursor:
            # Checks still queued on its tables (rows written earlier in this transaction)
            # would keep them from being dropped.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DROP SCHEMA IF EXISTS {catalog.ident(schema)} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        Domain.objects.filter(tenant=organization).delete()
        # The schema is gone already; auto_drop_schema is off, so this drops nothing.
        organization.delete()
        transaction.on_commit(lambda: _remove_files(stored, schema))
        services.clear_host_cache()
    return record


def _remove_files(stored: list, schema: str) -> None:
    failed = 0
    for remove, _size in stored:
        try:
            remove()
        except Exception:
            failed += 1
            logger.exception("delete_organization: a file of %s could not be removed", schema)
    if failed:
        logger.error("delete_organization: %s files of %s are left in storage", failed, schema)


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
