"""The billing bench's data: 1,000 clients, each with primary coverage and an authorization
for one bench service, and 100,000 verified, clocked-out visits (with their completed
shifts) in one month, the previous one in the organization's calendar. Clients, coverage and
authorizations are bulk-created; shifts and visits are loaded with COPY.

One client in ten has an authorization too small for its month, so generation also blocks
services (authorization_exhausted), as a real agency's month would."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from django.db import connection
from django.utils import timezone

CLIENTS = 1_000
VISITS = 100_000
SERVICE_CODE = "BENCHPC"
# Four one-hour visits a day per client, never overlapping: 25 days make 100 visits.
SLOTS = [dt.time(7), dt.time(10), dt.time(13), dt.time(16)]


def bench_month(organization) -> tuple[dt.date, dt.date]:
    """The organization's previous calendar month: every visit in it is in the past."""
    from apps.core import clock

    first = clock.month_start(organization)
    start = (first - dt.timedelta(days=1)).replace(day=1)
    return start, first - dt.timedelta(days=1)


def _copy(model, rows: list[dict]) -> None:
    """COPY rows (column values by attname) into the model's table; JSON as its text."""
    from django.db.models import JSONField

    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    as_json = {f.attname for f in fields if isinstance(f, JSONField)}
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[f.attname]) if f.attname in as_json else row[f.attname] for f in fields])


def make(organization) -> dict[str, str]:
    from apps.billing.models import Coverage, Payer, ServiceAuthorization
    from apps.clients.models import Client
    from apps.core import clock
    from apps.scheduling.models import Service, Shift, Visit
    from apps.staff.models import Staff

    start, end = bench_month(organization)
    zone = clock.zone(organization)
    now = timezone.now()
    with organization:
        service, _ = Service.objects.get_or_create(
            code=SERVICE_CODE,
            defaults={"name": "Bench personal care", "unit_minutes": 15, "base_rate": Decimal("6.45")},
        )
        payer = Payer.objects.create(name="Bench Medicaid", edi_payer_id="BENCH1")
        clients = Client.objects.bulk_create(
            [
                Client(
                    client_id=f"BB{i:05d}",
                    first_name="Bench",
                    last_name=f"Billing{i:05d}",
                    date_of_birth=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                )
                for i in range(CLIENTS)
            ],
            batch_size=1000,
        )
        Coverage.objects.bulk_create(
            [
                Coverage(client=c, payer=payer, member_id=f"M{i:08d}", start_date=start - dt.timedelta(days=365))
                for i, c in enumerate(clients)
            ]
        )
        ServiceAuthorization.objects.bulk_create(
            [
                ServiceAuthorization(
                    client=c,
                    payer=payer,
                    service=service,
                    authorization_number=f"BENCH-{i:05d}",
                    start_date=start,
                    end_date=end + dt.timedelta(days=60),
                    # 100 one-hour visits are 400 units; one client in ten is short.
                    units_authorized=Decimal("300") if i % 10 == 0 else Decimal("1000"),
                )
                for i, c in enumerate(clients)
            ]
        )
        staff = list(
            Staff.objects.filter(hire_date__lte=start, termination_date__isnull=True).values_list("pk", flat=True)
        )
        if not staff:
            raise SystemExit("the organization has no staff employed through the bench month: seed it first")
        shifts, visits = [], []
        per_client = VISITS // CLIENTS
        for i, c in enumerate(clients):
            for k in range(per_client):
                day = start + dt.timedelta(days=k // len(SLOTS))
                begins = dt.datetime.combine(day, SLOTS[k % len(SLOTS)]).replace(tzinfo=zone)
                ends = begins + dt.timedelta(hours=1)
                person = staff[(i * per_client + k) % len(staff)]
                shift_id = uuid.uuid4()
                shifts.append(
                    {
                        "id": shift_id,
                        "created_at": now,
                        "updated_at": now,
                        "staff_id": person,
                        "client_id": c.pk,
                        "service_id": service.pk,
                        "shift_date": day,
                        "start_time": begins.time(),
                        "end_time": ends.time(),
                        "status": Shift.Status.COMPLETED,
                        "shift_type": Shift.Type.REGULAR,
                        "is_mandatory": False,
                        "notes": "",
                        "starts_at": begins,
                        "ends_at": ends,
                    }
                )
                visits.append(
                    {
                        "id": uuid.uuid4(),
                        "created_at": now,
                        "updated_at": now,
                        "shift_id": shift_id,
                        "staff_id": person,
                        "client_id": c.pk,
                        "service_code": SERVICE_CODE,
                        "clock_in_at": begins,
                        "clock_out_at": ends,
                        "status": Visit.Status.VERIFIED,
                        "exception_codes": [],
                        "reason_code": "",
                        "reason_note": "",
                        "clock_out_reason_code": "",
                        "clock_out_reason_note": "",
                        "resolution_note": "",
                    }
                )
        _copy(Shift, shifts)
        _copy(Visit, visits)
    return {"billing_month": start.isoformat()}
