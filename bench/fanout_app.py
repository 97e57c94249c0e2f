"""The Celery app bench/fanout_bench.py's worker runs (`celery -A bench.fanout_app`): the
project's own, plus a job that does nothing, so the bench measures the fan-out itself."""

from apps.core.jobs import Job, register
from starline.celery import app

__all__ = ["app"]

NAME = "bench.noop"


def _nothing(*, day=None) -> int:
    return 0


register(Job(name=NAME, description="", run=_nothing))
