"""The fleet-wide audit job (the beat task and `manage.py audit_maintain`)."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from apps.audit import services
from apps.core.tenancy import use_public_schema

logger = logging.getLogger(__name__)


def maintain_all(*, schema: str | None = None, now=None) -> dict:
    """Every schema's log: the platform's (public, which has no Organization row) and each
    organization's, the clone template's included. Keyed by schema name; each result says
    which organization it is, its retention, and what was created and dropped."""
    from apps.tenants.models import Organization

    targets = [("public", None)]
    targets += [(o.schema_name, o) for o in Organization.objects.exclude(schema_name="public").order_by("schema_name")]
    if schema:
        targets = [(name, o) for name, o in targets if name == schema]
    results = {}
    for name, organization in targets:
        years = organization.audit_retention_years if organization else services.DEFAULT_RETENTION_YEARS
        label = organization.name if organization else "platform"
        # One schema's trouble (a lock that would not come) must not cost the others their
        # partitions; it is logged, reported, and retried on the next run.
        try:
            if organization is None:
                use_public_schema()
                result = services.maintain(schema=name, retention_years=years, now=now)
            else:
                with organization:
                    result = services.maintain(schema=name, retention_years=years, now=now)
        except DatabaseError as exc:
            logger.exception("audit maintenance failed for %s", name)
            result = {"created": [], "dropped": [], "error": str(exc)}
        results[name] = {**result, "name": label, "retention_years": years}
    use_public_schema()
    return results
