"""Notifications (the seed's `notifications`) and each person's choices about them.

A notification is stored once per recipient. Its `channels` say where it goes; in-app is
the row itself. The other channels (email, SMS) deliver from background tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel

IN_APP = "in_app"


def default_channels() -> list[str]:
    return [IN_APP]


class Notification(BaseModel):
    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        READ = "read", _("Read")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    notification_type = models.CharField(_("type"), max_length=100)
    title = models.CharField(_("title"), max_length=255)
    message = models.TextField(_("message"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channels = ArrayField(models.CharField(max_length=20), verbose_name=_("channels"), default=default_channels)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Where the notification leads (a path on the organization's site), when anywhere.
    link = models.CharField(_("link"), max_length=500, blank=True)
    # The kind's variables as text (see defaults.py), for the email and text wording the
    # delivery tasks render later.
    context = models.JSONField(_("context"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # Each person's own, handled on their own pages: not a permission any role grants.
        default_permissions = ()
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            # The bell's count reads only this: one user's unread rows.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(BaseModel):
    """One notification on one channel beyond in-app (an email, a text): its own status and
    attempts, so a retry knows whether it was already sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The provider's id for the message, which its status callbacks name.
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # When a task for it was last handed to the broker; empty while the broker has never
    # taken one. The rows are the outbox: the sweep job (jobs.py) hands the pending ones the
    # broker never took, or took long ago, to it again.
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                name="delivery_unique",
                violation_error_message=_("This notification is already being sent on this channel."),
            )
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="delivery_status_idx"),
            models.Index(fields=["enqueued_at"], condition=models.Q(status="pending"), name="delivery_outbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_status_display()}"


class NotificationPreference(BaseModel):
    """One person's choice for one type on one channel; no row means the type's default (on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    notification_type = models.CharField(_("type"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20)
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notification_type", "channel"],
                name="notification_pref_unique",
                violation_error_message=_(
                    "This person already has a preference for this notification on this channel."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} · {self.channel}: {'on' if self.enabled else 'off'}"


class OrgEmailTemplate(BaseModel):
    """The organization's own email for a notification type (the seed's org_email_templates).
    Written by its admins in the sandboxed {{ name }} language; without one, the shipped
    default for the type is sent."""

    template_type = models.CharField(_("notification type"), max_length=100, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    html_content = models.TextField(_("HTML body"))
    text_content = models.TextField(_("plain-text body"), blank=True)
    variables = models.JSONField(_("variables"), default=list, blank=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")

    def __str__(self) -> str:
        return self.template_type

    def clean(self):
        super().clean()
        fields = ("subject", "html_content", "text_content")
        self.variables = _validate_fields(self, self.template_type, "email", fields, html=("html_content",))


class NotificationTemplate(BaseModel):
    """The organization's wording for one kind on one channel other than email (the seed's
    notification_templates): the in-app title and message, or the text message. Emails,
    which need HTML and plain text, are OrgEmailTemplate."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")
        PUSH = "push", _("Push")
        IN_APP = "in_app", _("In the app")

    template_name = models.CharField(_("name"), max_length=255)
    notification_type = models.CharField(_("notification type"), max_length=100)
    template_type = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("title"), max_length=255, blank=True)
    body = models.TextField(_("message"))
    variables = models.JSONField(_("variables"), default=list, blank=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["notification_type", "template_type"],
                name="notification_template_unique",
                violation_error_message=_("A template of this kind already exists for this notification."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} · {self.template_type}"

    def clean(self):
        super().clean()
        if self.template_type == self.Channel.EMAIL:
            # One home per message: emails have HTML and plain text, and live in OrgEmailTemplate.
            raise ValidationError({"template_type": _("Emails are written as email templates.")})
        if self.template_type == self.Channel.IN_APP and not self.subject.strip():
            raise ValidationError({"subject": _("An in-app notification needs a title.")})
        self.variables = _validate_fields(self, self.notification_type, self.template_type, ("subject", "body"))


def _validate_fields(template, kind: str, channel: str, fields, html=()) -> list[str]:
    """Each field may use only the kind's variables for the channel; returns them."""
    from apps.notifications import defaults, rendering

    declared = defaults.variables_for(kind, channel)
    errors = {}
    for name in fields:
        try:
            rendering.validate(getattr(template, name), declared, html=name in html)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return declared


class JobRun(models.Model):
    """What a scheduled job has already done, by key ("digest:2026-11-25:<user>"): the job
    inserts its keys first and notifies only for the ones that were new, so running it twice
    (a retry, a second beat, a command run by hand) sends nothing twice."""

    key = models.CharField(max_length=200, primary_key=True)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")

    def __str__(self) -> str:
        return self.key
