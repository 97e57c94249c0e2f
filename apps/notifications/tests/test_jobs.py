from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.notifications import jobs, services
from apps.notifications.models import Notification
from apps.tenants import tasks
from conftest import person


def _unread_yesterday(organization, local, count):
    user = person(organization, local)
    with organization:
        created = []
        for _ in range(count):
            created += services.notify(recipients=[user], type="general.announcement", title="T", message="M")
        yesterday = timezone.now() - timedelta(days=1)
        Notification.objects.filter(pk__in=[n.pk for n in created]).update(created_at=yesterday)
    return user


def test_the_digest_runs_twice_and_sends_once_with_only_this_organizations_news(
    org_a, org_b, mailoutbox, django_capture_on_commit_callbacks
):
    dsp = _unread_yesterday(org_a, "dsp", 2)
    nurse = _unread_yesterday(org_a, "nurse", 1)
    _unread_yesterday(org_b, "dsp", 5)
    yesterday = (timezone.now() - timedelta(days=1)).astimezone(timezone.get_current_timezone()).date()
    with org_a, django_capture_on_commit_callbacks(execute=True):
        sent = jobs.daily_digest(day=yesterday)
    with org_a, django_capture_on_commit_callbacks(execute=True):
        again = jobs.daily_digest(day=yesterday)
    assert (sent, again) == (2, 0)
    by_person = {m.to[0]: m.body for m in mailoutbox}
    assert set(by_person) == {dsp.email, nurse.email}
    assert "Unread notifications: 2\n" in by_person[dsp.email]
    assert "Unread notifications: 1\n" in by_person[nurse.email]


def test_the_command_names_each_organization(org_a, capsys):
    call_command("send_daily_digest", "--day", "2020-01-01", "--schema", org_a.schema_name)
    assert f"{org_a.name}: 0" in capsys.readouterr().out


def test_a_key_is_claimed_once(org_a):
    with org_a:
        assert jobs.claim(["a", "b"]) == {"a", "b"}
        assert jobs.claim(["b", "c"]) == {"c"}


def test_registering_a_job_puts_it_on_beats_schedule_and_in_run_job(capsys):
    from celery.beat import Scheduler

    from apps.core.jobs import JOBS
    from starline.celery import app

    entry = app.conf.beat_schedule["job:digest.daily"]
    assert entry["task"] == "apps.tenants.tasks.run_job_all" and entry["args"] == ("digest.daily",)
    # What beat itself loads when it starts: every registered job, each app's included.
    assert {f"job:{name}" for name in JOBS} | {"audit-maintain"} <= set(Scheduler(app).schedule)
    assert len(JOBS) >= 8
    call_command("run_job")
    assert "digest.daily: Email each person" in capsys.readouterr().out


def test_run_job_refuses_what_it_does_not_know(db):
    with pytest.raises(CommandError, match="No job 'nope'"):
        call_command("run_job", "nope")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_job", "digest.daily", "--day", "yesterday")


def test_beats_task_runs_the_job_in_every_organization(org_a, org_b):
    _unread_yesterday(org_a, "dsp", 1)
    _unread_yesterday(org_b, "dsp", 1)
    result = tasks.run_job_all("digest.daily")
    assert set(result) == _every_organization()
    assert (result[org_a.schema_name], result[org_b.schema_name]) == (1, 1)
    again = tasks.run_job_all("digest.daily")
    assert (again[org_a.schema_name], again[org_b.schema_name]) == (0, 0)


def _every_organization() -> set[str]:
    # alpha and beta, and the demo organizations when a browser test of this worker has
    # committed them to the test database before.
    from apps.tenants.models import Organization

    return set(Organization.objects.real().values_list("schema_name", flat=True))


def test_one_organizations_failure_does_not_stop_the_others(org_a, org_b, monkeypatch):
    from apps.core.jobs import JOBS, Job

    def run(*, day=None):
        from django.db import connection

        if connection.schema_name == org_a.schema_name:
            raise RuntimeError("broken here")
        return 7

    monkeypatch.setitem(JOBS, "test.flaky", Job(name="test.flaky", description="", run=run))
    result = tasks.run_job_all("test.flaky")
    assert set(result) == _every_organization()
    assert (result[org_a.schema_name], result[org_b.schema_name]) == ("failed", 7)


def test_a_digest_run_that_dies_halfway_leaves_the_rest_for_the_next(org_a, monkeypatch):
    first = _unread_yesterday(org_a, "dsp", 1)
    _unread_yesterday(org_a, "nurse", 1)
    yesterday = (timezone.now() - timedelta(days=1)).astimezone(timezone.get_current_timezone()).date()
    real_notify = services.notify
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["recipients"][0])
        if len(calls) == 2:
            raise RuntimeError("the mail server went away")
        return real_notify(**kwargs)

    monkeypatch.setattr(services, "notify", failing_second)
    with org_a, pytest.raises(RuntimeError):
        jobs.daily_digest(day=yesterday)
    with org_a:
        assert jobs.daily_digest(day=yesterday) == 1
        assert jobs.daily_digest(day=yesterday) == 0
    # The second run reached exactly the person the dead run failed on, not the first again.
    assert len(calls) == 3 and calls[2] == calls[1] != calls[0]
    assert first in calls


def test_run_job_names_an_unknown_schema(db):
    with pytest.raises(CommandError, match="No organization has the schema"):
        call_command("run_job", "digest.daily", "--schema", "nope")
