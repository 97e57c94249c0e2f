"""A new organization's log: its partitions for the coming months (the template's may be stale)."""

from django.db import connection

from apps.audit import services


def organization_provisioned(*, organization, admin_email: str | None) -> None:
    services.partitions_ensure(schema=connection.schema_name)
