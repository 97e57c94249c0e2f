"""Care plan jobs: review reminders to the plan's responsible staff and author, and expiry."""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.clients import selectors, services
from apps.clients.kinds import REVIEW_DUE_KIND
from apps.core import clock
from apps.core.jobs import Job
from apps.notifications import jobs as notification_jobs
from apps.notifications import services as notifications


def review_reminders(*, day: dt.date | None = None) -> int:
    """One reminder per plan and review date to its responsible staff (or its author): sent
    once, however often the job runs."""
    from django.db import connection

    sent = 0
    for plan in selectors.plans_due_for_review(today=day):
        key = f"care_plan_review:{connection.schema_name}:{plan.pk}:{plan.review_date.isoformat()}"
        recipients = list(User.objects.filter(pk__in=plan.responsible_staff, status=User.Status.ACTIVE))
        if not recipients and plan.created_by_id:
            recipients = [plan.created_by]
        if not recipients:
            continue
        with transaction.atomic():
            if not notification_jobs.claim([key]):
                continue
            notifications.notify(
                recipients=recipients,
                type=REVIEW_DUE_KIND.key,
                context={"client": plan.client.display_name, "plan": plan.title, "due": plan.review_date.isoformat()},
                priority="high" if plan.review_date <= (day or clock.today()) else "normal",
                channels=["in_app", "email"],
                link=plan.get_absolute_url(),
            )
        sent += 1
    return sent


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
