"""Fan-out jobs, measured (issue 28 §3): the time for a job that does nothing to run in every
one of N organizations, one Celery task each, on a real worker with 2 processes over Redis.

Self-contained: its own database (`starline_fanout` on the PostgreSQL at 127.0.0.1:5432, or
FANOUT_DATABASE_URL, whose name must end in _fanout), made fresh each run with N real
organizations cloned from the template, as the platform creates them. FANOUT_ORGS (1000) is
N; FANOUT_REUSE=1 keeps the database and its organizations (cloning only as many as make N),
for re-measuring without provisioning again, or for a fleet's database made elsewhere
(FANOUT_DATABASE_URL; it must be migrated, and every organization in it takes part).
FANOUT_ROUNDS (3) rounds: the first meets cold worker processes, the others are reported as
their median. The result goes into bench/results/fleet.json under "fanout", beside whatever
else the file holds.

    FANOUT_ORGS=50 .venv/bin/python bench/fanout_bench.py
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout_app import NAME  # noqa: E402
from bench.run import python_loop_seconds  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "fleet.json"
ORGS = int(os.environ.get("FANOUT_ORGS", "1000"))
ROUNDS = int(os.environ.get("FANOUT_ROUNDS", "3"))
PROCESSES = 2
DATABASE_URL = os.environ.get("FANOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/starline_fanout")
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
REUSE = os.environ.get("FANOUT_REUSE", "") == "1"
TIMEOUT = int(os.environ.get("FANOUT_TIMEOUT", "1800"))


def _environment() -> dict[str, str]:
    """Production settings on the bench's own database, tasks sent to a worker (never run in
    process), results kept in Redis so the bench can wait for every organization's."""
    return {
        "DJANGO_SETTINGS_MODULE": "starline.settings",
        "STARLINE_TESTING": "0",
        "DEBUG": "False",
        "DATABASE_URL": DATABASE_URL,
        "DATABASE_OWNER_URL": "",
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CELERY_RESULT_BACKEND": REDIS_URL,
        # Made up for the run; nothing encrypted here outlives it.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "FILES_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "EMAIL_URL": "dummymail://",
    }


def _database(fresh: bool) -> None:
    base, name = DATABASE_URL.rsplit("/", 1)
    if fresh and not name.endswith("_fanout"):
        raise SystemExit(f"refusing to recreate {name!r}: the fan-out bench's database name must end in _fanout")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if fresh or not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def _provision(fresh: bool) -> dict:
    """Migrate (a fresh database) and clone organizations until there are ORGS of them."""
    from django.core.management import call_command

    from apps.tenants import services
    from apps.tenants.models import Organization

    started = time.perf_counter()
    if fresh:
        call_command("migrate_schemas", interactive=False, verbosity=0)
    services.template_schema_ensure()
    migrated = time.perf_counter()
    # Only as many as are missing: a reused database (a fleet's) keeps what it has.
    have = set(Organization.objects.real().values_list("subdomain", flat=True))
    names = (f"fanout-{number:04d}" for number in range(1, ORGS + len(have) + 1))
    missing = [name for name in names if name not in have][: max(ORGS - len(have), 0)]
    for subdomain in missing:
        services.organization_create(
            name=f"Fan-out {subdomain[7:]}", subdomain=subdomain, contact_email=f"ops@{subdomain}.invalid"
        )
    done = time.perf_counter()
    return {
        "organizations": Organization.objects.real().count(),
        "created": len(missing),
        "migrate_s": round(migrated - started, 1),
        "provision_s": round(done - migrated, 1),
        "provision_each_s": round((done - migrated) / len(missing), 3) if missing else None,
    }


def _worker(env: dict[str, str], queue: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bench.fanout_app",
            "worker",
            "--pool=prefork",
            f"--concurrency={PROCESSES}",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_ready(app, worker: subprocess.Popen, queue: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped: {worker.stderr.read().decode()}")  # type: ignore[union-attr]
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            return
    raise SystemExit("the worker did not answer within 120 s")


def _round(queue: str) -> dict:
    """One run of the no-op job: beat's task sent to the worker, which sends one task per
    organization; timed until every organization's task has finished."""
    from celery.result import AsyncResult, ResultSet

    from apps.tenants import tasks

    started = time.perf_counter()
    sent = tasks.run_job_all.apply_async(args=[NAME], queue=queue)
    children = AsyncResult(sent.id).get(timeout=TIMEOUT)
    fanned = time.perf_counter()
    results = ResultSet([AsyncResult(task_id) for task_id in children.values()]).join_native(timeout=TIMEOUT)
    finished = time.perf_counter()
    return {
        "tasks": len(children),
        "fan_out_s": round(fanned - started, 3),
        "total_s": round(finished - started, 3),
        "failed": sum(1 for result in results if result != 0),
    }


def _merge(result: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**existing, "fanout": result}, indent=2) + "\n")


def main() -> None:
    loop_s = python_loop_seconds()
    env = _environment()
    os.environ.update(env)
    fresh = not REUSE
    _database(fresh)

    import django

    django.setup()
    from starline.celery import app

    provisioning = _provision(fresh)
    queue = f"fanout-bench-{uuid.uuid4().hex[:8]}"
    worker = _worker(env, queue)
    try:
        _wait_ready(app, worker, queue)
        rounds = [_round(queue) for _ in range(ROUNDS)]
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    warm = rounds[1:] or rounds
    total = statistics.median(r["total_s"] for r in warm)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # The load beside the bench: a shared machine's other processes slow each small task.
        "machine": {"cpus": os.cpu_count(), "python_loop_10m_s": loop_s, "load_average": os.getloadavg()},
        "what": f"a no-op job over {provisioning['organizations']} organizations, one Celery task each, "
        f"{PROCESSES} worker processes (prefork) on Redis, results in Redis",
        "organizations": provisioning["organizations"],
        "worker_processes": PROCESSES,
        "first_round_s": rounds[0]["total_s"],
        "total_s": total,
        "fan_out_s": statistics.median(r["fan_out_s"] for r in warm),
        "per_organization_ms": round(1000 * total / max(provisioning["organizations"], 1), 2),
        "failed": sum(r["failed"] for r in rounds),
        "rounds": rounds,
        "provisioning": provisioning,
    }
    _merge(result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
