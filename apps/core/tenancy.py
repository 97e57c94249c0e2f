"""The organization whose schema is active, for code that has no request.

Views read `request.organization` (apps.accounts.http.OrgRequest). Jobs, services and commands
run inside one organization's schema (django-tenants' connection, tenant-schemas-celery,
`with organization:`), and read it here. The public schema's tenant is not an organization's.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import connection
from django_tenants.utils import get_public_schema_name


def current_organization() -> Any:
    """The active organization, or None on the public schema (django-tenants keeps a stand-in
    tenant there, which is no organization). Typed loosely: core does not know the tenants
    app's model."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", None) == get_public_schema_name():
        return None
    return tenant


class TenantConnection(Protocol):
    """The connection as django-tenants' backend (DATABASES' engine) makes it: it knows the
    schema it is set to and switches schemas. django-stubs types `django.db.connection` as
    Django's own wrapper, which has none of that."""

    schema_name: str
    # The organization whose schema is set, or django-tenants' stand-in on the public schema.
    tenant: Any
    # None makes the backend set search_path again before its next query.
    search_path_set_schemas: list[str] | None

    def set_schema_to_public(self) -> None: ...

    def set_schema(self, schema_name: str, include_public: bool = True, tenant_type: str | None = None) -> None: ...

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...


def tenant_connection() -> TenantConnection:
    return cast(TenantConnection, connection)


def schema_name() -> str:
    """The active schema's name."""
    return tenant_connection().schema_name


def use_public_schema() -> None:
    tenant_connection().set_schema_to_public()
