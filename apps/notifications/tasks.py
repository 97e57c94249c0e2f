"""Delivery tasks. Each runs in the organization's schema (tenant-schemas-celery), retries
with exponential backoff, and never sends the same message twice: the delivery row is locked
while sending, and a delivery already sent is left alone."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications import sms
from apps.notifications.models import Delivery, Notification

RETRYABLE = (smtplib.SMTPException, OSError)


def _pending_delivery(delivery_id: str) -> Delivery | None:
    """The delivery, locked until the task's transaction ends, or None when it is gone or
    already sent: a second task for the same message then does nothing."""
    delivery = Delivery.objects.select_for_update().select_related("notification__user").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (Delivery.Status.SENT, Delivery.Status.DELIVERED):
        return None
    return delivery


@shared_task(
    bind=True,
    name="apps.notifications.tasks.deliver_email",
    autoretry_for=RETRYABLE,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=5,
)
def deliver_email(self, delivery_id: str) -> str:
    from apps.accounts.services import base_url
    from apps.notifications.services import email_content

    failure = None
    with transaction.atomic():
        delivery = _pending_delivery(delivery_id)
        if delivery is None:
            return "skipped"
        notification = delivery.notification
        user = notification.user
        organization = getattr(connection, "tenant", None)
        base = base_url(organization=organization)
        link = notification.link
        values = {
            "first_name": user.first_name or user.email,
            "organization": getattr(organization, "name", "Starline"),
            "title": notification.title,
            "message": notification.message,
            "link": f"{base}{link}" if link.startswith("/") else link,
        }
        subject, text, html = email_content(template_type=notification.notification_type, values=values)
        delivery.attempts += 1
        try:
            message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
            message.attach_alternative(
                render_to_string(
                    "notifications/emails/notification_body.html",
                    {"body": html, "organization": organization, "site_name": values["organization"], "base_url": base},
                ),
                "text/html",
            )
            message.send()
        except RETRYABLE as exc:
            failure = exc
            delivery.last_error = str(exc)[:1000]
            if self.request.retries >= self.max_retries:
                delivery.status = Delivery.Status.FAILED
                Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.FAILED)
            delivery.save(update_fields=["attempts", "last_error", "status", "updated_at"])
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
            delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
            Notification.objects.filter(pk=notification.pk, status=Notification.Status.PENDING).update(
                status=Notification.Status.SENT, sent_at=delivery.sent_at
            )
    if failure is None:
        return "sent"
    if delivery.status == Delivery.Status.FAILED:
        return "failed"
    # The attempt is on record (the block above committed); Celery retries with backoff.
    raise failure


@shared_task(
    bind=True,
    name="apps.notifications.tasks.deliver_sms",
    autoretry_for=(sms.ProviderError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=5,
)
def deliver_sms(self, delivery_id: str) -> str:
    """A text to the person's phone. A number that is not one is reported on the delivery
    (failed, with the reason), never sent; a provider that cannot take it now is retried."""
    failure = None
    with transaction.atomic():
        delivery = _pending_delivery(delivery_id)
        if delivery is None:
            return "skipped"
        notification = delivery.notification
        delivery.attempts += 1
        try:
            number = sms.to_e164(notification.user.phone)
            sms.send(to=number, body=f"{notification.title}: {notification.message}"[:1600])
        except sms.ProviderError as exc:
            failure = exc
            delivery.last_error = str(exc)[:1000]
            if self.request.retries >= self.max_retries:
                delivery.status = Delivery.Status.FAILED
        except ValueError as exc:  # an invalid number, or a message the provider refuses for good
            delivery.status, delivery.last_error = Delivery.Status.FAILED, str(exc)[:1000]
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
    if failure is not None and delivery.status != Delivery.Status.FAILED:
        raise failure
    return delivery.status


@shared_task(name="apps.notifications.tasks.daily_digest_all")
def daily_digest_all() -> dict:
    """Beat's daily run: every organization, each in its own schema."""
    from apps.notifications import jobs
    from apps.tenants.models import Organization

    sent = {}
    for organization in Organization.objects.real():
        with organization:
            sent[organization.schema_name] = jobs.daily_digest()
    connection.set_schema_to_public()
    return sent
