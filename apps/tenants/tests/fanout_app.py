"""The Celery app a fan-out test's worker runs (`celery -A apps.tenants.tests.fanout_app`):
the project's own, plus a job that records where it ran, in Redis, and raises in the
organization the test names (FANOUT_FAIL_SCHEMA)."""

import json
import os

from apps.core.jobs import Job, register
from starline.celery import app

__all__ = ["app"]

NAME = "test.fanout"


def _record(*, day=None) -> int:
    import redis
    from celery import current_task
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from apps.core.tenancy import schema_name

    schema = schema_name()
    if schema == os.environ.get("FANOUT_FAIL_SCHEMA"):
        raise RuntimeError(f"a planned failure in {schema}")
    entry = {
        "schema": schema,
        "task": current_task.request.id if current_task else None,
        "timezone": timezone.get_current_timezone_name(),
        "day": day.isoformat() if day else None,
        "process": os.getpid(),
        "backend": connection.cursor().connection.info.backend_pid,
    }
    redis.Redis.from_url(settings.REDIS_URL).rpush(os.environ["FANOUT_RECORD_KEY"], json.dumps(entry))
    return 1


register(Job(name=NAME, description="", run=_record))
