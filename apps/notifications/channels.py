"""Delivery beyond in-app. Each channel registers a function that notify() calls (after the
transaction commits) with the new notifications on that channel: it records one Delivery per
notification and queues a task per delivery."""

from __future__ import annotations

from apps.notifications.models import Delivery, Notification

EMAIL = "email"


def _queue(notifications: list[Notification], *, channel: str, task) -> None:
    deliveries = Delivery.objects.bulk_create(
        [Delivery(notification=n, channel=channel) for n in notifications], ignore_conflicts=True
    )
    for delivery in deliveries:
        task.delay(str(delivery.pk))


def queue_email(notifications: list[Notification]) -> None:
    from apps.notifications import tasks

    _queue(notifications, channel=EMAIL, task=tasks.deliver_email)


SMS = "sms"


def queue_sms(notifications: list[Notification]) -> None:
    from apps.notifications import tasks

    _queue(notifications, channel=SMS, task=tasks.deliver_sms)
