"""A real Celery worker for a test: its own queue on the Redis the settings name, the test
database through its own connection, tasks sent to it instead of run in process. Used by the
worker tests of notifications and reports."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Worker:
    queue: str
    process: subprocess.Popen

    def stderr_if_dead(self) -> str | None:
        """What the worker said before it died (for an assertion's message), or None if it runs."""
        return self.process.stderr.read1().decode() if self.process.poll() is not None else None  # type: ignore[union-attr]


@contextmanager
def celery_worker(
    app, *, env: dict[str, str] | None = None, module: str = "starline", processes: int = 1
) -> Iterator[Worker]:
    """`module` is the Celery app's (a test's own may register a job first); more than one
    process runs the prefork pool, as a deployed worker does."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "starline.settings",
        "DEBUG": "True",
        "STARLINE_TESTING": "0",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "").rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        **(env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            module,
            "worker",
            *(["--pool=solo"] if processes == 1 else ["--pool=prefork", f"--concurrency={processes}"]),
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    eager = app.conf.task_always_eager
    try:
        app.conf.task_always_eager = False
        yield Worker(queue=queue, process=process)
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        process.wait(timeout=30)
