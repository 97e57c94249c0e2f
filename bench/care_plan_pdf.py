"""A 10-page care plan (87 goals, 60 interventions) as a PDF: the median time to render it
(target 0.5 s). The plan prints in sunrise's font (Inter), which sets fewer goals to a page
than DejaVu Sans did: 87 goals nearly fill the tenth page (measured on a test client, where 89
did and 90 made eleven), and 76 would already make ten pages. The run stops if the plan is not
ten pages, so a change of layout cannot quietly change what is measured.

Run by bench/run.py against the bench database; prints one JSON line.
"""

import datetime as dt
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from pypdf import PdfReader  # noqa: E402

from apps.clients import printing  # noqa: E402
from apps.clients.models import CarePlan, Client  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

GOALS, PAGES = 87, 10


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        client = Client.objects.defer("ssn").order_by("client_id").first()
        plan = CarePlan(
            client=client,
            plan_type="ISP",
            title="Individual support plan (bench)",
            start_date=dt.date(2026, 1, 1),
            goals=[
                {
                    "description": f"Goal {i}: build independence in daily living with step-by-step support "
                    "and regular review with the person and their family",
                    "target": "4 of 5 opportunities over 3 months, as recorded in daily notes",
                    "start_date": "2026-01-01",
                    "target_date": "2026-06-30",
                    "status": "in_progress",
                }
                for i in range(GOALS)
            ],
            interventions=[
                {
                    "description": f"Intervention {i}: verbal and visual prompts, faded as skills grow",
                    "frequency": "Daily",
                    "responsible_role": "Direct Support Professional",
                }
                for i in range(60)
            ],
        )
        pdf = printing.care_plan_pdf(plan=plan, organization=organization)  # fonts and Pango warm
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        if pages != PAGES:
            raise SystemExit(f"the bench plan printed {pages} pages, not {PAGES}: adjust GOALS")
        times = []
        for _ in range(5):
            start = time.perf_counter()
            pdf = printing.care_plan_pdf(plan=plan, organization=organization)
            times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {"pages": pages, "median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times]}
        )
    )


if __name__ == "__main__":
    main()
