from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults
from apps.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    OrgEmailTemplate,
)

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
        for kind, label in sorted(((k, v.label) for k, v in defaults.TYPES.items()), key=lambda item: str(item[1]))
    ]


# --- the organization's wording --------------------------------------------------------


def template_rows() -> list[dict]:
    """Every kind, and for each channel whether the organization has its own wording."""
    from apps.notifications.forms import CHANNELS

    own: dict[tuple[str, str], OrgEmailTemplate | NotificationTemplate]
    own = {(t.template_type, "email"): t for t in OrgEmailTemplate.objects.all()}
    own |= {(t.notification_type, t.template_type): t for t in NotificationTemplate.objects.all()}
    return [
        {
            "type": key,
            "label": kind.label,
            "cells": [
                {"channel": channel, "label": label, "template": own.get((key, channel))}
                for channel, label in CHANNELS.items()
            ],
        }
        for key, kind in sorted(defaults.TYPES.items(), key=lambda item: str(item[1].label))
    ]


def template_for(kind: str, channel: str):
    """The organization's template for the kind on the channel, or a new one holding the
    shipped wording to start from; 404 for a kind or channel that does not exist."""
    from apps.notifications.forms import CHANNELS

    if kind not in defaults.TYPES or channel not in CHANNELS:
        raise Http404
    label = str(defaults.TYPES[kind].label)
    if channel == "email":
        return OrgEmailTemplate.objects.filter(template_type=kind).first() or OrgEmailTemplate(
            template_type=kind,
            subject=defaults.DEFAULT_EMAIL["subject"],
            html_content=defaults.DEFAULT_EMAIL["html"],
            text_content=defaults.DEFAULT_EMAIL["text"],
        )
    existing = NotificationTemplate.objects.filter(notification_type=kind, template_type=channel).first()
    if existing is not None:
        return existing
    if channel == "sms":
        return NotificationTemplate(
            notification_type=kind, template_type=channel, template_name=label, body=defaults.DEFAULT_SMS
        )
    own = defaults.TYPES[kind]
    return NotificationTemplate(
        notification_type=kind,
        template_type=channel,
        template_name=label,
        subject=str(own.title),
        body=str(own.message),
    )


def deliveries(*, status: str = "", channel: str = "", query: str = "") -> QuerySet[Delivery]:
    """Emails and texts, newest first, for admins looking for what did not arrive."""
    rows = Delivery.objects.select_related("notification__user").order_by("-created_at")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel=channel)
    for word in query.split()[:5]:
        rows = rows.filter(
            Q(notification__user__email__icontains=word)
            | Q(notification__user__first_name__icontains=word)
            | Q(notification__user__last_name__icontains=word)
            | Q(notification__title__icontains=word)
        )
    return rows
