"""Billing's nightly jobs: authorization alerts (80% and 100% used, 30 days before the end),
each sent once, and yesterday's billable services generated from verified visits."""

from __future__ import annotations

import datetime as dt
import uuid

from celery.schedules import crontab
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.billing import kinds
from apps.core import clock
from apps.core.jobs import Job

ENDING_DAYS = 30
VIEW_PERMISSION = ("billing", "view_serviceauthorization")


def _recipients() -> list:
    from apps.accounts import roles
    from apps.accounts.models import User

    permission = Permission.objects.filter(
        content_type__app_label=VIEW_PERMISSION[0], codename=VIEW_PERMISSION[1]
    ).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= (
            Q(role__group__permissions=permission) | Q(groups__permissions=permission) | Q(user_permissions=permission)
        )
    # Auditors read every authorization but act on none: an alert asks for action.
    people = User.objects.filter(holders, status=User.Status.ACTIVE).exclude(role__name=roles.AUDITOR)
    return list(people.distinct())


def authorization_alerts(*, day: dt.date | None = None) -> int:
    """Tell the people who follow authorizations when one reaches 80% or 100% used and 30
    days before it ends. Each alert is claimed by setting its notified_* column on the locked
    row in the transaction that sends it, so a run that dies halfway leaves the rest for the
    next and none is sent twice. Returns how many alerts went out."""
    from apps.billing.authorizations import utilization
    from apps.billing.models import ServiceAuthorization
    from apps.notifications import services as notifications

    today = day or clock.today()
    candidates = list(
        ServiceAuthorization.objects.filter(status=ServiceAuthorization.Status.ACTIVE, end_date__gte=today)
        .filter(Q(notified_80_at__isnull=True) | Q(notified_100_at__isnull=True) | Q(notified_ending_at__isnull=True))
        .select_related("client", "service")
    )
    use = utilization(candidates, today=today)
    due: list[tuple[uuid.UUID, str, str]] = []
    for a in candidates:
        percent = use[a.pk].percent_used
        if percent >= 100 and a.notified_100_at is None:
            due.append((a.pk, "notified_100_at", kinds.AUTHORIZATION_100.key))
        elif percent >= 80 and a.notified_80_at is None:
            due.append((a.pk, "notified_80_at", kinds.AUTHORIZATION_80.key))
        if a.end_date <= today + dt.timedelta(days=ENDING_DAYS) and a.notified_ending_at is None:
            due.append((a.pk, "notified_ending_at", kinds.AUTHORIZATION_ENDING.key))
    if not due:
        return 0
    recipients = _recipients()
    if not recipients:
        # Kept for a later run: nobody would read them today.
        return 0

    def claim(item):
        pk, column, kind = item
        authorization = (
            ServiceAuthorization.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client", "service")
            .filter(pk=pk, **{f"{column}__isnull": True})
            .first()
        )
        if authorization is None:
            return None
        now = timezone.now()
        setattr(authorization, column, now)
        updates = [column]
        if column == "notified_100_at" and authorization.notified_80_at is None:
            # Passing 100% passes 80% too: one alert, not two the same night.
            authorization.notified_80_at = now
            updates.append("notified_80_at")
        authorization.save(update_fields=[*updates, "updated_at"])
        return authorization, kind

    def reminder(claimed):
        authorization, kind = claimed
        return notifications.Reminder(
            recipients=recipients,
            type=kind,
            context={
                "authorization": authorization.authorization_number,
                "client": authorization.client.display_name,
                "service": authorization.service.code,
                "used": f"{use[authorization.pk].percent_used}%",
                "end": date_format(authorization.end_date),
            },
            link=authorization.get_absolute_url(),
            channels=["in_app", "email"],
        )

    return notifications.remind(due, claim=claim, reminder=reminder)


def billable_generation(*, day: dt.date | None = None) -> int:
    """Yesterday's verified visits (in the organization's calendar) become billable
    services; returns how many were made."""
    from apps.billing.generation import billables_generate

    target = day or clock.today() - dt.timedelta(days=1)
    return billables_generate(start=target, end=target).created


AUTHORIZATION_ALERTS = Job(
    name="billing.authorization_alerts",
    # xgettext:no-python-format
    description=_("Alert billing when an authorization is 80% or 100% used, and 30 days before it ends."),
    run=authorization_alerts,
    schedule=crontab(minute=30, hour=7),
)

BILLABLE_GENERATION = Job(
    name="billing.billable_generation",
    description=_("Make billable services from yesterday's verified visits."),
    run=billable_generation,
    schedule=crontab(minute=0, hour=9),
)
