"""The organization whose schema is active, for code that has no request.

Views read `request.organization` (apps.accounts.http.OrgRequest). Jobs, services and commands
run inside one organization's schema (django-tenants' connection, tenant-schemas-celery,
`with organization:`), and read it here. The public schema's tenant is not an organization's.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def current_organization() -> Any:
    """The active organization (typed loosely: core does not know the tenants app's model)."""
    return getattr(connection, "tenant", None)


def schema_name() -> str:
    """The active schema's name (django-tenants' connection has it; Django's type does not)."""
    return connection.schema_name  # type: ignore[attr-defined]


def use_public_schema() -> None:
    connection.set_schema_to_public()  # type: ignore[attr-defined]
