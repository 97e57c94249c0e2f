"""The one way any app notifies people: `notify(...)`.

    notify(recipients=[care_plan.manager, nurse_role], type="care_plan.review_due",
           context={"client": client.preferred_name, "due": "2026-12-01"},
           priority="high", link=care_plan.get_absolute_url())

The kind (registered in defaults.py) says which context names exist and how the in-app title
and message read; the organization may reword them (NotificationTemplate, OrgEmailTemplate).
`title=` and `message=` are shorthand for those two context values, for kinds that are just
a title and a message (announcements).

Recipients are users and roles (a role means its active members). Each person gets one
row, on the channels they have not turned off for that type (types the organization makes
mandatory ignore that). In-app delivery is the row itself; other channels are delivered by
the channel registered under their name (see CHANNELS).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.accounts.models import Role, User
from apps.core import clock
from apps.core.tenancy import current_organization
from apps.notifications import defaults, rendering
from apps.notifications.models import (
    IN_APP,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    OrgEmailTemplate,
)

logger = logging.getLogger(__name__)

# Channel name -> the Celery task that delivers one Delivery of it (by id). In-app needs
# none: the row is the delivery. Email and SMS register theirs (apps.py).
CHANNELS: dict[str, Any] = {IN_APP: None}


def register_channel(name: str, task: Any) -> None:
    CHANNELS[name] = task


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


def language_of(user: User | None, organization=None) -> str:
    """The language a notification to this person is written in, wherever it is written (a
    background job has no request, whose language is its visitor's): their own preference
    when the accounts app keeps one (a `language` on the user; none yet), else their
    organization's default (the active one's by default)."""
    own = getattr(user, "language", "")
    if own and own in dict(django_settings.LANGUAGES):
        return own
    organization = organization if organization is not None else current_organization()
    return getattr(organization, "language", None) or django_settings.LANGUAGE_CODE


@contextmanager
def written_for(user: User | None, organization=None) -> Iterator[None]:
    """Text and dates made inside this block read as the person would write them: in their
    language (language_of) and their organization's time zone."""
    organization = organization if organization is not None else current_organization()
    with translation.override(language_of(user, organization)), timezone.override(clock.zone(organization)):
        yield


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
    context: dict | None = None,
    title: str | None = None,
    message: str | None = None,
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
    kind = defaults.kind(type)
    values = {name: "" if value is None else str(value) for name, value in (context or {}).items()}
    # str(): a lazy translation is text only once asked, and the context is stored as JSON.
    if title is not None:
        values["title"] = str(title)
    if message is not None:
        values["message"] = str(message)
    undeclared = sorted(set(values) - set(kind.variables))
    if undeclared:
        raise ValueError(f"{type} has no variable {', '.join(undeclared)} (it has {', '.join(kind.variables)})")
    users = _recipients(recipients)
    if not users:
        return []
    organization = organization if organization is not None else current_organization()
    title, message = in_app_content(
        template_type=type, values={**values, "organization": _organization_name(organization), "link": link}
    )
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
                title=title,
                message=message,
                context=values,
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
    # The deliveries are part of this transaction; only handing them to the workers waits
    # for the commit (a task must find its row), in the schema they were written in.
    tenant = current_organization()
    for channel in channels:
        task = CHANNELS[channel]
        batch = [Delivery(notification=n, channel=channel) for n in created if channel in n.channels]
        if task is not None and batch:
            deliveries = Delivery.objects.bulk_create(batch, batch_size=1000)
            transaction.on_commit(partial(enqueue, tenant, task, [str(d.pk) for d in deliveries]))
    return created


def enqueue(tenant, task, ids: list[str]) -> int:
    """Hand each delivery to the broker; returns how many it took.

    Runs after the commit, so the notification and its deliveries are saved whatever
    happens here: a broker that is down or refuses is logged, never the request's failure,
    and the deliveries it did not take stay pending with no `enqueued_at`, for the sweep job
    (jobs.outbox_sweep) to hand over once it is back."""
    from django_tenants.utils import tenant_context

    def send() -> list[str]:
        taken = []
        for delivery_id in ids:
            try:
                task.delay(delivery_id)
            except Exception:  # kombu's and redis' errors alike: the broker, not the request
                logger.warning(
                    "notifications: broker did not take delivery %s; the sweep will", delivery_id, exc_info=True
                )
                break  # the next ones would wait for the same broker in vain
            taken.append(delivery_id)
        if taken:
            Delivery.objects.filter(pk__in=taken, status=Delivery.Status.PENDING).update(enqueued_at=timezone.now())
        return taken

    if tenant is None or not getattr(tenant, "schema_name", None):
        return len(send())
    with tenant_context(tenant):
        return len(send())


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


def _organization_name(organization) -> str:
    return getattr(organization, "name", "") or "Starline"


def _one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def _declared(template_type: str, channel: str, values: dict) -> dict:
    declared = set(defaults.variables_for(template_type, channel))
    return {k: v for k, v in values.items() if k in declared}


def _custom(template_type: str, channel: str) -> NotificationTemplate | None:
    return NotificationTemplate.objects.filter(
        notification_type=template_type, template_type=channel, is_active=True
    ).first()


def in_app_content(*, template_type: str, values: dict, template: NotificationTemplate | None = None):
    """(title, message) for a kind: the organization's wording when it has some in use,
    else the kind's own, rendered in the sandbox."""
    custom = template or _custom(template_type, IN_APP)
    kind = defaults.kind(template_type)
    title, message = (custom.subject, custom.body) if custom else (str(kind.title), str(kind.message))
    values = _declared(template_type, IN_APP, values)
    return (
        _one_line(rendering.render(title, values, html=False), 255),
        rendering.render(message, values, html=False).strip(),
    )


def sms_content(*, template_type: str, values: dict, template: NotificationTemplate | None = None) -> str:
    custom = template or _custom(template_type, NotificationTemplate.Channel.SMS)
    body = custom.body if custom else defaults.DEFAULT_SMS
    return rendering.render(body, _declared(template_type, "sms", values), html=False).strip()[:1600]


def email_content(*, template_type: str, values: dict, template: OrgEmailTemplate | None = None):
    """(subject, text, html) for a kind: the organization's template when it has one in
    use, else the shipped default, rendered in the sandbox."""
    custom = template or OrgEmailTemplate.objects.filter(template_type=template_type, is_active=True).first()
    if custom is not None:
        subject, text, html = custom.subject, custom.text_content, custom.html_content
    else:
        subject, text, html = (defaults.DEFAULT_EMAIL[k] for k in ("subject", "text", "html"))
    values = _declared(template_type, "email", values)
    return (
        _one_line(rendering.render(subject, values, html=False), 255),
        rendering.render(text or "", values, html=False),
        rendering.render(html, values, html=True),
    )


def message_values(notification: Notification, *, organization, base: str) -> dict:
    """What an email or a text to the notification's person may say (its kind's variables
    plus the common ones), as text."""
    user = notification.user
    link = notification.link
    return {
        **(notification.context or {}),
        "first_name": user.first_name or user.email,
        "organization": _organization_name(organization),
        "title": notification.title,
        "message": notification.message,
        "link": f"{base}{link}" if link.startswith("/") else link,
    }


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


def settle(delivery: Delivery) -> None:
    """Carry the deliveries' outcomes to their notification: delivered when any channel
    delivered it, sent when any sent it, failed only when every channel failed, pending
    otherwise; once read it stays read."""
    statuses = set(Delivery.objects.filter(notification_id=delivery.notification_id).values_list("status", flat=True))
    if Delivery.Status.DELIVERED in statuses:
        status = Notification.Status.DELIVERED
    elif Delivery.Status.SENT in statuses:
        status = Notification.Status.SENT
    elif statuses == {Delivery.Status.FAILED}:
        status = Notification.Status.FAILED
    else:
        return
    notification = Notification.objects.filter(pk=delivery.notification_id).exclude(status=Notification.Status.READ)
    notification.exclude(status=status).update(status=status)
    if delivery.sent_at:
        notification.filter(sent_at__isnull=True).update(sent_at=delivery.sent_at)


@transaction.atomic
def delivery_report(*, channel: str, provider_id: str, state: str, error: str = "") -> Delivery | None:
    """A provider's word on a message it took (delivered, or not after all). Reports for
    unknown messages, and states that are not final, change nothing."""
    if not provider_id or state not in (Delivery.Status.DELIVERED, Delivery.Status.FAILED):
        return None
    delivery = Delivery.objects.select_for_update().filter(channel=channel, provider_id=provider_id).first()
    if delivery is None or delivery.status == state:
        return delivery
    delivery.status = state
    if state == Delivery.Status.DELIVERED:
        delivery.delivered_at = timezone.now()
    else:
        delivery.delivered_at = None
        delivery.last_error = f"The provider could not deliver it (error {error or 'unknown'})."
    delivery.save(update_fields=["status", "delivered_at", "last_error", "updated_at"])
    settle(delivery)
    return delivery


@transaction.atomic
def email_template_save(
    *, kind: str, subject: str, html_content: str, text_content: str, is_active: bool
) -> OrgEmailTemplate:
    """Store the organization's email for a kind after the sandbox has checked every field."""
    template = OrgEmailTemplate.objects.filter(template_type=kind).first() or OrgEmailTemplate(template_type=kind)
    template.subject, template.html_content, template.text_content = subject, html_content, text_content
    template.is_active = is_active
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def message_template_save(
    *, kind: str, channel: str, body: str, is_active: bool, subject: str | None = None
) -> NotificationTemplate:
    """Store the organization's in-app or text wording for a kind after the sandbox has
    checked every field. A text has no title: `subject` None leaves it as it is."""
    template = NotificationTemplate.objects.filter(notification_type=kind, template_type=channel).first()
    if template is None:
        template = NotificationTemplate(
            notification_type=kind, template_type=channel, template_name=str(defaults.kind(kind).label)
        )
    if subject is not None:
        template.subject = subject
    template.body, template.is_active = body, is_active
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_reset(*, kind: str, channel: str) -> int:
    """Back to the shipped wording: the organization's own is deleted (the audit trail
    keeps what it said)."""
    if channel == "email":
        deleted, _rows = OrgEmailTemplate.objects.filter(template_type=kind).delete()
    else:
        deleted, _rows = NotificationTemplate.objects.filter(notification_type=kind, template_type=channel).delete()
    return deleted


def email_document(*, html: str, organization: Any, site_name: str, base: str) -> str:
    """A message's HTML in the organization's branded email (its colours, its logo from its
    own host at `base`, its contact details): what is sent, and what the preview shows."""
    return render_to_string(
        "notifications/emails/notification_body.html",
        {"body": html, "organization": organization, "site_name": site_name, "base_url": base},
    )


def email_template_preview(
    *, kind: str, subject: str, html_content: str, text_content: str, organization: Any
) -> dict[str, str]:
    """An email's wording rendered on made-up values, as the person would receive it."""
    values = defaults.sample_values(kind, organization=_organization_name(organization))
    wording = OrgEmailTemplate(
        template_type=kind, subject=subject, html_content=html_content, text_content=text_content
    )
    subject, text, html = email_content(template_type=kind, values=values, template=wording)
    return {"subject": subject, "text": text, "html": html}


def message_template_preview(
    *, kind: str, channel: str, subject: str, body: str, organization: Any
) -> dict[str, str | int]:
    """In-app or text wording rendered on made-up values, as the person would receive it
    (a text with how many messages it takes)."""
    values = defaults.sample_values(kind, organization=_organization_name(organization))
    wording = NotificationTemplate(notification_type=kind, template_type=channel, subject=subject, body=body)
    if channel == NotificationTemplate.Channel.SMS:
        text = sms_content(template_type=kind, values=values, template=wording)
        return {"text": text, "segments": sms_segments(text)}
    title, message = in_app_content(template_type=kind, values=values, template=wording)
    return {"subject": title, "text": message}


def sms_segments(body: str) -> int:
    """How many texts the provider will bill for it: 160 characters in one (153 each when
    split) in the GSM alphabet, 70 (67) when it needs Unicode. Plain ASCII stands in for
    the GSM alphabet: close enough for an estimate shown next to the text."""
    gsm = all(ord(ch) < 128 for ch in body)
    single, part = (160, 153) if gsm else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // part)


T = TypeVar("T")  # what a reminder job goes through (a plan, a certification…)
C = TypeVar("C")  # what its claim gives back to write the reminder from


@dataclass(frozen=True)
class Reminder:
    """What remind() sends for one claimed item: notify()'s arguments."""

    recipients: Sequence[User | Role]
    type: str
    context: dict[str, str]
    link: str = ""
    priority: str = Notification.Priority.NORMAL
    channels: Sequence[str] = (IN_APP,)


def remind(items: Iterable[T], *, claim: Callable[[T], C | None], reminder: Callable[[C], Reminder]) -> int:
    """The reminder jobs' loop: for each item, claim it, then notify, in one transaction;
    returns how many items were claimed (reminders sent).

    A claim is a mark that an item's reminder is done, written in the same transaction as its
    notification: a JobRun key naming the item and what it is about (notifications.jobs.claim,
    e.g. a plan and its review date), or a flag on the item's own row, locked first (an
    appointment's reminder_sent). `claim(item)` writes the mark and returns what the reminder
    is built from, or None when the mark was already there (or the item is skipped). So a
    second reminder cannot go out: a job that runs again, or twice at once, finds the first
    run's mark (concurrent runs wait on its row lock or its key) and sends nothing; a run that
    fails halfway rolls its claims back with its notifications, and the next run sends them.
    An item claimed for recipients none of whom is active is done all the same: leave such
    items out of `items` (or return None before claiming) to keep them for a later run.
    """
    sent = 0
    for item in items:
        with transaction.atomic():
            claimed = claim(item)
            if claimed is None:
                continue
            note = reminder(claimed)
            notify(
                recipients=note.recipients,
                type=note.type,
                context=note.context,
                link=note.link,
                priority=note.priority,
                channels=note.channels,
            )
        sent += 1
    return sent
