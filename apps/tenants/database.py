"""The database connection as django-tenants' backend makes it, typed.

DATABASES' engine is django_tenants.postgresql_backend: its connection knows the schema it is
set to and switches schemas. django-stubs types `django.db.connection` as Django's own
wrapper, which has none of that, so code that reads the schema or switches it (provisioning,
the platform admin, file keys, jobs' keys, bench) goes through `tenant_connection()`.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import connection


class TenantConnection(Protocol):
    schema_name: str
    # The organization whose schema is set, or django-tenants' stand-in on the public schema.
    tenant: Any
    # None makes the backend set search_path again before its next query.
    search_path_set_schemas: list[str] | None

    def set_schema_to_public(self) -> None: ...

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...


def tenant_connection() -> TenantConnection:
    return cast(TenantConnection, connection)
