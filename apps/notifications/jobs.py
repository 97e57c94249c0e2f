"""Scheduled jobs: Celery beat runs each for every organization, and `manage.py run_job
<name>` runs it by hand.

Each job claims its work by key in JobRun first and sends only for keys it claimed, so it is
safe to run twice. Each runs inside one organization's schema and reads only that schema.

Apps register their jobs (certifications expiring, training due, care plan reviews,
appointment reminders) in AppConfig.ready() with `register(Job(...))`; registering adds the
job to beat's schedule, so nothing else needs editing when an app lands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from celery.schedules import crontab
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.notifications import services
from apps.notifications.models import IN_APP, JobRun, Notification


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    # Runs in one organization's schema; `day` is the day it runs for (today by default).
    run: Callable[..., int]
    schedule: object = field(default_factory=lambda: crontab(minute=0, hour=6))  # a Celery schedule; UTC


JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    from starline.celery import app

    JOBS[job.name] = job
    app.conf.beat_schedule[f"job:{job.name}"] = {
        "task": "apps.notifications.tasks.run_job_all",
        "schedule": job.schedule,
        "args": (job.name,),
    }


def run_everywhere(name: str, *, schema: str | None = None, day: date | None = None) -> Iterator[tuple]:
    """Run a job in each organization's schema in turn: (organization, what it sent)."""
    from apps.tenants.models import Organization

    job = JOBS[name]
    organizations = Organization.objects.real()
    if schema:
        organizations = organizations.filter(schema_name=schema)
    try:
        for organization in organizations:
            with organization:
                sent = job.run(day=day)
            yield organization, sent
    finally:
        connection.set_schema_to_public()


def claim(keys: list[str]) -> set[str]:
    """The keys nobody claimed before, claimed now; the others are already done.

    One INSERT … ON CONFLICT DO NOTHING RETURNING: with two runs at once, the second waits on
    the first's rows and gets back none of them, so only one of them sends."""
    if not keys:
        return set()
    table = connection.ops.quote_name(JobRun._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, done_at) SELECT unnest(%s::text[]), now() "
            "ON CONFLICT (key) DO NOTHING RETURNING key",
            [keys],
        )
        return {key for (key,) in cursor.fetchall()}


def daily_digest(*, day: date | None = None) -> int:
    """Email each active person who has unread notifications from `day` (yesterday by
    default) one summary. Returns how many digests were sent."""
    zone = timezone.get_current_timezone()
    day = day or (timezone.localdate() - timedelta(days=1))
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    counts = dict(
        Notification.objects.filter(
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
            read_at__isnull=True,
            channels__contains=[IN_APP],
        )
        .exclude(notification_type="digest.daily")
        .values_list("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=counts, status=User.Status.ACTIVE)}
    keys = {f"digest:{connection.schema_name}:{day.isoformat()}:{pk}": pk for pk in users}
    sent = 0
    for key in sorted(claim(list(keys))):
        user = users[keys[key]]
        services.notify(
            recipients=[user],
            type="digest.daily",
            context={"day": day.isoformat(), "count": counts[user.pk]},
            channels=["email"],
            link="/notifications/?show=unread",
            organization=getattr(connection, "tenant", None),
        )
        sent += 1
    return sent


DIGEST = Job(
    name="digest.daily",
    description=_("Email each person a summary of yesterday's unread notifications."),
    # For this job `day` names the day summarized: yesterday unless told.
    run=daily_digest,
    schedule=crontab(minute=0, hour=11),  # early morning across US time zones
)
