"""Delivery beyond in-app. Each channel registers a function that notify() calls (after the
transaction commits) with the new notifications on that channel: it records one Delivery per
notification and queues a task per delivery."""

from __future__ import annotations

from apps.notifications.models import Delivery, Notification

EMAIL = "email"


def queue_email(notifications: list[Notification]) -> None:
    from apps.notifications import tasks

    deliveries = Delivery.objects.bulk_create(
        [Delivery(notification=n, channel=EMAIL) for n in notifications], ignore_conflicts=True
    )
    for delivery in deliveries:
        tasks.deliver_email.delay(str(delivery.pk))


SMS = "sms"


def queue_sms(notifications: list[Notification]) -> None:
    from apps.notifications import tasks

    deliveries = Delivery.objects.bulk_create(
        [Delivery(notification=n, channel=SMS) for n in notifications], ignore_conflicts=True
    )
    for delivery in deliveries:
        tasks.deliver_sms.delay(str(delivery.pk))
