"""What the authorization and billable-service tests share: a service, a payer, a client
covered and authorized, a certified staff member, and verified visits, all in the test
organization's zone. Shifts and visits are written directly: these tests are about what
billing makes of them, not how scheduling records them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from apps.billing.models import Coverage, Payer, ServiceAuthorization
from apps.clients.models import Client
from apps.core import clock
from apps.documentation.tests.support import make_client
from apps.scheduling.models import Service, Shift, Visit
from apps.scheduling.tests.conftest import make_staff
from apps.staff.models import Staff

_n = count(1)


def make_service(**fields) -> Service:
    values = {
        "code": f"T{next(_n):04d}",
        "name": "Personal care",
        "unit_type": Service.UnitType.UNIT,
        "unit_minutes": 15,
        "rounding": Service.Rounding.EIGHT_MINUTE,
        "base_rate": Decimal("5.00"),
    } | fields
    return Service.objects.create(**values)


def make_payer(**fields) -> Payer:
    return Payer.objects.create(**({"name": f"Medicaid {next(_n)}", "edi_payer_id": "SKCO0"} | fields))


@dataclass
class Setting:
    client: Client
    staff: Staff
    service: Service
    payer: Payer
    coverage: Coverage
    authorization: ServiceAuthorization


def make_setting(
    organization, *, units=Decimal("100.00"), start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), **auth
):
    """A client with primary coverage and an active authorization for a service, and a staff
    member employed since 2020; call inside `with organization:` for the rest."""
    client = make_client(organization, first_name=f"Ana{next(_n)}")
    staff = make_staff(organization)
    with organization:
        service = make_service()
        payer = make_payer()
        coverage = Coverage.objects.create(client=client, payer=payer, member_id="M1", start_date=start)
        authorization = ServiceAuthorization.objects.create(
            client=client,
            payer=payer,
            service=service,
            authorization_number=f"PA-{next(_n)}",
            start_date=start,
            end_date=end,
            units_authorized=units,
            **auth,
        )
    return Setting(client, staff, service, payer, coverage, authorization)


def make_visit(
    s: Setting,
    *,
    day: dt.date,
    start: str = "09:00",
    minutes: int = 60,
    seconds: int = 0,
    status: str = Visit.Status.VERIFIED,
    shift_status: str = Shift.Status.COMPLETED,
    service: Service | None = None,
    staff: Staff | None = None,
) -> Visit:
    """A clocked-out visit of a shift of the setting's client, starting at `start` local time."""
    begins = dt.datetime.combine(day, dt.time.fromisoformat(start)).replace(tzinfo=clock.zone())
    ends = begins + dt.timedelta(minutes=minutes, seconds=seconds)
    staff = staff or s.staff
    shift = Shift.objects.create(
        staff=staff,
        client=s.client,
        service=service or s.service,
        shift_date=day,
        start_time=begins.time(),
        end_time=ends.time(),
        starts_at=begins,
        ends_at=ends if ends > begins else begins + dt.timedelta(minutes=1),
        status=shift_status,
    )
    return Visit.objects.create(
        shift=shift,
        staff=staff,
        client=s.client,
        service_code=(service or s.service).code,
        clock_in_at=begins,
        clock_out_at=ends,
        status=status,
    )
