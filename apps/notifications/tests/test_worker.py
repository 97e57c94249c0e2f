"""A real Celery worker, on the Redis the settings name, delivers a queued email.

Needs REDIS_URL (CI sets it, as `.ci/run` does); without a broker there is no worker to
start, and the in-process path is what the other tests cover.
"""

import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from apps.accounts.models import User
from apps.notifications import tasks
from apps.notifications.models import Delivery, Notification
from apps.notifications.tests.worker import celery_worker
from apps.tenants.models import Organization

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="no REDIS_URL: no broker for a worker"),
]


@pytest.fixture(scope="module")
def queued(django_db_setup, django_db_blocker):
    """A committed email delivery (the worker reads through its own connection)."""
    with django_db_blocker.unblock():
        organization = Organization.objects.get(subdomain="alpha")
        with organization:
            user, _created = User.objects.get_or_create(
                email="worker-check@alpha.test", defaults={"first_name": "Wren", "status": User.Status.ACTIVE}
            )
            notification = Notification.objects.create(
                user=user,
                notification_type="general.announcement",
                title=f"Worker check {uuid.uuid4().hex[:8]}",
                message="Delivered by a worker.",
                channels=["email"],
            )
            delivery = Delivery.objects.create(notification=notification, channel="email")
        connection.set_schema_to_public()
    return organization, notification, delivery


def test_a_worker_on_redis_delivers_a_queued_email(queued, tmp_path):
    organization, notification, delivery = queued
    status = None
    # Four slashes: django-environ drops the first of the path.
    with celery_worker(tasks.deliver_email.app, env={"EMAIL_URL": f"filemail:///{tmp_path}"}) as worker, organization:
        tasks.deliver_email.apply_async(args=[str(delivery.pk)], queue=worker.queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = Delivery.objects.filter(pk=delivery.pk).values_list("status", flat=True).first()
            if status == Delivery.Status.SENT:
                break
            time.sleep(0.5)
        assert status == Delivery.Status.SENT, worker.stderr_if_dead() or status
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    assert notification.title in written and "worker-check@alpha.test" in written
