"""Publishing a 40-shift draft week: how long the conflict check on publish takes (the target is
0.2 s) against the bench's 500 staff and 60,000 shifts. The draft is a night shift for each
of 40 bench staff next week, next to the shifts they already have (rest warnings, no blocking
conflict); each run publishes it inside a savepoint that is rolled back, so every run checks
the same draft, and nothing is left behind.

Run by bench/run.py in its own process against the bench database; prints one JSON line.
"""

import datetime as dt
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

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.clients.models import ClientLocation  # noqa: E402
from apps.scheduling import rules, services, timing  # noqa: E402
from apps.scheduling.models import Schedule, Shift  # noqa: E402
from apps.staff.models import Staff  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

SHIFTS = 40
RUNS = 5


def _draft(organization, actor) -> Schedule:
    zone = services.zone_of(organization)
    today = dt.date.today()
    first = timing.week_of(today + dt.timedelta(days=7), rules.for_organization(organization).week_start)
    active = Staff.objects.filter(employment_status=Staff.Status.ACTIVE).order_by("employee_id")
    # The bench's own staff where prepare.py made them; the demo staff on a small database.
    people = list(active.filter(employee_id__startswith="BENCH").values_list("pk", flat=True)[:SHIFTS]) or list(
        active.values_list("pk", flat=True)[:SHIFTS]
    )
    if not people:
        raise SystemExit("no staff to schedule: run bench/prepare.py (or seed_demo) first")
    location = ClientLocation.objects.create(name="Publish bench house", type="residential")
    schedule = services.schedule_save(
        schedule=Schedule(
            schedule_name="Publish bench week",
            start_date=first,
            end_date=first + dt.timedelta(days=6),
            location=location,
        ),
        actor=actor,
    )
    start, end = dt.time(22, 30), dt.time(6, 30)
    shifts = []
    for i in range(SHIFTS):
        day = first + dt.timedelta(days=i % 7)
        starts_at, ends_at = timing.bounds(day, start, end, zone)
        shifts.append(
            Shift(
                schedule=schedule,
                staff_id=people[i % len(people)],
                location=location,
                shift_date=day,
                start_time=start,
                end_time=end,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    Shift.objects.bulk_create(shifts)
    return schedule


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        actor = User.objects.get(email="admin@sunrise.test")
        checks, publishes, queries, blocking = [], [], 0, 0
        with transaction.atomic():
            schedule = _draft(organization, actor)
            for _run in range(RUNS):
                start = time.perf_counter()
                results = services.schedule_check(schedule, organization=organization)
                checks.append(time.perf_counter() - start)
                blocking = sum(1 for _s, found in results for f in found if f.blocking)
                savepoint = transaction.savepoint()
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    services.schedule_publish(
                        schedule=schedule,
                        actor=actor,
                        organization=organization,
                        override_reason="Bench: every run publishes the same draft.",
                    )
                    publishes.append(time.perf_counter() - start)
                queries = len(captured)
                transaction.savepoint_rollback(savepoint)
            # Leave the bench database as it was.
            transaction.set_rollback(True)
    print(
        json.dumps(
            {
                "shifts": SHIFTS,
                "median_s": round(statistics.median(publishes), 3),
                "runs_s": [round(t, 3) for t in publishes],
                "check_median_s": round(statistics.median(checks), 3),
                "queries": queries,
                "blocking_findings": blocking,
            }
        )
    )


if __name__ == "__main__":
    main()
