"""Celery application. Tasks run inside the organization's schema (tenant-schemas-celery).

Without REDIS_URL, settings make tasks eager so `make run` needs no broker.
"""

import os
from collections.abc import Iterator, Mapping
from typing import Any

from celery.signals import task_prerun, worker_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")

app = CeleryApp("starline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class JobSchedule(Mapping[str, dict[str, Any]]):
    """Beat's schedule: the fleet-wide tasks in settings (CELERY_BEAT_SCHEDULE) and the jobs
    the apps registered (apps.core.jobs), read when beat reads it.

    Beat reads its schedule after Django has set up, so every app's AppConfig.ready() has
    registered its jobs by then; building it here keeps the project the only place that knows
    the Celery app.
    """

    def _entries(self) -> dict[str, dict[str, Any]]:
        from django.conf import settings

        from apps.core.jobs import beat_schedule

        return {**settings.CELERY_BEAT_SCHEDULE, **beat_schedule()}

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._entries()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries())

    def __len__(self) -> int:
        return len(self._entries())


app.conf.beat_schedule = JobSchedule()


@worker_init.connect
def refuse_transaction_pooling(**kwargs: Any) -> None:
    """A worker behind PgBouncer pooling by transaction would run tasks with another
    organization's search_path (apps/core/db/pooling.py): it stops before taking any.
    SystemExit, because Celery logs and ignores a signal handler's ordinary exceptions."""
    from django.core.exceptions import ImproperlyConfigured

    from apps.core.db.pooling import ensure_session_pooling

    try:
        ensure_session_pooling()
    except ImproperlyConfigured as exc:
        raise SystemExit(f"Refusing to start: {exc}") from exc


@task_prerun.connect
def close_old_database_connections(sender: Any = None, **kwargs: Any) -> None:
    """What Django does at each request's start, before each task: a connection that broke
    (the database restarted) or outlived CONN_MAX_AGE is closed, the others are reused
    (CELERY_DB_REUSE_MAX). Not in process: there the caller's connection, maybe inside its
    transaction, is the task's."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
