"""A new organization's log: this month's partition and the next (the template's may be stale;
the daily job adds the months after)."""

from apps.audit import services
from apps.core.tenancy import schema_name


def organization_provisioned(*, organization, admin_email: str | None) -> None:
    services.partitions_ensure(schema=schema_name(), months_ahead=services.NEW_SCHEMA_MONTHS_AHEAD)
