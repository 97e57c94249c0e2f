"""Rows the dashboard tests count, written straight through the ORM (the services that
normally write them have tests of their own), each placed relative to the organization's own
today and month. `fill(org, n)` writes `n` of everything every panel counts, with rows each
panel must leave out beside them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from django.utils import timezone

from apps.billing.models import BillableService, Claim, ClaimLine, Payer, ServiceAuthorization
from apps.clients.models import CarePlan, Client, ClientLocation
from apps.core import clock
from apps.scheduling.models import Schedule, Service, Shift, Visit
from apps.staff.models import Staff
from apps.tenants.tests.home_data import make_shift, published_schedule

_numbers = count(1)


def n() -> int:
    return next(_numbers)


def location(name: str = "House") -> ClientLocation:
    return ClientLocation.objects.create(name=f"{name} {n()}")


def client(*, status: str = Client.Status.ACTIVE, location: ClientLocation | None = None) -> Client:
    k = n()
    return Client.objects.create(
        client_id=f"D{k:06d}",
        first_name="Ana",
        last_name=f"Diaz{k}",
        date_of_birth=dt.date(1990, 5, 17),
        status=status,
        location=location,
    )


def staff() -> Staff:
    k = n()
    return Staff.objects.create(
        employee_id=f"DS{k:05d}",
        first_name="Dana",
        last_name=f"Okafor{k}",
        email=f"dash{k}@example.org",
        hire_date=dt.date(2020, 1, 6),
    )


def service(*, unit_type: str = Service.UnitType.UNIT, unit_minutes: int = 15) -> Service:
    k = n()
    return Service.objects.create(
        code=f"S{k:04d}", name=f"Support {k}", unit_type=unit_type, unit_minutes=unit_minutes, base_rate=Decimal("5")
    )


def payer() -> Payer:
    return Payer.objects.create(name=f"Medicaid {n()}")


def authorization(
    *,
    for_client: Client,
    by: Payer,
    of: Service,
    start: dt.date,
    end: dt.date,
    units: str = "100",
    status: str = ServiceAuthorization.Status.ACTIVE,
    period: str = ServiceAuthorization.Period.TOTAL,
    period_units: str | None = None,
) -> ServiceAuthorization:
    return ServiceAuthorization.objects.create(
        client=for_client,
        payer=by,
        service=of,
        authorization_number=f"PA-{n()}",
        start_date=start,
        end_date=end,
        units_authorized=Decimal(units),
        status=status,
        period=period,
        period_units=Decimal(period_units) if period_units else None,
    )


def billable(
    *,
    under: ServiceAuthorization | None,
    for_client: Client,
    of: Service,
    by: Staff,
    units: str,
    day: dt.date,
    status: str = BillableService.Status.READY,
) -> BillableService:
    amount = Decimal(units) * Decimal("5.00")
    return BillableService.objects.create(
        client=for_client,
        staff=by,
        service=of,
        payer=under.payer if under else None,
        authorization=under,
        source=BillableService.Source.MANUAL,
        reason="Entered for the dashboard tests",
        service_date=day,
        minutes=int(Decimal(units) * 15),
        units=Decimal(units),
        rate=Decimal("5.00"),
        total_amount=amount.quantize(Decimal("0.01")),
        status=status,
    )


def claim(
    *,
    by: Payer,
    for_client: Client,
    of: Service,
    worker: Staff,
    amount: str,
    status: str,
    submitted: dt.date | None = None,
    paid: str = "0",
    claim_type: str = Claim.Type.INITIAL,
    original: Claim | None = None,
) -> Claim:
    """A claim of one line, from a billable service of its own (a claim's total is the sum of
    its lines: a database rule)."""
    day = submitted or dt.date(2026, 1, 5)
    made = Claim.objects.create(
        payer=by,
        client=for_client,
        claim_number=f"DCLM{n():06d}",
        claim_type=claim_type,
        original=original,
        period_start=day,
        period_end=day,
        total_amount=Decimal(amount),
        amount_paid=Decimal(paid),
        status=status,
        submitted_date=submitted,
    )
    line = billable(
        under=None, for_client=for_client, of=of, by=worker, units="4", day=day, status=BillableService.Status.CLAIMED
    )
    BillableService.objects.filter(pk=line.pk).update(rate=Decimal(amount) / 4, total_amount=Decimal(amount))
    ClaimLine.objects.create(
        claim=made,
        line_number=1,
        billable_service=line,
        service_date=day,
        procedure_code=of.code,
        units=Decimal("4"),
        charge=Decimal(amount),
    )
    return made


def visit(
    *, worker: Staff, of: Service, clock_in: dt.datetime, minutes: int, status: str = Visit.Status.VERIFIED
) -> Visit:
    shift = Shift.objects.create(
        staff=worker,
        service=of,
        shift_date=clock_in.date(),
        start_time=dt.time(9),
        end_time=dt.time(17),
        starts_at=clock_in,
        ends_at=clock_in + dt.timedelta(minutes=max(minutes, 1)),
    )
    return Visit.objects.create(
        shift=shift,
        staff=worker,
        service_code=of.code,
        clock_in_at=clock_in,
        clock_out_at=clock_in + dt.timedelta(minutes=minutes),
        status=status,
    )


def fill(organization, times: int) -> None:
    """`times` rows for every dashboard panel, and beside them rows each must leave out."""
    today = clock.today(organization)
    first = clock.month_start(organization)
    month_opens = clock.start_of_day(first, organization)
    day = dt.timedelta
    with organization:
        worker = staff()
        insurer = payer()
        timed = service()
        hourly = service(unit_type=Service.UnitType.HOUR)
        daily = service(unit_type=Service.UnitType.DAY)
        locked = published_schedule(organization, today, status=Schedule.Status.LOCKED)
        for i in range(times):
            # Census: current clients at a house and without one; those discharged or deceased left out.
            house = location()
            for status in (Client.Status.ACTIVE, Client.Status.ACTIVE, Client.Status.ON_HOLD, Client.Status.INACTIVE):
                client(status=status, location=house)
            client(status=Client.Status.ACTIVE)
            client(status=Client.Status.DISCHARGED, location=house)
            client(status=Client.Status.DECEASED)
            # Open shifts over the next days; taken, cancelled, locked and later ones left out.
            start = clock.start_of_day(today + day(1 + i % 6), organization) + day(hours=10)
            make_shift(organization, start=start)
            make_shift(organization, start=timezone.now() + day(hours=1))
            make_shift(organization, start=start, staff=worker)
            make_shift(organization, start=start, status=Shift.Status.CANCELLED)
            make_shift(organization, start=start, schedule=locked)
            make_shift(organization, start=clock.start_of_day(today + day(9), organization) + day(hours=10))
            # Care plans by review date; drafts and later reviews left out.
            person = client()
            for offset in (-3, 0, 7, 8, 14, 15, 30, 31):
                CarePlan.objects.create(
                    client=person,
                    plan_type="ISP",
                    title=f"Plan {offset}",
                    start_date=today - day(300),
                    review_date=today + day(offset),
                    status=CarePlan.Status.ACTIVE,
                )
            CarePlan.objects.create(
                client=person, plan_type="ISP", title="Draft", start_date=today, review_date=today - day(1)
            )
            # Authorizations: nearly used, used up, ending soon, comfortable, suspended.
            year_ago, year_on = today - day(200), today + day(200)
            near = authorization(for_client=person, by=insurer, of=timed, start=year_ago, end=year_on)
            billable(under=near, for_client=person, of=timed, by=worker, units="80", day=today - day(3))
            spent = authorization(for_client=person, by=insurer, of=timed, start=year_ago, end=year_on)
            billable(under=spent, for_client=person, of=timed, by=worker, units="60", day=today - day(3))
            billable(
                under=spent,
                for_client=person,
                of=timed,
                by=worker,
                units="40",
                day=today - day(2),
                status=BillableService.Status.CLAIMED,
            )
            easy = authorization(for_client=person, by=insurer, of=timed, start=year_ago, end=today + day(10))
            billable(under=easy, for_client=person, of=timed, by=worker, units="10", day=today - day(3))
            # Blocked services do not use an authorization up.
            billable(
                under=easy,
                for_client=person,
                of=timed,
                by=worker,
                units="85",
                day=today - day(3),
                status=BillableService.Status.BLOCKED,
            )
            idle = authorization(
                for_client=person, by=insurer, of=timed, start=year_ago, end=year_on, status="suspended"
            )
            billable(under=idle, for_client=person, of=timed, by=worker, units="100", day=today - day(3))
            # Hours this month: weekly- and monthly-capped authorizations, hourly services;
            # day services, other months' visits and unverified visits left out.
            authorization(
                for_client=person,
                by=insurer,
                of=timed,
                start=first - day(20),
                end=first + day(40),
                units="900",
                period=ServiceAuthorization.Period.WEEK,
                period_units="20",
            )
            authorization(
                for_client=person,
                by=insurer,
                of=hourly,
                start=first - day(60),
                end=first + day(60),
                units="300",
                period=ServiceAuthorization.Period.MONTH,
                period_units="30",
            )
            authorization(for_client=person, by=insurer, of=daily, start=first, end=first + day(27), units="28")
            visit(worker=worker, of=timed, clock_in=month_opens + day(hours=9, minutes=i), minutes=95)
            visit(worker=worker, of=hourly, clock_in=month_opens + day(hours=12, minutes=i), minutes=60)
            visit(worker=worker, of=daily, clock_in=month_opens + day(hours=14, minutes=i), minutes=300)
            visit(worker=worker, of=timed, clock_in=month_opens - day(hours=3, minutes=i), minutes=45)
            visit(
                worker=worker,
                of=timed,
                clock_in=month_opens + day(hours=16, minutes=i),
                minutes=45,
                status=Visit.Status.EXCEPTION,
            )
            # Claims in every status, and receivables of every age (paid in part, settled, void).
            for state, amount in (("draft", "10"), ("submitted", "20"), ("paid", "30"), ("denied", "40")):
                claim(by=insurer, for_client=person, of=timed, worker=worker, amount=amount, status=state)
            for age, amount, paid in ((5, "100", "0"), (31, "200", "50"), (75, "300", "0"), (120, "400", "0")):
                claim(
                    by=insurer,
                    for_client=person,
                    of=timed,
                    worker=worker,
                    amount=amount,
                    paid=paid,
                    status=Claim.Status.SUBMITTED if paid == "0" else Claim.Status.PAID,
                    submitted=today - day(age),
                )
            settled = claim(
                by=insurer,
                for_client=person,
                of=timed,
                worker=worker,
                amount="70",
                paid="70",
                status=Claim.Status.PAID,
                submitted=today - day(10),
            )
            claim(
                by=insurer,
                for_client=person,
                of=timed,
                worker=worker,
                amount="70",
                status=Claim.Status.SUBMITTED,
                submitted=today - day(10),
                claim_type=Claim.Type.VOID,
                original=settled,
            )
