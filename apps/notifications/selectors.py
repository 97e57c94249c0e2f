from django.db.models import QuerySet
from django.http import Http404

from apps.notifications.models import Notification


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
