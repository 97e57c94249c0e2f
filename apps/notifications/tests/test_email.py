"""Email delivery against a real SMTP server (aiosmtpd) on this machine."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller

from apps.notifications import services, tasks
from apps.notifications.models import Delivery, Notification
from conftest import person


class FlakyServer:
    """Refuses the first message (451, try again later), accepts every one after."""

    def __init__(self):
        self.refused = 0
        self.accepted = []

    async def handle_DATA(self, server, session, envelope):
        if self.refused == 0:
            self.refused += 1
            return "451 Try again later"
        self.accepted.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = FlakyServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


def test_a_refused_email_is_retried_and_sent_once(org_a, smtp, django_capture_on_commit_callbacks):
    dsp = person(org_a, "dsp")
    with org_a, django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            recipients=[dsp],
            type="general.announcement",
            title="Staff meeting <moved>",
            message="Thursday at 3 pm & bring notes.",
            channels=["in_app", "email"],
            link="/notifications/",
            organization=org_a,
        )
    assert smtp.refused == 1 and len(smtp.accepted) == 1
    sent = smtp.accepted[0]
    assert sent.rcpt_tos == [dsp.email]
    body = sent.content.decode()
    assert "Staff meeting <moved>" in body  # the subject and the plain text, as written
    assert "Thursday at 3 pm &amp; bring notes." in body  # the HTML part, escaped
    # The link made absolute, to this organization's host (a port in development).
    assert re.search(rf"https?://{re.escape(org_a.primary_host)}(:\d+)?/notifications/", body)
    with org_a:
        delivery = Delivery.objects.get(notification=notification)
        assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
        assert Notification.objects.get(pk=notification.pk).status == Notification.Status.SENT
        # A duplicate task (a retry after a lost acknowledgement) sends nothing more.
        assert tasks.deliver_email.apply(args=[str(delivery.pk)]).get() == "skipped"
    assert len(smtp.accepted) == 1


def test_an_email_that_keeps_failing_is_marked_failed_for_admins(org_a, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 1  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    dsp = person(org_a, "dsp")
    with org_a, django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            recipients=[dsp],
            type="general.announcement",
            title="T",
            message="M",
            channels=["email"],
            organization=org_a,
        )
    with org_a:
        delivery = Delivery.objects.get(notification=notification)
        assert delivery.status == Delivery.Status.FAILED and delivery.attempts == tasks.deliver_email.max_retries + 1
        assert delivery.last_error
        assert Notification.objects.get(pk=notification.pk).status == Notification.Status.FAILED
