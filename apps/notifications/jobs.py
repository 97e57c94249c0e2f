"""Scheduled jobs that send notifications (registered with apps.core.jobs; beat runs each
for every organization, and `manage.py run_job NAME` by hand).

Each claims its work by key in JobRun first and sends only for keys it claimed, so it is safe
to run twice. Each runs inside one organization's schema and reads only that schema. The
reminders (certifications expiring, training due, care plan reviews, appointments) are
registered by the apps that hold their data, with claim() from here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from celery.schedules import crontab
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core import clock
from apps.core.jobs import Job
from apps.core.tenancy import current_organization, tenant_connection
from apps.notifications import services
from apps.notifications.models import IN_APP, Delivery, JobRun, Notification


def claim(keys: list[str]) -> set[str]:
    """The keys nobody claimed before, claimed now; the others are already done.

    One INSERT … ON CONFLICT DO NOTHING RETURNING: with two runs at once, the second waits on
    the first's rows and gets back none of them, so only one of them sends. Claim inside the
    transaction that does the work, so a failed run's claims roll back with it."""
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
    day = day or (clock.today() - timedelta(days=1))
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
    keys = {f"digest:{tenant_connection().schema_name}:{day.isoformat()}:{pk}": pk for pk in users}
    sent = 0
    for key in sorted(keys):
        # The claim and the notification commit together: a run that dies halfway leaves
        # the people it had not reached unclaimed, for the next run.
        with transaction.atomic():
            if not claim([key]):
                continue
            user = users[keys[key]]
            services.notify(
                recipients=[user],
                type="digest.daily",
                context={"day": day.isoformat(), "count": counts[user.pk]},
                channels=["email"],
                link="/notifications/?show=unread",
                organization=current_organization(),
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


# A delivery handed to the broker this long ago and still pending is taken to be lost (a
# broker restarted empty, a worker killed mid-task). Longer than the tasks' longest retry
# backoff (600 s), so a delivery waiting for its retry is not queued a second time.
OUTBOX_LOST_AFTER = timedelta(minutes=15)
# A delivery the broker never took is left this long to the request that made it (its
# after-commit hand-over may be running right now).
OUTBOX_GRACE = timedelta(minutes=1)
# Older than this, a delivery still pending is not queued again: one whose task keeps
# failing before it can record anything (a bug, not the broker) is not retried forever.
OUTBOX_GIVE_UP = timedelta(days=2)
OUTBOX_BATCH = 500


def outbox_sweep(*, day: date | None = None) -> int:
    """Hand the broker again the deliveries still pending that it never took (it was down
    when they were committed) or took long ago. Returns how many it took.

    The deliveries are the outbox: they commit with the change that notified. Queuing one
    twice is harmless, since the delivery tasks claim the row and skip it once sent."""
    now = timezone.now()
    lost = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__gte=now - OUTBOX_GIVE_UP)
        .filter(
            Q(enqueued_at__isnull=True, created_at__lt=now - OUTBOX_GRACE) | Q(enqueued_at__lt=now - OUTBOX_LOST_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", "channel")[:OUTBOX_BATCH]
    )
    by_channel: dict[str, list[str]] = {}
    for pk, channel in lost:
        by_channel.setdefault(channel, []).append(str(pk))
    taken = 0
    for channel, ids in by_channel.items():
        task = services.CHANNELS.get(channel)
        if task is not None:
            taken += services.enqueue(current_organization(), task, ids)
    return taken


OUTBOX = Job(
    name="notifications.outbox",
    description=_("Queue again the emails and texts the task queue never took or lost."),
    run=outbox_sweep,
    schedule=crontab(),  # every minute
)
