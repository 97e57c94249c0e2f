"""Beat's tasks for the scheduled jobs (apps.core.jobs).

With a worker, a job fans out: beat's task sends one task per organization, so the nightly
work of a thousand organizations spreads over every worker process, and one organization's
failure or slowness is its own task's. Without a broker (tasks run in process) the job runs
in each organization in turn, as `manage.py run_job` does.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from typing import Any

from celery import shared_task
from django_tenants.utils import get_public_schema_name


@shared_task(bind=True, name="apps.tenants.tasks.run_job_all")
def run_job_all(self, name: str) -> dict[str, int | str]:
    """Beat's run of a scheduled job, for every organization. In process: {schema: what it
    did}. With a worker: {schema: the id of the task sent for it}."""
    from apps.tenants import services

    if self.app.conf.task_always_eager:
        return {organization.schema_name: done for organization, done in services.run_job_everywhere(name)}
    # The organizations' tasks go where this one came from, so routing beat's job tasks to a
    # queue of their own routes their fan-out there too.
    delivery = self.request.delivery_info or {}
    return dict(fan_out(name, queue=delivery.get("routing_key")))


def fan_out(name: str, *, day: date | None = None, queue: str | None = None) -> dict[str, str]:
    """Send one run_job_for task per organization: {schema: task id}. One query for the
    schemas and one broker connection for every message, so a thousand cost well under a
    second to send."""
    from apps.tenants import services

    schemas = services.job_schemas()
    # Sent from the public schema: the task enters the organization itself (in its time zone),
    # so tenant-schemas-celery has nothing to switch before it starts.
    headers = {"_schema_name": get_public_schema_name()}
    args_day = day.isoformat() if day else None
    options: dict[str, Any] = {"queue": queue} if queue else {}
    app = run_job_for.app
    # In process each task runs as it is sent: no broker to hold a connection to.
    with nullcontext() if app.conf.task_always_eager else app.producer_or_acquire() as producer:
        return {
            schema: run_job_for.apply_async(
                args=(name, schema, args_day), headers=headers, producer=producer, **options
            ).id
            for schema in schemas
        }


@shared_task(name="apps.tenants.tasks.run_job_for")
def run_job_for(name: str, schema: str, day: str | None = None) -> int | str:
    """A scheduled job in one organization: what it did, or "failed" (logged) when it raised,
    so that a failure is this organization's alone."""
    from apps.tenants import services

    return services.run_job_in_schema(name, schema=schema, day=date.fromisoformat(day) if day else None)
