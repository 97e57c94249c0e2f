"""The fleet-wide audit job (the beat task and `manage.py audit_maintain`)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection

from apps.audit import services

logger = logging.getLogger(__name__)


def maintain_all(*, schema: str | None = None, now=None) -> dict:
    from apps.tenants.models import Organization

    organizations = Organization.objects.all()
    if schema:
        organizations = organizations.filter(schema_name=schema)
    results = {}
    for organization in organizations:
        # One organization's trouble (a lock that would not come) must not cost the others
        # their partitions; it is logged, reported, and retried on the next run.
        try:
            with organization:
                results[organization.schema_name] = services.maintain(
                    schema=organization.schema_name, retention_years=organization.audit_retention_years, now=now
                )
        except DatabaseError as exc:
            logger.exception("audit maintenance failed for %s", organization.schema_name)
            results[organization.schema_name] = {"created": [], "dropped": [], "error": str(exc)}
    connection.set_schema_to_public()
    return results
