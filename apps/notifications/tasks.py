"""Delivery tasks. Each runs in the organization's schema (tenant-schemas-celery), retries
with exponential backoff, and never sends the same message twice: the delivery row is claimed
(locked) while sending and marked sent before the claim ends, and a delivery already sent or
claimed is left alone, however many times it was queued."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from apps.core.tenancy import current_organization
from apps.notifications import sms
from apps.notifications.models import Delivery
from apps.notifications.services import settle

RETRYABLE = (smtplib.SMTPException, OSError)


def _pending_delivery(delivery_id: str) -> Delivery | None:
    """The delivery, claimed (its row locked) until the task's transaction ends, or None
    when it is gone, already sent or failed for good, or claimed by another task right now.

    A delivery may be queued more than once (the outbox sweep, a broker redelivering): the
    task that claims it sends it and marks it sent in the same transaction; any other finds
    it locked (and skips it at once rather than wait) or, after, sent, and does nothing.
    Only the delivery's own row is locked: the person's row stays free while mail goes out."""
    delivery = (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("notification__user")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != Delivery.Status.PENDING:
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
    from apps.notifications.services import email_content, email_document, message_values

    failure = None
    with transaction.atomic():
        delivery = _pending_delivery(delivery_id)
        if delivery is None:
            return "skipped"
        notification = delivery.notification
        user = notification.user
        organization = current_organization()
        base = base_url(organization=organization)
        values = message_values(notification, organization=organization, base=base)
        subject, text, html = email_content(template_type=notification.notification_type, values=values)
        delivery.attempts += 1
        try:
            message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
            message.attach_alternative(
                email_document(html=html, organization=organization, site_name=values["organization"], base=base),
                "text/html",
            )
            message.send()
        except RETRYABLE as exc:
            failure = exc
            delivery.last_error = str(exc)[:1000]
            if self.request.retries >= self.max_retries:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.enqueued_at = timezone.now()  # Celery queues the retry
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "enqueued_at", "updated_at"])
        settle(delivery)
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
    from apps.accounts.services import base_url
    from apps.notifications.services import message_values, sms_content

    failure = None
    with transaction.atomic():
        delivery = _pending_delivery(delivery_id)
        if delivery is None:
            return "skipped"
        notification = delivery.notification
        organization = current_organization()
        base = base_url(organization=organization)
        body = sms_content(
            template_type=notification.notification_type,
            values=message_values(notification, organization=organization, base=base),
        )
        delivery.attempts += 1
        try:
            number = sms.to_e164(notification.user.phone)
            delivery.provider_id = sms.send(to=number, body=body, status_callback=sms.status_callback_url(organization))
        except sms.ProviderError as exc:
            failure = exc
            delivery.last_error = str(exc)[:1000]
            if self.request.retries >= self.max_retries:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.enqueued_at = timezone.now()  # Celery queues the retry
        except ValueError as exc:  # an invalid number, or a message the provider refuses for good
            delivery.status, delivery.last_error = Delivery.Status.FAILED, str(exc)[:1000]
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, timezone.now(), ""
        delivery.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "provider_id", "enqueued_at", "updated_at"]
        )
        settle(delivery)
    if failure is not None and delivery.status != Delivery.Status.FAILED:
        raise failure
    return delivery.status
