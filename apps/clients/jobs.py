"""Care plan jobs: review reminders to the plan's responsible staff and author, and expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.clients import selectors, services
from apps.clients.kinds import REVIEW_DUE_KIND
from apps.clients.models import CarePlan
from apps.core import clock
from apps.core.jobs import Job
from apps.core.tenancy import current_organization
from apps.notifications import jobs as notification_jobs
from apps.notifications import services as notifications


def review_reminders(*, day: dt.date | None = None) -> int:
    """One reminder per plan and review date to its responsible staff (or its author): sent
    once, however often the job runs. A plan with nobody to tell is left for a later run."""
    today = day or clock.today()
    schema = current_organization().schema_name

    def due() -> Iterator[tuple[CarePlan, list[User]]]:
        for plan in selectors.plans_due_for_review(today=day):
            recipients = list(User.objects.filter(pk__in=plan.responsible_staff, status=User.Status.ACTIVE))
            if not recipients and plan.created_by is not None:
                recipients = [plan.created_by]
            if recipients:
                yield plan, recipients

    def claim(due: tuple[CarePlan, list[User]]) -> tuple[CarePlan, list[User]] | None:
        plan, _recipients = due
        key = f"care_plan_review:{schema}:{plan.pk}:{_review_date(plan).isoformat()}"
        return due if notification_jobs.claim([key]) else None

    def reminder(due: tuple[CarePlan, list[User]]) -> notifications.Reminder:
        plan, recipients = due
        return notifications.Reminder(
            recipients=recipients,
            type=REVIEW_DUE_KIND.key,
            context={"client": plan.client.display_name, "plan": plan.title, "due": _review_date(plan).isoformat()},
            priority="high" if _review_date(plan) <= today else "normal",
            channels=["in_app", "email"],
            link=plan.get_absolute_url(),
        )

    return notifications.remind(due(), claim=claim, reminder=reminder)


def _review_date(plan: CarePlan) -> dt.date:
    assert plan.review_date is not None  # plans_due_for_review() filters on it
    return plan.review_date


REVIEW_DUE = Job(
    name="care_plans.review_due",
    description=_("Remind responsible staff of care plans due for review within 14 days."),
    run=review_reminders,
    schedule=crontab(minute=15, hour=12),
)


EXPIRE = Job(
    name="care_plans.expire",
    description=_("Mark active care plans past their end date as expired."),
    run=services.care_plans_expire,
    schedule=crontab(minute=5, hour=6),
)
