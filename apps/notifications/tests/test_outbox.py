"""The broker down when something notifies: the notification and its deliveries commit with
the change (the deliveries are the outbox), the request carries on, and the sweep job hands
them to the broker once it is back; each is sent once, however many times it was queued.

The broker is a redis-server of the test's own (apps/core/tests/faults.py), stopped and
started by the test; the queued task messages are read back from it and run here.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
import redis
import time_machine
from celery.schedules import crontab
from django.utils import timezone
from kombu import Connection

from apps.core.jobs import JOBS
from apps.core.tests.faults import RedisServer
from apps.notifications import jobs, services, tasks
from apps.notifications.models import Delivery, Notification
from apps.tenants.models import Organization
from conftest import person

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture(autouse=True)
def only_this_tests_deliveries(org_a, redis_server):
    """An empty queue, and no pending delivery but the test's own: deliveries other tests
    committed (browser tests, a reused test database) are set aside in this test's
    transaction, which rolls back."""
    if redis_server.process is None:
        redis_server.start()
    redis.Redis(port=redis_server.port).flushall()
    with org_a:
        Delivery.objects.filter(status=Delivery.Status.PENDING).delete()


@contextmanager
def broker(url: str):
    """Tasks published to `url` for real (not run in process), as in production."""
    app = tasks.deliver_email.app
    saved = app.conf.broker_url, app.conf.task_always_eager, app.amqp._producer_pool, app._pool
    app.conf.broker_url, app.conf.task_always_eager = url, False
    app.amqp._producer_pool = app._pool = None  # the pools remember the broker they were made for
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app.amqp._producer_pool, app._pool = saved


def run_queued(app, url: str) -> list[str]:
    """Take every task message off the broker's queue and run it, as a worker would: in the
    schema named in its headers. Returns what each run returned."""
    results = []
    with Connection(url) as connection, connection.SimpleQueue(app.conf.task_default_queue) as queue:
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            args, kwargs, _embed = message.decode()
            message.ack()
            with Organization.objects.get(schema_name=message.headers["_schema_name"]):
                result = app.tasks[message.headers["task"]].apply(args=args, kwargs=kwargs)
            results.append(result.get())
    return results


def test_deliveries_notified_with_the_broker_down_are_sent_once_it_is_back(
    org_a, redis_server, mailoutbox, django_capture_on_commit_callbacks
):
    dsp, nurse = person(org_a, "dsp"), person(org_a, "nurse")
    redis_server.stop()
    with broker(redis_server.url) as app:
        start = timezone.now()
        with org_a, django_capture_on_commit_callbacks(execute=True):
            services.notify(
                recipients=[dsp, nurse],
                type="general.announcement",
                title="Office closed Friday",
                message="Snow.",
                channels=["in_app", "email"],
            )
        with org_a:
            # Committed with the change, though the broker took nothing.
            assert Notification.objects.filter(title="Office closed Friday").count() == 2
            deliveries = Delivery.objects.filter(notification__title="Office closed Friday")
            assert [(d.status, d.enqueued_at) for d in deliveries] == [(Delivery.Status.PENDING, None)] * 2
        assert mailoutbox == []

        redis_server.start()
        with org_a:
            # The request that notified may still be handing them over: left alone a minute.
            assert jobs.outbox_sweep() == 0
            with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
                assert jobs.outbox_sweep() == 2
                assert jobs.outbox_sweep() == 0  # queued now: not again at once
            # Taken by a broker that then lost them (or a worker killed): queued once more.
            with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
                assert jobs.outbox_sweep() == 2
            with time_machine.travel(start + dt.timedelta(days=3), tick=False):
                assert jobs.outbox_sweep() == 0  # given up on: left pending for people to see

        results = run_queued(app, redis_server.url)

    assert sorted(results) == ["sent", "sent", "skipped", "skipped"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([dsp.email, nurse.email])
    with org_a:
        assert [(d.status, d.attempts) for d in deliveries.all()] == [(Delivery.Status.SENT, 1)] * 2
        assert jobs.outbox_sweep() == 0


def test_a_delivery_the_broker_took_is_not_queued_again_while_it_may_still_run(
    org_a, redis_server, mailoutbox, django_capture_on_commit_callbacks
):
    with broker(redis_server.url) as app:
        with org_a, django_capture_on_commit_callbacks(execute=True):
            services.notify(
                recipients=[person(org_a, "dsp")], type="general.announcement", title="Hi", channels=["email"]
            )
        with org_a:
            delivery = Delivery.objects.get(notification__title="Hi")
            assert delivery.enqueued_at is not None
            with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
                assert jobs.outbox_sweep() == 0
        assert run_queued(app, redis_server.url) == ["sent"]
    assert len(mailoutbox) == 1


def test_the_sweep_runs_every_minute_for_every_organization():
    job = JOBS["notifications.outbox"]
    assert job.run is jobs.outbox_sweep
    assert job.schedule == crontab()
