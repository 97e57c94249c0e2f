"""`make bench-fleet`: a fleet of FLEET_SIZE organizations (1,000 by default) on one PostgreSQL,
in a database of its own (starline_fleet, dropped and made again each run). Not part of
`make bench`: provisioning a thousand organizations takes a while.

It records in bench/results/fleet.json, with the machine's speed beside the numbers:
- provisioning by cloning, in total and per organization (target <= 0.5 s each), with the two
  database roles of production (the app's role reaches the owner to clone, then the new schema
  is granted to it);
- the catalog's size (pg_class rows, database size);
- a PostgreSQL backend's memory after it read every table of every schema, and the memory
  of the serving worker's own backends;
- a gunicorn worker's memory (1 worker) after one organization's pages and after a signed-in
  home page for every organization (target <= 2x), and the time of a first request to an
  organization the warm worker has not seen, beside a repeated one;
- fleet migrations: a run with nothing to do (target < 60 s at 1,000; django-tenants'
  migrate_schemas beside it up to 200 organizations or with FLEET_LEGACY=1), and a run with one
  real additive migration in every schema, one of which fails, then the re-run that finishes;
- fan-out jobs: a no-op job over the same organizations, one Celery task each, on a real worker
  with 2 processes (bench/fanout_bench.py on this database; FLEET_FANOUT=0 leaves it out).

Run by hand as `bench/fleet.py`; its steps that need Django run as `bench/fleet.py <step>`.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
RESULTS = ROOT / "bench" / "results" / "fleet.json"
AUTH = ROOT / "bench" / "results" / ".fleet_auth.json"
SIZE = int(os.environ.get("FLEET_SIZE", "1000"))
PORT = int(os.environ.get("FLEET_PORT", "8766"))
# Organizations kept back until the worker is warm: their first requests are the "unseen" ones.
UNSEEN = 10
# The real additive migration taken back in every schema (a nullable column; reports' export
# expiry depends on it and comes back with it): what a deploy's new migration is to a schema.
MIGRATION = ("files", "0004_file_expires_at")
BEFORE = ("files", "0003_watch_files")
FAILING = 3  # the organization whose schema gets a column in the migration's way
APP_ROLE = "starline_fleet_app"


def subdomain(number: int) -> str:
    return f"fleet-{number:04d}"


def host(number: int) -> str:
    return f"{subdomain(number)}.localhost"


# --- steps run inside Django ------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
    import django

    django.setup()


def step_provision(count: int) -> dict:
    """Create the organizations through the operator's path (services.organization_create:
    clone, domains, first administrator) and time each; then, untimed, a signed-in session for
    each organization's administrator."""
    _django()
    from importlib import import_module
    from typing import cast

    from django.conf import settings
    from django.test import RequestFactory

    from apps.accounts import services as accounts
    from apps.accounts.http import OrgRequest
    from apps.accounts.models import User
    from apps.core.db.roles import as_owner
    from apps.tenants import services

    # Made before the clock starts, as the owner (organization_create would make it within the
    # first organization's time).
    with as_owner():
        services.template_schema_ensure()
    times = []
    organizations = []
    for number in range(1, count + 1):
        started = time.perf_counter()
        organization = services.organization_create(
            name=f"Fleet Agency {number}",
            subdomain=subdomain(number),
            contact_email=f"office@{subdomain(number)}.test",
            admin_email=f"admin@{subdomain(number)}.test",
        )
        times.append(time.perf_counter() - started)
        organizations.append(organization)
    sessions = {}
    for number, organization in enumerate(organizations, start=1):
        with organization:
            user = User.objects.get(email=f"admin@{subdomain(number)}.test")
            # The invited administrator as if they had accepted the invitation.
            user.status = User.Status.ACTIVE
            user.save(update_fields=["status"])
            request = cast(OrgRequest, RequestFactory().get("/", HTTP_HOST=host(number)))
            request.organization = organization
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
            request.user = user
            accounts.sign_in(request=request, user=user)
            request.session.save()
            sessions[host(number)] = request.session.session_key
    AUTH.write_text(json.dumps(sessions))
    AUTH.chmod(0o600)
    tenth = max(1, count // 10)
    return {
        "organizations": count,
        "total_s": round(sum(times), 2),
        "per_org_median_s": round(statistics.median(times), 4),
        "per_org_mean_s": round(statistics.mean(times), 4),
        "per_org_p95_s": round(sorted(times)[int(len(times) * 0.95) - 1 if len(times) > 1 else 0], 4),
        "per_org_max_s": round(max(times), 4),
        "first_tenth_mean_s": round(statistics.mean(times[:tenth]), 4),
        "last_tenth_mean_s": round(statistics.mean(times[-tenth:]), 4),
    }


def step_touch() -> dict:
    """One backend reads every table of every organization's schema (one statement per schema),
    as a long-lived connection serving the whole fleet ends up doing; its memory afterwards."""
    _django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        before = _backend_memory(cursor, pid)
        cursor.execute(
            "SELECT n.nspname, array_agg(c.relname ORDER BY c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
            "AND n.nspname LIKE 'org\\_fleet\\_%%' GROUP BY n.nspname"
        )
        schemas = cursor.fetchall()
        tables = 0
        for schema, relations in schemas:
            probes = ", ".join(
                f'(SELECT 1 FROM "{schema}"."{name}" LIMIT 1)'  # noqa: S608 - names from the catalog # nosec B608
                for name in relations
            )
            cursor.execute(f"SELECT {probes}")
            tables += len(relations)
        after = _backend_memory(cursor, pid)
    return {"schemas": len(schemas), "tables_read": tables, "before": before, "after": after}


def _backend_memory(cursor, pid: int) -> dict:
    cursor.execute(
        "SELECT sum(total_bytes), sum(total_bytes) FILTER (WHERE name = 'CacheMemoryContext') "
        "FROM pg_backend_memory_contexts"
    )
    total, cache = cursor.fetchone()
    return {
        "memory_contexts_mb": round(int(total) / 2**20, 1),
        "cache_memory_context_mb": round(int(cache or 0) / 2**20, 1),
        **_proc_memory(pid),
    }


def step_unapply(failing_schema: str) -> dict:
    """Take MIGRATION back in every organization's schema and the template: its backwards SQL,
    written once by Django for the template, run in each schema with its django_migrations rows
    deleted, all in one transaction. A Python operation (reports' export expiry) has no SQL; its
    reverse does nothing on these empty schemas and it runs again forward. Then one schema gets
    a column in the migration's way, so that its migration fails."""
    _django()
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    from apps.core.tenancy import tenant_connection
    from apps.tenants.models import Organization

    tenant_connection().set_schema(settings.TENANT_BASE_SCHEMA)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan([BEFORE])
    # The SQL sqlmigrate prints (django-stubs does not know MigrationLoader.collect_sql yet).
    written = executor.loader.collect_sql(plan)  # type: ignore[attr-defined]
    statements = [line for line in written if line.strip() and not line.startswith("--")]
    taken_back = [(migration.app_label, migration.name) for migration, _backwards in plan]
    tenant_connection().set_schema_to_public()
    schemas = list(Organization.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'SET LOCAL search_path = "{schema}"')
            for statement in statements:
                cursor.execute(statement)
            for app, name in taken_back:
                cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
        cursor.execute(f'ALTER TABLE "{failing_schema}".files_file ADD COLUMN expires_at text')
        cursor.execute("SET LOCAL search_path = public")
    tenant_connection().search_path_set_schemas = None
    return {"schemas": len(schemas), "migrations": [".".join(key) for key in taken_back], "sql": statements}


def step_fix(failing_schema: str) -> None:
    _django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{failing_schema}".files_file DROP COLUMN expires_at')


# --- the orchestrator -------------------------------------------------------------------


def _proc_memory(pid: int) -> dict:
    """VmRSS and RssAnon of a process (PostgreSQL's shared buffers count in RSS as RssShmem,
    so RssAnon is a backend's own memory)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "RssAnon"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"vm_rss_mb": fields.get("VmRSS"), "rss_anon_mb": fields.get("RssAnon")}


def fleet_env() -> dict[str, str]:
    from bench import run

    env = run.bench_env_for("fleet")
    env["WEB_CONCURRENCY"] = "1"
    env["GUNICORN_BIND"] = f"127.0.0.1:{PORT}"
    env["PRIVATE_FILES_ROOT"] = str(ROOT / "bench" / "results" / ".fleet-files")
    return env


# Dropping a fleet deletes half a million files. On an ext4 without a journal (this VM's) the
# kernel then avoids reusing an inode freed in the last 60 s, or 360 s while its inode table
# block is unwritten, and checks each candidate one by one (fs/ext4/ialloc.c, recently_deleted):
# for those minutes creating a file cost 150 us instead of 10 us, and provisioning, which makes
# 560 files an organization, measured the drop rather than itself.
SETTLE_AFTER_FILES = 10_000
SETTLE_S = int(os.environ.get("FLEET_SETTLE_S", "360"))


def _fleet_files(env: dict[str, str]) -> int:
    """How many relations (about one file each) the fleet database left by an earlier run holds."""
    import psycopg

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return 0
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_class WHERE relfilenode <> 0").fetchone()
    return row[0] if row else 0


def _settle(files: int) -> None:
    print(
        f"the previous fleet's {files:,} relations were dropped: waiting {SETTLE_S} s before provisioning "
        "(see SETTLE_AFTER_FILES)",
        flush=True,
    )
    time.sleep(SETTLE_S)


def two_roles_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of production's two roles (README, "Database roles"): the bench's role
    owns everything, and the app connects as APP_ROLE, which `db_roles` creates and grants."""
    owner = urlsplit(env["DATABASE_URL"])
    host = owner.netloc.rsplit("@", 1)[-1]
    return {
        **env,
        "DATABASE_OWNER_URL": env["DATABASE_URL"],
        "DATABASE_URL": urlunsplit(owner._replace(netloc=f"{APP_ROLE}@{host}")),
    }


def _step(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([PY, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench/fleet.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _manage(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    return round(time.perf_counter() - started, 2), done.returncode, done.stdout + done.stderr


def _get(path: str, hostname: str, session: str | None = None) -> tuple[int, float]:
    headers = {"Host": hostname}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    if response.status != 200 or (session and b"data-panel=" not in body):
        raise SystemExit(f"GET {hostname}{path} answered {response.status} (signed in: {bool(session)}); stopping")
    return response.status, elapsed


def _children(pid: int) -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and (entry / "stat").exists()
        and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid
    ]


def _server_backends(env: dict[str, str]) -> dict:
    """The PostgreSQL backends the worker holds open (persistent connections), summed."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        ]
    memories = [_proc_memory(pid) for pid in pids]
    return {
        "backends": len(pids),
        "rss_anon_mb": round(sum(m["rss_anon_mb"] or 0 for m in memories), 1),
    }


def serve(env: dict[str, str]) -> dict:
    """One gunicorn worker: its memory after one organization's pages, then after a signed-in
    home page for every organization; and first requests to organizations it has not seen."""
    sessions = json.loads(AUTH.read_text())
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get("/healthz", host(1))
                break
            except (OSError, SystemExit):
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not become ready") from None
                time.sleep(0.3)
        (worker,) = _children(server.pid)
        for _ in range(20):
            _get("/", host(1), sessions[host(1)])
            _get("/accounts/sign-in/", host(1))
        after_one = {**_proc_memory(worker), "db": _server_backends(env)}
        seen = range(1, SIZE - UNSEEN + 1)
        times = [_get("/", host(number), sessions[host(number)])[1] for number in seen]
        unseen, repeated = [], []
        for number in range(SIZE - UNSEEN + 1, SIZE + 1):
            unseen.append(_get("/", host(number), sessions[host(number)])[1])
            repeated.append(_get("/", host(number), sessions[host(number)])[1])
        after_all = {**_proc_memory(worker), "db": _server_backends(env)}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "worker_after_one_org": after_one,
        "worker_after_every_org": after_all,
        "worker_rss_ratio": round(after_all["vm_rss_mb"] / after_one["vm_rss_mb"], 2),
        # Past this many organizations a kept connection is closed between requests.
        "database_schemas_per_connection": int(env.get("DATABASE_SCHEMAS_PER_CONNECTION", "100")),
        "signed_in_home_median_ms": round(statistics.median(times) * 1000, 1),
        "first_request_unseen_org_median_ms": round(statistics.median(unseen) * 1000, 1),
        "first_request_unseen_org_max_ms": round(max(unseen) * 1000, 1),
        "same_org_again_median_ms": round(statistics.median(repeated) * 1000, 1),
    }


def migrations(env: dict[str, str]) -> dict:
    results: dict = {}
    noop_s, code, output = _manage(env, "migrate_fleet")
    if code != 0:
        raise SystemExit(f"migrate_fleet with nothing to do failed:\n{output}")
    results["noop_migrate_fleet_s"] = noop_s
    results["noop_summary"] = output.strip().splitlines()[-1]
    # The command's own time, without the process's start (Django's setup), which is the same
    # for any fleet size.
    results["noop_migrate_fleet_command_s"] = _own_seconds(output)
    if SIZE <= 200 or os.environ.get("FLEET_LEGACY") == "1":
        legacy_s, code, output = _manage(env, "migrate_schemas", "--noinput", "-v0")
        if code != 0:
            raise SystemExit(f"migrate_schemas failed:\n{output}")
        results["noop_migrate_schemas_s"] = legacy_s
    failing = f"org_fleet_{FAILING:04d}"
    taken = _step(env, "unapply", failing)
    results["additive"] = {"migrations": taken["migrations"], "schemas": taken["schemas"], "sql": taken["sql"]}
    first_s, code, output = _manage(env, "migrate_fleet")
    lines = output.strip().splitlines()
    if code == 0 or failing not in lines[-1]:
        raise SystemExit(f"the run with a failing schema should have named {failing} and exited 1:\n{output}")
    results["additive"].update(
        run_with_one_failing_schema_s=first_s,
        exit_status=code,
        summary=[line for line in lines if "up to date," in line or "failed:" in line],
        per_schema_s=round(first_s / taken["schemas"], 3),
        progress_sample=lines[1:4],
    )
    _step_plain(env, "fix", failing)
    again_s, code, output = _manage(env, "migrate_fleet")
    if code != 0:
        raise SystemExit(f"the re-run failed:\n{output}")
    results["additive"].update(rerun_s=again_s, rerun_summary=output.strip().splitlines()[-1])
    final_s, code, output = _manage(env, "migrate_fleet")
    results["additive"].update(noop_after_s=final_s, noop_after_summary=output.strip().splitlines()[-1])
    return results


def _own_seconds(output: str) -> float | None:
    found = re.search(r"failed in ([0-9.]+) s", output)
    return float(found.group(1)) if found else None


def _step_plain(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, __file__, *args], cwd=ROOT, env=env, check=True)


def catalog(env: dict[str, str]) -> dict:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), "
            "pg_database_size(current_database())"
        ).fetchone()
    assert row is not None  # an aggregate answers one row
    classes, attributes, size = row
    return {"pg_class_rows": classes, "pg_attribute_rows": attributes, "database_mb": round(size / 2**20, 1)}


def machine() -> dict:
    from bench import run

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "python_loop_10m_s": run.python_loop_seconds(),
        # Other work on the machine (the database server's included) slows every number here.
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
    }


def main() -> None:
    env = fleet_env()
    from bench import run

    if not env.get("DATABASE_URL"):
        # Backends' memory is read from /proc by pid, over a TCP connection of its own.
        raise SystemExit("bench-fleet needs PostgreSQL at 127.0.0.1:5432 or FLEET_DATABASE_URL")
    previous = _fleet_files(env)
    run.ensure_database(env, purpose="fleet")
    if previous > SETTLE_AFTER_FILES:
        _settle(previous)
    shutil.rmtree(env["PRIVATE_FILES_ROOT"], ignore_errors=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "organizations": SIZE,
        "machine": machine(),
        "targets": {
            "provisioning_per_org_s": 0.5,
            "worker_rss_ratio": 2.0,
            "noop_fleet_migration_s_at_1000": 60,
        },
    }
    _seconds, code, output = _manage(env, "migrate_fleet", "-v0")
    if code != 0:
        raise SystemExit(output)
    # Provisioned as production provisions: the app's role, which owns nothing, reaches the
    # owner to clone and then grants itself the new schema (apps/core/db/roles.py); the other
    # steps read the catalog and backends' memory, which takes the owner.
    app_env = two_roles_env(env)
    _seconds, code, output = _manage(app_env, "db_roles", "-v0")
    if code != 0:
        raise SystemExit(output)
    print(f"fleet of {SIZE}: provisioning…", flush=True)
    results["provisioning"] = _step(app_env, "provision", str(SIZE))
    results["catalog"] = catalog(env)
    print("backend memory…", flush=True)
    results["backend_reading_every_schema"] = _step(env, "touch")
    print("one gunicorn worker…", flush=True)
    results["serving"] = serve(env)
    print("fleet migrations…", flush=True)
    results["migrations"] = migrations(env)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    if os.environ.get("FLEET_FANOUT", "1") == "1":
        # The no-op job over the same organizations, one Celery task each, on a real worker with
        # 2 processes (bench/fanout_bench.py, which adds "fanout" to the results file).
        print("fan-out jobs…", flush=True)
        subprocess.run(
            [PY, str(ROOT / "bench" / "fanout_bench.py")],
            cwd=ROOT,
            env={
                **os.environ,
                "FANOUT_REUSE": "1",
                "FANOUT_ORGS": str(SIZE),
                "FANOUT_DATABASE_URL": env["DATABASE_URL"],
            },
            check=True,
        )
        results = json.loads(RESULTS.read_text())
    print(summary(results))
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    if os.environ.get("FLEET_KEEP") != "1":
        # Its half a million files and gigabytes are of no use once measured, and a run that
        # found them would wait for the disk to settle after dropping them (_settle()).
        run.drop_database(env)


def summary(results: dict) -> str:
    m, p, c = results["machine"], results["provisioning"], results["catalog"]
    b, s, g = results["backend_reading_every_schema"], results["serving"], results["migrations"]
    a = g["additive"]
    lines = [
        f"machine: {m['cpu']}, {m['cpus']} cores; ten million Python additions in {m['python_loop_10m_s']} s; "
        f"load average at the start {m.get('load_average_1_5_15')}",
        f"{results['organizations']} organizations provisioned by cloning in {p['total_s']} s: median "
        f"{p['per_org_median_s']} s each, p95 {p['per_org_p95_s']} s, max {p['per_org_max_s']} s (target <= 0.5 s); "
        f"first tenth {p['first_tenth_mean_s']} s, last tenth {p['last_tenth_mean_s']} s",
        f"catalog: {c['pg_class_rows']:,} pg_class rows, {c['pg_attribute_rows']:,} pg_attribute rows, "
        f"database {c['database_mb']} MB",
        f"a backend that read all {b['tables_read']:,} tables of {b['schemas']} schemas: "
        f"{b['after']['memory_contexts_mb']} MB in memory contexts (cache {b['after']['cache_memory_context_mb']} MB), "
        f"RssAnon {b['after']['rss_anon_mb']} MB (before: {b['before']['memory_contexts_mb']} MB, "
        f"{b['before']['rss_anon_mb']} MB)",
        f"gunicorn worker: {s['worker_after_one_org']['vm_rss_mb']} MB after one organization, "
        f"{s['worker_after_every_org']['vm_rss_mb']} MB after a signed-in home for every one: "
        f"{s['worker_rss_ratio']}x (target <= 2x); its database backends (closed past "
        f"{s['database_schemas_per_connection']} organizations) "
        f"{s['worker_after_one_org']['db']['rss_anon_mb']} -> {s['worker_after_every_org']['db']['rss_anon_mb']} MB "
        "RssAnon",
        f"signed-in home: median {s['signed_in_home_median_ms']} ms; first request to an organization the warm "
        f"worker had not seen: median {s['first_request_unseen_org_median_ms']} ms (max "
        f"{s['first_request_unseen_org_max_ms']}), the same again {s['same_org_again_median_ms']} ms",
        f"fleet migration with nothing to do: migrate_fleet {g['noop_migrate_fleet_s']} s, of which the command "
        f"{g['noop_migrate_fleet_command_s']} s (target < 60 s at 1,000)"
        + (
            f"; django-tenants' migrate_schemas {g['noop_migrate_schemas_s']} s"
            if "noop_migrate_schemas_s" in g
            else ""
        ),
        f"one additive migration ({', '.join(a['migrations'])}) in {a['schemas']} schemas, one failing: "
        f"{a['run_with_one_failing_schema_s']} s ({a['per_schema_s']} s a schema), exit {a['exit_status']}; "
        f"re-run after the fix {a['rerun_s']} s; then nothing to do {a['noop_after_s']} s",
    ]
    fanout = results.get("fanout")
    if fanout:
        lines.append(f"fan-out: {json.dumps(fanout)}")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        step, args = sys.argv[1], sys.argv[2:]
        if step == "provision":
            print(json.dumps(step_provision(int(args[0]))))
        elif step == "touch":
            print(json.dumps(step_touch()))
        elif step == "unapply":
            print(json.dumps(step_unapply(args[0])))
        elif step == "fix":
            step_fix(args[0])
        else:
            raise SystemExit(f"unknown step {step}")
    else:
        main()
