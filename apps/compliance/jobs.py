"""The nightly evaluation of every organization's compliance rules (a registered job: beat runs
it for every organization, `manage.py run_job compliance.evaluate` or
`manage.py evaluate_compliance` by hand). Safe to run twice: a second run finds the same
findings, opens nothing new and so notifies nobody again."""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from apps.core.jobs import Job


def evaluate(*, day: dt.date | None = None) -> int:
    """Evaluate the rules of the organization whose schema is active (rules look at the
    organization's today; `day` is not used); returns how many findings opened or reopened."""
    from apps.compliance.services import rules_evaluate

    return rules_evaluate().opened


EVALUATE = Job(
    name="compliance.evaluate",
    description=_("Evaluate the compliance rules: open, update and resolve findings."),
    run=evaluate,
    # 04:00 UTC is the evening before in the Americas: what a run opens there is in the daily
    # digest of 11:00 UTC (which sends the day before's unread notifications) hours later.
    schedule=crontab(minute=0, hour=4),
)
