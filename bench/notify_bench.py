"""notify() to 1,000 people: how long until the rows are stored (the target is 1 s).

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
django.setup()

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
        times = []
        for run in range(5):
            start = time.perf_counter()
            created = notify(
                recipients=[role],
                type="bench.announcement",
                title=f"Staff meeting moved ({run})",
                message="The monthly staff meeting moves to Thursday at 3 pm.",
                organization=organization,
            )
            times.append(time.perf_counter() - start)
            assert len(created) == RECIPIENTS, len(created)
    print(
        json.dumps(
            {
                "recipients": RECIPIENTS,
                "median_s": round(statistics.median(times), 3),
                "runs_s": [round(t, 3) for t in times],
            }
        )
    )


if __name__ == "__main__":
    main()
