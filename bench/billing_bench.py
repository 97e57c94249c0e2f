"""Billable-service generation for one month of an agency of 1,000 clients and 100,000
verified visits (bench/billing_volume.py made them; target 10 s on the 2-core machines).

What an earlier run generated for that month is deleted first, so the bench can be run
again. Run by bench/run.py or alone; prints one JSON line."""

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

from apps.billing.generation import billables_generate  # noqa: E402
from apps.billing.models import BillableService  # noqa: E402
from apps.scheduling.models import Visit  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402
from bench.billing_volume import SERVICE_CODE, bench_month  # noqa: E402


def main() -> None:
    organization = Organization.objects.get(subdomain=os.environ.get("BENCH_ORGANIZATION", "sunrise"))
    start, end = bench_month(organization)
    with organization:
        # In SQL: the ORM's delete would write a change-log entry per row, which is not
        # what is measured here.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {BillableService._meta.db_table} WHERE source = 'visit' AND service_date"  # noqa: S608
                " BETWEEN %s AND %s AND service_id IN (SELECT id FROM scheduling_service WHERE code = %s)",
                [start, end, SERVICE_CODE],
            )
        visits = Visit.objects.filter(service_code=SERVICE_CODE, status=Visit.Status.VERIFIED).count()
        began = time.perf_counter()
        result = billables_generate(start=start, end=end)
        seconds = time.perf_counter() - began
    print(
        json.dumps(
            {
                "generation_s": round(seconds, 2),
                "visits": visits,
                "created": result.created,
                "ready": result.ready,
                "blocked": result.blocked,
                "month": start.isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main()
