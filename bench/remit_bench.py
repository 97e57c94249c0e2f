"""Posting an 835 of 10,000 service lines (target 5 s), on the bench database.

In the bench organization (sunrise, made by seed_demo): 1,000 submitted claims of 10 lines
each are written with bulk INSERTs, an 835 paying them is built with
apps.billing.x12.sample835 (a third of the claims paid in part, with PR and CO adjustments,
and every tenth one denied), then `remittance_import` posts it in one transaction. The time
measured is the import alone: parsing, matching, posting and COMMIT.

Run by bench/run.py or on its own; prints one JSON line.
"""

import datetime as dt
import json
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.billing.models import BillableService, Claim, ClaimLine, Payer  # noqa: E402
from apps.billing.remittance import remittance_import  # noqa: E402
from apps.billing.x12.sample835 import build_835  # noqa: E402
from apps.clients.models import Client  # noqa: E402
from apps.scheduling.models import Service  # noqa: E402
from apps.staff.models import Staff  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

CLAIMS = 1000
LINES_PER_CLAIM = 10
TARGET_S = 5
START = dt.date(2026, 10, 1)


def make_claims(run: str) -> list[Claim]:
    client = Client.objects.order_by("pk").first()
    staff = Staff.objects.order_by("pk").first()
    if client is None or staff is None:
        raise SystemExit("the bench organization has no client or staff: run seed_demo first")
    service, _ = Service.objects.get_or_create(
        code="T1019", defaults={"name": "Personal care", "base_rate": Decimal("6.25")}
    )
    payer = Payer.objects.create(name=f"Bench payer {run}", edi_payer_id=f"B{run}")
    with transaction.atomic():
        claims = Claim.objects.bulk_create(
            [
                Claim(
                    payer=payer,
                    client=client,
                    claim_number=f"B{run}-{n:05d}",
                    period_start=START,
                    period_end=START + dt.timedelta(days=LINES_PER_CLAIM - 1),
                    total_amount=Decimal("25.00") * LINES_PER_CLAIM,
                    status=Claim.Status.SUBMITTED,
                    submitted_date=START,
                )
                for n in range(CLAIMS)
            ],
            batch_size=2000,
        )
        billables = BillableService.objects.bulk_create(
            [
                BillableService(
                    client=client,
                    staff=staff,
                    service=service,
                    payer=payer,
                    source=BillableService.Source.MANUAL,
                    reason="bench",
                    service_date=START + dt.timedelta(days=day),
                    minutes=60,
                    units=Decimal("4"),
                    rate=Decimal("6.25"),
                    total_amount=Decimal("25.00"),
                    status=BillableService.Status.CLAIMED,
                )
                for _ in claims
                for day in range(LINES_PER_CLAIM)
            ],
            batch_size=2000,
        )
        ClaimLine.objects.bulk_create(
            [
                ClaimLine(
                    claim=claim,
                    line_number=day + 1,
                    billable_service=billables[n * LINES_PER_CLAIM + day],
                    service_date=START + dt.timedelta(days=day),
                    procedure_code="T1019",
                    modifiers=["U1"],
                    units=Decimal("4"),
                    charge=Decimal("25.00"),
                )
                for n, claim in enumerate(claims)
                for day in range(LINES_PER_CLAIM)
            ],
            batch_size=2000,
        )
    return claims


def main() -> None:
    organization = Organization.objects.get(subdomain=os.environ.get("BENCH_ORG", "sunrise"))
    run = uuid.uuid4().hex[:8].upper()
    with organization:
        claims = make_claims(run)
        partial = {c.claim_number: Decimal("230.00") for c in claims[::3]}
        denied = [c.claim_number for c in claims[1::10]]
        started = time.perf_counter()
        content = build_835(
            claims,
            paid=partial,
            denied=denied,
            adjustments={number: ("PR", "1") for number in list(partial)[::2]},
            trace_number=f"BENCH{run}",
            payment_date=dt.date(2026, 11, 15),
        )
        built = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            remittance = remittance_import(content=content, actor=None, filename="bench.835")
            seconds = time.perf_counter() - started
        lines = ClaimLine.objects.filter(claim__payer__name=f"Bench payer {run}")
        posted = sum(lines.values_list("amount_paid", flat=True), Decimal("0.00"))
        if posted != remittance.total_paid or remittance.unmatched:
            raise SystemExit(f"the bench 835 did not post cleanly: {posted} posted of {remittance.total_paid}")
    print(
        json.dumps(
            {
                "835_10000_lines_s": round(seconds, 2),
                "target_s": TARGET_S,
                "service_lines": CLAIMS * LINES_PER_CLAIM,
                "claims": CLAIMS,
                "file_kb": len(content) // 1024,
                "import_queries": len(queries),
                "build_835_s": round(built, 2),
                "total_paid": str(remittance.total_paid),
            }
        )
    )


if __name__ == "__main__":
    main()
