"""Shared makers for the scheduling tests: staff, locations and shifts saved through the
services, in the test organization's zone."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from apps.clients import services as client_services
from apps.clients.models import ClientLocation
from apps.scheduling import services
from apps.scheduling.models import Schedule, Shift
from apps.staff.models import Staff
from apps.staff.tests.conftest import save_staff
from conftest import person

_numbers = count(1)


def make_staff(organization, **fields) -> Staff:
    n = next(_numbers)
    values: dict[str, Any] = {
        "employee_id": f"S{n:05d}",
        "first_name": "Dana",
        "last_name": f"Okafor{n}",
        "email": f"sched{n}@example.org",
        "hire_date": dt.date(2020, 1, 6),
    } | fields
    with organization:
        return save_staff(actor=person(organization, "hr"), **values)


def make_location(organization, **fields) -> ClientLocation:
    values = {"name": f"House {next(_numbers)}"} | fields
    with organization:
        return client_services.location_save(**values)


def make_shift(
    organization, *, day: dt.date, start: str, end: str, override: str = "", publish: bool = True, **fields
) -> Shift:
    """A shift saved through shift_save (conflicts checked); `start`/`end` as "HH:MM".
    Without a `schedule`, it joins its week's schedule, published unless `publish=False`
    (staff see no shift of a draft)."""
    shift = Shift(
        shift_date=day,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        **fields,
    )
    with organization:
        services.shift_save(
            shift=shift, actor=person(organization, "admin"), organization=organization, override_reason=override
        )
        schedule = shift.schedule
        assert schedule is not None  # shift_save puts every shift in a schedule
        if publish and "schedule" not in fields and schedule.status == Schedule.Status.DRAFT:
            # Directly: publishing through the service checks and notifies, which these tests
            # do not need.
            Schedule.objects.filter(pk=schedule.pk).update(status=Schedule.Status.PUBLISHED)
            schedule.status = Schedule.Status.PUBLISHED
    return shift
