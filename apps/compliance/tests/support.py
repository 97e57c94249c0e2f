"""What the compliance tests share: records made directly in the organization's schema (call
these under `with organization:`), the clock set to a fixed instant, and a way to ask one rule
type what it finds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from django.utils import timezone

from apps.clients.models import CarePlan, Client, ClientLocation
from apps.compliance import rule_types
from apps.compliance.models import ComplianceRule
from apps.core import clock
from apps.scheduling.models import Service, Shift, Visit
from apps.staff.models import Certification, Staff

UTC = dt.UTC
# 17:00 UTC of the current day: 11:00 in Chicago (alpha), 18:00 in Madrid (beta), the same date
# in both. The day the tests run, not a fixed one: the audit log is partitioned by month, and
# only months around now have partitions.
NOON = dt.datetime.combine(dt.datetime.now(UTC).date(), dt.time(17), tzinfo=UTC)
TODAY = NOON.date()

_numbers = count(1)


def found(key: str, **definition) -> set:
    """The pks of the objects the rule type finds now, with these parameters."""
    rule_type = rule_types.REGISTRY[key]
    assert not rule_types.definition_errors(rule_type, definition), definition
    at = rule_types.Moment(today=clock.today(), now=timezone.now())
    return {row["pk"] for row in rule_type.evaluate(rule_types.parameters(rule_type, definition), at)}


def make_rule(rule_type: str, definition: dict, **fields) -> ComplianceRule:
    values = {"rule_name": f"Rule {next(_numbers)}", "rule_type": rule_type, "rule_definition": definition} | fields
    return ComplianceRule.objects.create(**values)


def make_staff(**fields) -> Staff:
    n = next(_numbers)
    values = {
        "employee_id": f"C{n:05d}",
        "first_name": "Dana",
        "last_name": f"Okafor{n}",
        "email": f"compliance{n}@example.org",
        "hire_date": dt.date(2020, 1, 6),
    } | fields
    return Staff.objects.create(**values)


def make_certification(staff: Staff, kind: str = "CPR", *, expires: dt.date | None, **fields) -> Certification:
    values = {
        "certification_type": kind,
        "certification_name": f"{kind} certificate",
        "issuing_organization": "Red Cross",
        "issue_date": dt.date(2025, 1, 1),
        "expiry_date": expires,
    } | fields
    return Certification.objects.create(staff=staff, **values)


def make_location(**fields) -> ClientLocation:
    return ClientLocation.objects.create(**({"name": f"House {next(_numbers)}"} | fields))


def make_client(**fields) -> Client:
    n = next(_numbers)
    values = {
        "client_id": f"CC{n:05d}",
        "first_name": "Jordan",
        "last_name": f"Ellis{n}",
        "date_of_birth": dt.date(1990, 5, 17),
    } | fields
    return Client.objects.create(**values)


def make_plan(client: Client, **fields) -> CarePlan:
    values = {
        "plan_type": CarePlan.Type.ISP,
        "title": "Individual support plan",
        "start_date": dt.date(2026, 1, 1),
        "status": CarePlan.Status.ACTIVE,
    } | fields
    return CarePlan.objects.create(client=client, **values)


def make_service(code: str = "T2017", **fields) -> Service:
    service, _created = Service.objects.get_or_create(code=code, defaults={"name": f"Service {code}"} | fields)
    return service


def make_shift(*, starts_at: dt.datetime, hours: int = 4, **fields) -> Shift:
    local = clock.local(starts_at)
    ends_at = starts_at + dt.timedelta(hours=hours)
    return Shift.objects.create(
        shift_date=local.date(),
        start_time=local.time(),
        end_time=clock.local(ends_at).time(),
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )


def make_visit(*, clock_out_at: dt.datetime | None, client: Client | None = None, **fields) -> Visit:
    staff = fields.pop("staff", None) or make_staff()
    clock_in_at = (clock_out_at or timezone.now()) - dt.timedelta(hours=2)
    shift = make_shift(starts_at=clock_in_at, hours=2, staff=staff, client=client, status=Shift.Status.COMPLETED)
    return Visit.objects.create(
        shift=shift, staff=staff, client=client, clock_in_at=clock_in_at, clock_out_at=clock_out_at, **fields
    )


def units(value: str) -> Decimal:
    return Decimal(value)
