"""Scheduled jobs fan out: with a worker, beat's task sends one task per organization, and one
organization's failure is its own task's; without a broker the job runs in process, in each
organization in turn, as before.

The worker test needs REDIS_URL (CI sets it, as `.ci/run` does), as the other worker tests do.
"""

import json
import uuid
from datetime import date

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.conf import settings
from django_redis import get_redis_connection

from apps.core.jobs import JOBS, Job
from apps.notifications.tests.worker import celery_worker
from apps.tenants import services, tasks
from apps.tenants.models import Organization

pytestmark = pytest.mark.django_db

# The job apps/tenants/tests/fanout_app.py registers in the worker (not imported here, so
# this process's registry stays the project's).
RECORDING_JOB = "test.fanout"


def _every_organization() -> set[str]:
    return set(Organization.objects.real().values_list("schema_name", flat=True))


@pytest.fixture
def flaky_job(org_a, monkeypatch):
    """A job that raises in alpha and reports 7 (and its day) elsewhere."""
    seen: dict[str, date | None] = {}

    def run(*, day=None):
        from django.db import connection

        if connection.schema_name == org_a.schema_name:
            raise RuntimeError("broken here")
        seen[connection.schema_name] = day
        return 7

    monkeypatch.setitem(JOBS, "test.flaky", Job(name="test.flaky", description="", run=run))
    return seen


@pytest.mark.slow
@pytest.mark.skipif(not settings.REDIS_URL, reason="no REDIS_URL: no broker for a worker")
def test_with_a_worker_a_job_runs_as_one_task_per_organization_and_one_failure_stays_its_own(org_a, org_b):
    record_key = f"fanout-{uuid.uuid4().hex[:8]}"
    redis = get_redis_connection("default")
    backend = RedisBackend(app=tasks.run_job_all.app, url=settings.REDIS_URL)
    env = {
        "FANOUT_FAIL_SCHEMA": org_a.schema_name,
        "FANOUT_RECORD_KEY": record_key,
        "CELERY_RESULT_BACKEND": settings.REDIS_URL,
    }
    try:
        with celery_worker(tasks.run_job_all.app, env=env, module="apps.tenants.tests.fanout_app", processes=2) as w:
            # Three runs, one after the other: the first is checked whole, all three show
            # whether a worker process keeps its database connection from task to task.
            runs = []
            for _run in range(3):
                sent = tasks.run_job_all.apply_async(args=[RECORDING_JOB], queue=w.queue)
                children = AsyncResult(sent.id, backend=backend).get(timeout=90)
                results = {
                    schema: AsyncResult(task, backend=backend).get(timeout=90) for schema, task in children.items()
                }
                runs.append((children, results))
            assert w.stderr_if_dead() is None
        recorded = [json.loads(entry) for entry in redis.lrange(record_key, 0, -1)]
    finally:
        redis.delete(record_key)

    children, results = runs[0]
    ran = [entry for entry in recorded if entry["task"] in set(children.values())]
    everyone = _every_organization()
    # One task per organization, each its own.
    assert set(children) == everyone and {org_a.schema_name, org_b.schema_name} <= everyone
    assert len(set(children.values())) == len(everyone)
    # Alpha's failure is alpha's task's result; every other organization ran, once, in its task.
    assert results[org_a.schema_name] == "failed"
    assert all(results[schema] == 1 for schema in everyone - {org_a.schema_name})
    assert sorted(entry["schema"] for entry in ran) == sorted(everyone - {org_a.schema_name})
    assert all(entry["task"] == children[entry["schema"]] for entry in ran)
    # Database connections are kept from one task to the next (CELERY_DB_REUSE_MAX): one
    # PostgreSQL backend per worker process, not one per task.
    assert len(recorded) == 3 * len(ran) >= 3
    backends: dict[int, set[int]] = {}
    for entry in recorded:
        backends.setdefault(entry["process"], set()).add(entry["backend"])
    assert all(len(pids) == 1 for pids in backends.values()), backends
    # Each in its own organization's time zone.
    zones = dict(Organization.objects.real().values_list("schema_name", "timezone"))
    assert all(entry["timezone"] == (zones[entry["schema"]] or "UTC") for entry in ran)


def test_without_a_broker_beats_task_runs_the_job_in_process_in_every_organization(org_a, org_b, flaky_job):
    assert tasks.run_job_all.app.conf.task_always_eager
    result = tasks.run_job_all.apply(args=["test.flaky"]).get()
    assert set(result) == _every_organization()
    assert (result[org_a.schema_name], result[org_b.schema_name]) == ("failed", 7)


def test_one_organizations_task_runs_the_job_there_on_the_day_it_was_sent_for(org_a, org_b, flaky_job):
    assert tasks.run_job_for("test.flaky", org_b.schema_name, "2026-03-01") == 7
    assert flaky_job == {org_b.schema_name: date(2026, 3, 1)}
    assert tasks.run_job_for("test.flaky", org_a.schema_name) == "failed"


def test_a_task_for_an_organization_removed_since_it_was_sent_does_nothing(flaky_job):
    assert tasks.run_job_for("test.flaky", "no_such_schema") == "gone"
    assert flaky_job == {}


def test_fanning_out_sends_one_task_per_organization_and_reads_the_schemas_in_one_query(
    org_a, org_b, flaky_job, django_assert_num_queries
):
    with django_assert_num_queries(1):
        schemas = services.job_schemas()
    assert set(schemas) == _every_organization()
    # Without a broker each task runs as it is sent; the ids are still one per organization.
    sent = tasks.fan_out("test.flaky", day=date(2026, 3, 2))
    assert set(sent) == set(schemas) and len(set(sent.values())) == len(schemas)
    assert flaky_job[org_b.schema_name] == date(2026, 3, 2)
