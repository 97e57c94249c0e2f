"""The 837P for 10,000 service lines (target 2 s): 200 clients with 50 services each in one
month, built into 200 claims of 50 lines, loaded once (claims_for_export), then build_837p
timed alone (the median of a few runs). Building the claims is timed too (claims_build of
the 10,000 services). Everything is made in a transaction that is rolled back: the bench
database keeps nothing.

Run by bench/run.py against the bench database; prints one JSON line.
"""

import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from apps.billing import claims as services  # noqa: E402
from apps.billing.identity import BillingIdentity  # noqa: E402
from apps.billing.models import BillableService, Coverage, Payer  # noqa: E402
from apps.billing.x12.out837 import build_837p  # noqa: E402
from apps.clients.models import Client  # noqa: E402
from apps.scheduling.models import Service  # noqa: E402
from apps.staff.models import Staff  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

CLIENTS, PER_CLIENT, RUNS = 200, 50, 5
MONTH = dt.date(2031, 1, 1)
IDENTITY = BillingIdentity(
    name="Sunrise Supports",
    npi="1234567893",
    tax_id="123456789",
    taxonomy_code="251C00000X",
    address_line1="100 Main Street",
    city="Springfield",
    state="IL",
    postal_code="627011234",
    contact_name="Bea Biller",
    contact_phone="2175550100",
    submitter_id="SUNRISE01",
    receiver_id="CLEARHOUSE",
    receiver_name="Clearing House",
)


class Rollback(Exception):
    pass


def _world() -> None:
    payer = Payer.objects.create(name="Bench Medicaid", edi_payer_id="BENCH1")
    service, _ = Service.objects.get_or_create(
        code="BENCH1", defaults={"name": "Bench service", "base_rate": Decimal("6.25"), "modifiers": ["U1", "HQ"]}
    )
    staff = Staff.objects.create(
        employee_id="BENCH-X12",
        first_name="Bench",
        last_name="Carer",
        email="bench-x12@example.org",
        hire_date=dt.date(2020, 1, 1),
    )
    clients = Client.objects.bulk_create(
        Client(
            client_id=f"BENCH-X12-{i:04d}",
            first_name="Bench",
            last_name=f"Client{i}",
            date_of_birth=dt.date(1990, 1, 1),
            gender="female",
            address_line1="1 Oak Lane",
            city="Springfield",
            state="IL",
            postal_code="62704",
            primary_diagnosis="F84.0 Autistic disorder",
            secondary_diagnoses=[{"code": "F41.1"}],
        )
        for i in range(CLIENTS)
    )
    Coverage.objects.bulk_create(
        Coverage(client=c, payer=payer, member_id=f"M{i:08d}", start_date=dt.date(2020, 1, 1))
        for i, c in enumerate(clients)
    )
    units, rate = Decimal("4"), Decimal("6.25")
    BillableService.objects.bulk_create(
        (
            BillableService(
                client=c,
                staff=staff,
                service=service,
                payer=payer,
                source="manual",
                reason="bench",
                service_date=MONTH + dt.timedelta(days=d % 28),
                minutes=60,
                units=units,
                rate=rate,
                total_amount=units * rate,
            )
            for c in clients
            for d in range(PER_CLIENT)
        ),
        batch_size=5000,
    )


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    result: dict = {}
    with organization:
        try:
            with transaction.atomic():
                _world()
                started = time.perf_counter()
                built = services.claims_build(start=MONTH, end=MONTH.replace(day=28), actor=None)
                # The claim-total check is deferred to COMMIT, which this run never reaches: run it.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                result["claims_build_10000_s"] = round(time.perf_counter() - started, 3)
                claims = list(services.claims_for_export(built))
                lines = sum(len(c.lines.all()) for c in claims)
                assert lines == CLIENTS * PER_CLIENT, lines
                times = []
                for run in range(RUNS):
                    started = time.perf_counter()
                    content = build_837p(claims, identity=IDENTITY, control_number=run + 1, now=dt.datetime.now(dt.UTC))
                    times.append(time.perf_counter() - started)
                result["837p_10000_lines_s"] = round(statistics.median(times), 3)
                result["837p_bytes"] = len(content)
                raise Rollback
        except Rollback:
            pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
