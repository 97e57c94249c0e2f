"""A new organization's log: its partitions for the coming months (the template's may be stale)."""

from apps.audit import services
from apps.core.tenancy import schema_name


def organization_provisioned(*, organization, admin_email: str | None) -> None:
    services.partitions_ensure(schema=schema_name())
