"""notify() to 1,000 people: how long until the rows are stored (the target is 1 s); and
with email too, until the rows, their deliveries and 1,000 queued tasks are committed (the
tasks go to an in-memory broker: sending is the worker's time, not the caller's).

Run by bench/run.py in its own process against the bench database; prints one JSON line.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
os.environ.update(CELERY_TASK_ALWAYS_EAGER="False", CELERY_BROKER_URL="memory://")
django.setup()

from django.db import transaction  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.accounts.services import role_create  # noqa: E402
from apps.notifications.services import notify  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

RECIPIENTS = 1000


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        role = Role.objects.filter(name="Bench recipients").first() or role_create(name="Bench recipients", actor=None)
        missing = RECIPIENTS - User.objects.filter(role=role).count()
        User.objects.bulk_create(
            [User(email=f"recipient{i:04d}@sunrise.test", role=role, status=User.Status.ACTIVE) for i in range(missing)]
        )
        times: list[float] = []
        with_email: list[float] = []
        for channels, into in ((("in_app",), times), (("in_app", "email"), with_email)):
            for run in range(5):
                start = time.perf_counter()
                with transaction.atomic():
                    created = notify(
                        recipients=[role],
                        type="general.announcement",
                        title=f"Staff meeting moved ({run})",
                        message="The monthly staff meeting moves to Thursday at 3 pm.",
                        channels=channels,
                        organization=organization,
                    )
                into.append(time.perf_counter() - start)
                assert len(created) == RECIPIENTS, len(created)
    print(
        json.dumps(
            {
                "recipients": RECIPIENTS,
                "median_s": round(statistics.median(times), 3),
                "runs_s": [round(t, 3) for t in times],
                "with_email_median_s": round(statistics.median(with_email), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
