"""Scheduled jobs: each app registers its own in AppConfig.ready(), and beat's schedule is
built from this registry (starline/celery.py reads `beat_schedule()` when beat starts), so
nothing else needs editing when an app lands.

A job runs inside one organization's schema and reads only that schema; apps/tenants runs
it for every organization: beat's task `run_job_all` sends one task per organization to the
workers (in process, without a broker, it runs them in turn), and `manage.py run_job NAME`
runs them in turn. Jobs must be safe to run twice (see notifications.jobs.claim for jobs
that send).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from celery.schedules import crontab

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Job:
    name: str
    description: StrOrPromise  # lazy translation
    # Runs in one organization's schema, with `day` (a date, or None for the job's default);
    # returns how much it did (messages sent, files purged…).
    run: Callable[..., int]
    schedule: object = field(default_factory=lambda: crontab(minute=0, hour=6))  # a Celery schedule; UTC


JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    JOBS[job.name] = job


def beat_schedule() -> dict[str, dict]:
    """Celery beat's entries: each job, run for every organization by the tenants app's task
    (named, not imported: core imports no app)."""
    return {
        f"job:{job.name}": {"task": "apps.tenants.tasks.run_job_all", "schedule": job.schedule, "args": (job.name,)}
        for job in JOBS.values()
    }
