from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults
from apps.notifications.models import Notification, NotificationPreference

CHANNEL_LABELS = [("in_app", _("In the app")), ("email", _("Email")), ("sms", _("Text message"))]


def notifications_for(user, *, unread_only: bool = False, priority: str = "") -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    if priority in Notification.Priority.values:
        notifications = notifications.filter(priority=priority)
    return notifications.order_by("-created_at")


def get_notification_for_user(user, pk) -> Notification:
    """The person's own notification, or 404 (for someone else's as for a missing one)."""
    notification = Notification.objects.filter(pk=pk, user=user).first()
    if notification is None:
        raise Http404
    return notification


def preference_rows(user, *, organization=None) -> list[dict]:
    from apps.notifications.services import mandatory_types

    off = set(
        NotificationPreference.objects.filter(user=user, enabled=False).values_list("notification_type", "channel")
    )
    required = mandatory_types(organization)
    return [
        {
            "type": kind,
            "label": label,
            "mandatory": kind in required,
            "cells": [
                {
                    "type": kind,
                    "channel": channel,
                    "label": channel_label,
                    "name": f"{kind}:{channel}",
                    "on": kind in required or (kind, channel) not in off,
                }
                for channel, channel_label in CHANNEL_LABELS
            ],
        }
        for kind, (label, _extra) in sorted(defaults.TYPES.items(), key=lambda item: str(item[1][0]))
    ]
