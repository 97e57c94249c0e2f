"""Billable-service generation for one month of an agency of 1,000 clients and 100,000
verified visits (bench/billing_volume.py made them; target 10 s on the 2-core machines), then
the month's claims built from them (timed too; the claims list and review queue scenarios read
what this leaves).

What an earlier run made for that month (services and their claims) is deleted first, so the
bench can be run again. Run by bench/run.py before the server starts; prints one JSON line."""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from apps.billing.claims import claims_build  # noqa: E402
from apps.billing.generation import billables_generate  # noqa: E402
from apps.scheduling.models import Visit  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402
from bench.billing_volume import SERVICE_CODE, bench_month  # noqa: E402


def main() -> None:
    organization = Organization.objects.get(subdomain=os.environ.get("BENCH_ORGANIZATION", "sunrise"))
    start, end = bench_month(organization)
    with organization:
        # In SQL: the ORM's delete would write a change-log entry per row, which is not
        # what is measured here.
        # An earlier run's claims of those services go first (their lines hold the services).
        made = (
            "SELECT b.id FROM billing_billableservice b JOIN scheduling_service s ON s.id = b.service_id"
            " WHERE b.source = 'visit' AND b.service_date BETWEEN %(start)s AND %(end)s AND s.code = %(code)s"
        )
        claimed = f"SELECT claim_id FROM billing_claimline WHERE billable_service_id IN ({made})"  # noqa: S608 - table names are this module's constants # nosec B608
        bounds: dict[str, dt.date | str] = {"start": start, "end": end, "code": SERVICE_CODE}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE bench_claims ON COMMIT DROP AS {claimed}", bounds)
            for table in ("billing_claimevent", "billing_claimadjustment", "billing_claimline"):
                cursor.execute(f"DELETE FROM {table} WHERE claim_id IN (SELECT claim_id FROM bench_claims)")  # noqa: S608 - table names are this module's constants # nosec B608
            cursor.execute("DELETE FROM billing_claim WHERE id IN (SELECT claim_id FROM bench_claims)")
            cursor.execute(f"DELETE FROM billing_billableservice WHERE id IN ({made})", bounds)  # noqa: S608 - table names are this module's constants # nosec B608
        visits = Visit.objects.filter(service_code=SERVICE_CODE, status=Visit.Status.VERIFIED).count()
        began = time.perf_counter()
        result = billables_generate(start=start, end=end)
        seconds = time.perf_counter() - began
        # The month's claims, as the Billing Specialist builds them (the claims list reads them).
        began = time.perf_counter()
        claims = claims_build(start=start, end=end, actor=None)
        build_seconds = time.perf_counter() - began
    print(
        json.dumps(
            {
                "generation_s": round(seconds, 2),
                "visits": visits,
                "created": result.created,
                "ready": result.ready,
                "blocked": result.blocked,
                "month": start.isoformat(),
                "claims_build_s": round(build_seconds, 2),
                "claims": len(claims),
            }
        )
    )


if __name__ == "__main__":
    main()
