"""The nightly compliance evaluation of one organization at the bench's volumes (10,000 clients,
500 staff with their certifications and training, 60,000 shifts, 100,000 submissions, a month of
100,000 visits and their authorizations): every starter rule, as the nightly job runs them.
The target is 30 s.

Two runs: the first finds everything (thousands of findings inserted, the worst night: a new
organization's first, or a rule added); the second is an ordinary night (the same findings seen
again, nothing new). Per rule, the first run's seconds and findings.

Run by bench/run.py in its own process against the bench database, before the server starts (the
findings dashboard scenario reads what it found); prints one JSON line.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.compliance import rule_types, services  # noqa: E402
from apps.compliance.models import ComplianceRule  # noqa: E402
from apps.core import clock  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402


def _timed_rules() -> dict[str, dict]:
    """Each active rule alone, in the order the job takes them: where the night's time goes."""
    per_rule = {}
    at = rule_types.Moment(today=clock.today(), now=timezone.now())
    for rule in ComplianceRule.objects.filter(is_active=True).order_by("rule_type", "rule_name"):
        start = time.perf_counter()
        outcome = services.rule_evaluate(rule=rule, at=at)
        per_rule[rule.rule_type] = {"s": round(time.perf_counter() - start, 3), "found": outcome.found}
    return per_rule


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM clients_client")
            clients = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM staff_staff")
            staff = cursor.fetchone()[0]
        # What the demo seed's own evaluation found, cleared: the first run finds it all anew.
        # One statement: the ORM's delete reads every finding first (minutes for 100,000).
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM compliance_finding")
        start = time.perf_counter()
        first = services.rules_evaluate()
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = services.rules_evaluate()
        second_s = time.perf_counter() - start
        per_rule = _timed_rules()
        print(
            json.dumps(
                {
                    "clients": clients,
                    "staff": staff,
                    "rules": len(first.outcomes),
                    "failed": len(first.failed) + len(second.failed),
                    "first_run_s": round(first_s, 2),
                    "first_run_findings": first.found,
                    "nightly_s": round(second_s, 2),
                    "nightly_new": second.opened,
                    "per_rule": per_rule,
                }
            )
        )


if __name__ == "__main__":
    main()
