"""The one way any app notifies people: `notify(...)`.

    notify(recipients=[care_plan.manager, nurse_role], type="care_plan.review_due",
           title=..., message=..., priority="high", link=care_plan.get_absolute_url())

Recipients are users and roles (a role means its active members). Each person gets one
row, on the channels they have not turned off for that type (types the organization makes
mandatory ignore that). In-app delivery is the row itself; other channels are delivered by
the channel registered under their name (see CHANNELS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.notifications.models import IN_APP, Notification, NotificationPreference

# Channel name -> function(notifications) that queues their delivery on that channel.
# In-app needs none; email and SMS register theirs when they land.
CHANNELS: dict[str, Callable[[list[Notification]], None] | None] = {IN_APP: None}


def register_channel(name: str, deliver: Callable[[list[Notification]], None]) -> None:
    CHANNELS[name] = deliver


def _unread_key(user_pk) -> str:
    return f"notifications:unread:{user_pk}"


def _forget_counts(keys: list[str]) -> None:
    # Now, for the rest of this request, and again after commit: a count cached by another
    # request in between would otherwise be stale until it expires.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _recipients(recipients: Iterable) -> list[User]:
    users: dict = {}
    role_ids = []
    for recipient in recipients:
        if isinstance(recipient, Role):
            role_ids.append(recipient.pk)
        elif isinstance(recipient, User):
            users[recipient.pk] = recipient
        else:
            raise TypeError(f"notify() sends to users and roles, not {type(recipient).__name__}")
    if role_ids:
        for user in User.objects.filter(role_id__in=role_ids):
            users.setdefault(user.pk, user)
    return [user for user in users.values() if user.status == User.Status.ACTIVE]


def mandatory_types(organization) -> set[str]:
    settings = getattr(organization, "settings", None) or {}
    section = settings.get("notifications", {}) if isinstance(settings, dict) else {}
    mandatory = section.get("mandatory", []) if isinstance(section, dict) else []
    return {t for t in mandatory if isinstance(t, str)}


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    type: str,  # the name the issue gives it; shadows the builtin only inside notify()
    title: str,
    message: str,
    priority: str = Notification.Priority.NORMAL,
    channels: Iterable[str] = (IN_APP,),
    link: str = "",
    organization=None,
) -> list[Notification]:
    channels = list(dict.fromkeys(channels))
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"No such notification channel: {', '.join(unknown)}")
    if priority not in Notification.Priority.values:
        raise ValueError(f"No such priority: {priority}")
    users = _recipients(recipients)
    if not users:
        return []
    forced = type in mandatory_types(organization)
    off: set[tuple] = set()
    if not forced:
        off = set(
            NotificationPreference.objects.filter(
                user_id__in=[u.pk for u in users], notification_type=type, channel__in=channels, enabled=False
            ).values_list("user_id", "channel")
        )
    now = timezone.now()
    rows = []
    for user in users:
        wanted = [c for c in channels if (user.pk, c) not in off]
        if not wanted:
            continue
        rows.append(
            Notification(
                user=user,
                notification_type=type,
                title=title[:255],
                message=message,
                priority=priority,
                channels=wanted,
                link=link,
                # In-app only: the row is the delivery.
                status=Notification.Status.DELIVERED if wanted == [IN_APP] else Notification.Status.PENDING,
                sent_at=now if wanted == [IN_APP] else None,
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    _forget_counts([_unread_key(n.user_id) for n in created if IN_APP in n.channels])
    for channel in channels:
        deliver = CHANNELS[channel]
        batch = [n for n in created if channel in n.channels]
        if deliver is not None and batch:
            transaction.on_commit(lambda deliver=deliver, batch=batch: deliver(batch))
    return created


def unread_count(user) -> int:
    """The bell's number: cached per person, dropped when it changes."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, timeout=300)
    return count


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.status = Notification.Status.READ
        notification.save(update_fields=["read_at", "status", "updated_at"])
        _forget_counts([_unread_key(notification.user_id)])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    changed = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now(), status=Notification.Status.READ
    )
    _forget_counts([_unread_key(user.pk)])
    return changed


@transaction.atomic
def preference_set(*, user, notification_type: str, channel: str, enabled: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, notification_type=notification_type, channel=channel, defaults={"enabled": enabled}
    )
    return preference


def email_content(*, template_type: str, values: dict) -> tuple[str, str, str]:
    """(subject, text, html) for a notification type: the organization's template when it
    has an active one, else the shipped default, rendered in the sandbox."""
    from apps.notifications import defaults, rendering
    from apps.notifications.models import OrgEmailTemplate

    custom = OrgEmailTemplate.objects.filter(template_type=template_type, is_active=True).first()
    if custom is not None:
        subject, text, html = custom.subject, custom.text_content, custom.html_content
    else:
        subject, text, html = (defaults.DEFAULT_EMAIL[k] for k in ("subject", "text", "html"))
    declared = set(defaults.variables_for(template_type))
    values = {k: v for k, v in values.items() if k in declared}
    return (
        " ".join(rendering.render(subject, values, html=False).split())[:255],
        rendering.render(text or "", values, html=False),
        rendering.render(html, values, html=True),
    )


@transaction.atomic
def preferences_save(*, user, choices: dict[tuple[str, str], bool]) -> None:
    """Store a person's choices: a row only where they differ from the default (on)."""
    existing = {(p.notification_type, p.channel): p for p in NotificationPreference.objects.filter(user=user)}
    for (kind, channel), enabled in choices.items():
        current = existing.get((kind, channel))
        if current is None and not enabled:
            NotificationPreference.objects.create(user=user, notification_type=kind, channel=channel, enabled=False)
        elif current is not None and current.enabled != enabled:
            current.enabled = enabled
            current.save(update_fields=["enabled", "updated_at"])
