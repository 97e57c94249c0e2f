"""`make citus-check`: Starline on a throwaway Citus cluster with schema-based sharding.

Starts a coordinator and two workers (PostgreSQL with the `citus` extension, each its own
server on 127.0.0.1, in a temporary directory, as a non-root user), bootstraps Starline on the
coordinator (shared tables stay there; each organization's schema is distributed whole to one
worker), provisions a few organizations by cloning, and checks:

- every organization's schema is a distributed schema living on one node, and they are spread
  over both workers; no shared (public) table is distributed;
- the triggers work on the workers: a write changes the table's version (page caches), the
  audit chain verifies, a claim whose total is not the sum of its lines is refused, and a new
  monthly audit partition can be added;
- the cross-organization tests pass against the coordinator (CITUS_CHECK_TESTS: pytest paths);
- a short bench (CITUS_CHECK_BENCH: scenario names of bench/run.py) runs without errors.

Then it stops the cluster and removes it. Not part of `make test`. Needs Citus built for the
machine's PostgreSQL (`citus.so` in `pg_config --pkglibdir`).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
WORKERS = 2
APP_DB = "starline_citus"
TEST_DB = "test_starline_citus"
ORGANIZATIONS = ("citus-one", "citus-two", "citus-three", "citus-four")
TESTS = os.environ.get(
    "CITUS_CHECK_TESTS", "apps/tenants/tests/test_host_resolution.py apps/core/tests/test_every_url_every_role.py"
).split()
BENCH = [
    name
    for name in os.environ.get("CITUS_CHECK_BENCH", "hello,org_home,authenticated_home,client_list").split(",")
    if name
]
BENCH_SECONDS = int(os.environ.get("CITUS_CHECK_BENCH_SECONDS", "5"))
MISSING = (
    "Citus is not installed: build it from https://github.com/citusdata/citus or install your distribution's package"
)


def pg_config() -> str:
    for candidate in (os.environ.get("PG_CONFIG"), "/usr/lib/postgresql/15/bin/pg_config", shutil.which("pg_config")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("PostgreSQL's pg_config was not found (set PG_CONFIG)")


def citus_library(config: str) -> Path | None:
    libdir = subprocess.run([config, "--pkglibdir"], capture_output=True, text=True, check=True).stdout.strip()
    library = Path(libdir) / "citus.so"
    return library if library.exists() else None


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def spare_ports(count: int) -> list[int]:
    start = int(os.environ.get("CITUS_CHECK_PORT", "9750"))
    for base in range(start, start + 200, count):
        ports = list(range(base, base + count))
        if all(_free(port) for port in ports):
            return ports
    raise SystemExit(f"no {count} free ports from {start}")


class Cluster:
    """A coordinator and WORKERS workers, each a PostgreSQL server with Citus preloaded, trust
    authentication on 127.0.0.1 only, data and sockets in one temporary directory."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.ports = spare_ports(WORKERS + 1)
        self.dir = Path(tempfile.mkdtemp(prefix="starline-citus-"))
        # PostgreSQL refuses to run as root: as root, the servers run as the postgres user.
        self.user = os.environ.get("CITUS_CHECK_OS_USER", "postgres") if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, user=self.user)
        self.started: list[Path] = []

    def _as_user(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *args] if self.user else list(args)

    @property
    def coordinator(self) -> int:
        return self.ports[0]

    def url(self, database: str, port: int | None = None) -> str:
        return f"postgres://postgres@127.0.0.1:{port or self.coordinator}/{database}"

    def start(self) -> None:
        for port in self.ports:
            data = self.dir / f"node{port}"
            subprocess.run(
                self._as_user(str(self.bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
                check=True,
                stdout=subprocess.DEVNULL,
            )
            with (data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"shared_preload_libraries = 'citus'\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
                    f"unix_socket_directories = '{self.dir}'\nmax_connections = 200\nfsync = off\n"
                )
            subprocess.run(
                self._as_user(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", f"{data}.log", "-w", "start"),
                check=True,
                stdout=subprocess.DEVNULL,
            )
            self.started.append(data)

    def stop(self) -> None:
        for data in self.started:
            subprocess.run(
                self._as_user(str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def create_database(self, name: str) -> None:
        """Citus does not create a database on the workers: each node gets it and the
        extension, then the coordinator's copy learns where the workers are."""
        import psycopg

        for port in self.ports:
            with psycopg.connect(self.url("postgres", port), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            with psycopg.connect(self.url(name, port), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION citus")
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute("SELECT citus_set_coordinator_host('127.0.0.1', %s)", [self.coordinator])
            for port in self.ports[1:]:
                conn.execute("SELECT citus_add_node('127.0.0.1', %s)", [port])


def step(title: str) -> float:
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def done(started: float) -> None:
    print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)


def app_env(cluster: Cluster, files: Path) -> dict[str, str]:
    """bench/run.py's production-like environment, against the coordinator, with secrets of
    this run's own (the bench's kept ones belong to its own database)."""
    from bench import run

    made = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "FILES_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    run.run_secrets = lambda *_args, **_kwargs: made
    os.environ["BENCH_DATABASE_URL"] = cluster.url(APP_DB)
    env = run.bench_env()
    env["DATABASE_URL"] = cluster.url(APP_DB)
    env["PRIVATE_FILES_ROOT"] = str(files)
    return env


PROVISION = """
import json, time, django
django.setup()
from apps.tenants import services
timings = {}
for subdomain in %r:
    started = time.perf_counter()
    services.organization_create(name=subdomain.title(), subdomain=subdomain,
                                 contact_email=f"office@{subdomain}.test", admin_email=f"admin@{subdomain}.test")
    timings[subdomain] = round(time.perf_counter() - started, 3)
print(json.dumps(timings))
"""


def placement(url: str) -> list[str]:
    """Problems with where the organizations' schemas live (empty when all is well)."""
    import psycopg

    problems = []
    with psycopg.connect(url, autocommit=True) as conn:
        schemas = [name for (name,) in conn.execute("SELECT schema_name FROM tenants_organization ORDER BY 1")]
        nodes: dict[str, list[int]] = dict(
            conn.execute(
                """
                SELECT cs.schema_name::text, array_agg(DISTINCT sh.nodeport ORDER BY sh.nodeport)
                FROM citus_schemas cs JOIN citus_shards sh ON sh.colocation_id = cs.colocation_id
                GROUP BY 1
                """
            ).fetchall()
        )
        public = [
            name
            for (name,) in conn.execute(
                "SELECT table_name::text FROM citus_tables WHERE table_name::text NOT LIKE '%.%'"
                " AND citus_table_type <> 'reference'"
            )
        ]
    for schema in schemas:
        where = nodes.get(schema)
        print(f"   {schema:24} on {', '.join(map(str, where or [])) or 'nowhere (not distributed)'}")
        if not where:
            problems.append(f"{schema} is not a distributed schema")
        elif len(where) != 1:
            problems.append(f"{schema} is spread over nodes {where}")
    used = {port for schema in schemas for port in nodes.get(schema) or []}
    if len(used) < 2:
        problems.append(f"every organization is on the same node ({used})")
    if public:
        problems.append(f"shared tables were distributed: {public}")
    return problems


def triggers(url: str, schemas: list[str]) -> list[str]:
    """The audit, table-version and claim-total triggers, exercised in schemas on each worker."""
    import psycopg

    problems = []
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            q = f'"{schema}"'
            client = conn.execute(f"SELECT id FROM {q}.clients_client LIMIT 1").fetchone()  # noqa: S608 - schema names from tenants_organization # nosec B608
            if client is None:
                problems.append(f"{schema}: no client to write")
                continue
            before = conn.execute(f"SELECT version FROM {q}.core_tableversion WHERE name = 'clients_client'").fetchone()  # noqa: S608 # nosec B608
            conn.execute(f"UPDATE {q}.clients_client SET updated_at = updated_at WHERE id = %s", [client[0]])  # noqa: S608 # nosec B608
            after = conn.execute(f"SELECT version FROM {q}.core_tableversion WHERE name = 'clients_client'").fetchone()  # noqa: S608 # nosec B608
            print(f"   {schema}: clients_client version {before and before[0]} -> {after and after[0]}")
            if after is None or after == before:
                problems.append(f"{schema}: a write to clients_client did not change its version")
            claim = conn.execute(f"SELECT id FROM {q}.billing_claim LIMIT 1").fetchone()  # noqa: S608 # nosec B608
            if claim is not None:
                try:
                    conn.execute(
                        f"UPDATE {q}.billing_claim SET total_amount = total_amount + 1 WHERE id = %s",  # noqa: S608 # nosec B608
                        [claim[0]],
                    )
                    problems.append(f"{schema}: a claim total unequal to its lines was accepted")
                except psycopg.errors.CheckViolation:
                    print(f"   {schema}: a claim total unequal to its lines is refused")
            (month,) = conn.execute("SELECT (date_trunc('month', now()) + interval '6 months')::date").fetchone() or (
                None,
            )
            conn.execute("SELECT public.starline_audit_partition_create(%s, %s)", [schema, month])
            (made,) = conn.execute(
                "SELECT count(*) FROM citus_shards WHERE table_name::text = %s",
                [f"{schema}.audit_logentry_p{month:%Y_%m}"],
            ).fetchone() or (0,)
            if made != 1:
                problems.append(f"{schema}: the new audit partition is not a shard of the schema")
    return problems


def bench(env: dict[str, str], files: Path) -> tuple[dict, list[str]]:
    from bench import run

    auth_file = files.parent / "auth.json"
    code = (
        "import json, sys; sys.argv = ['prepare']; from bench import prepare;"
        "from apps.tenants.models import Organization;"
        "print(json.dumps(prepare._auth_values(Organization.objects.get(subdomain='sunrise'))))"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    auth_file.write_text(out.strip().splitlines()[-1])
    # bench/run.py's requests, with this run's sessions and port.
    run._auth = lambda: json.loads(auth_file.read_text())
    run.PORT = spare_ports(1)[0]
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{run.PORT}"}
    chosen = [s for s in run.SCENARIOS if s.name in BENCH]
    unknown = set(BENCH) - {s.name for s in chosen}
    if unknown:
        raise SystemExit(f"no such bench scenario: {', '.join(sorted(unknown))}")
    results, problems = {}, []
    server = subprocess.Popen([PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"], cwd=ROOT, env=env)
    try:
        run.wait_ready("sunrise.localhost")
        for scenario in chosen:
            run.check(scenario)
            run.wrk(scenario, 1)
            results[scenario.name] = result = run.wrk(scenario, BENCH_SECONDS)
            print(
                f"   {scenario.name:22} p50 {result['p50_ms']:7.2f} ms  p95 {result['p95_ms']:7.2f} ms  "
                f"{result['rps']:8.1f} rps  errors {result['errors']}",
                flush=True,
            )
            if result["errors"]:
                problems.append(f"bench {scenario.name}: {result['errors']} errors")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results, problems


def main() -> int:
    config = pg_config()
    library = citus_library(config)
    if library is None:
        print(MISSING, file=sys.stderr)
        return 1
    bindir = Path(subprocess.run([config, "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
    report: dict = {"citus_library": str(library), "problems": []}
    problems: list[str] = report["problems"]
    cluster = Cluster(bindir)
    files = cluster.dir / "files"
    try:
        started = step(f"cluster: coordinator on {cluster.coordinator}, workers on {cluster.ports[1:]} ({cluster.dir})")
        cluster.start()
        cluster.create_database(APP_DB)
        cluster.create_database(TEST_DB)
        done(started)
        env = app_env(cluster, files)

        started = step("bootstrap_dev on the coordinator (migrations, template, demo organizations)")
        # First: with DEBUG off the demo themes' stylesheets name the fonts through the manifest.
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PY, "manage.py", "bootstrap_dev", "--allow-production"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        report["bootstrap_s"] = round(time.perf_counter() - started, 1)
        # What docs/scaling.md has an operator run after adding a node: harmless when every
        # worker already has the sequence, and it must say so on a real cluster.
        ready = subprocess.run(
            [PY, "manage.py", "citus_nodes_ready"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout
        if "Every worker has the version sequence" not in ready:
            problems.append(f"citus_nodes_ready said: {ready.strip()}")
        done(started)

        started = step(f"provisioning {len(ORGANIZATIONS)} organizations by cloning")
        out = subprocess.run(
            [PY, "-c", PROVISION % (ORGANIZATIONS,)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        report["provisioning_s"] = json.loads(out.strip().splitlines()[-1])
        print(f"   seconds each: {report['provisioning_s']}")
        done(started)

        started = step("where the organizations live")
        problems += placement(cluster.url(APP_DB))
        done(started)

        started = step("triggers on the workers (table versions, claim totals, audit partitions)")
        problems += triggers(cluster.url(APP_DB), ["org_sunrise", "org_harbor"])
        verified = subprocess.run(
            [PY, "manage.py", "verify_audit_chain"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        print("   " + "\n   ".join((verified.stdout + verified.stderr).strip().splitlines()[-6:]))
        if verified.returncode:
            problems.append("verify_audit_chain failed")
        done(started)

        started = step(f"cross-organization tests against the coordinator: {' '.join(TESTS)}")
        test_env = {
            **os.environ,
            "DEBUG": "True",
            "DATABASE_URL": cluster.url(APP_DB),
            "TEST_DATABASE_NAME": TEST_DB,
            "PRIVATE_FILES_ROOT": str(files / "tests"),
        }
        tests = subprocess.run(
            [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--reuse-db", *TESTS],
            cwd=ROOT,
            env=test_env,
            check=False,
        )
        report["tests_exit"] = tests.returncode
        if tests.returncode:
            problems.append(f"the cross-organization tests failed (pytest exit {tests.returncode})")
        done(started)

        if BENCH:
            started = step(f"bench through gunicorn against the coordinator: {', '.join(BENCH)}")
            report["bench"], bench_problems = bench(env, files)
            problems += bench_problems
            done(started)
    except subprocess.CalledProcessError as error:
        problems.append(f"{' '.join(map(str, error.cmd))[:120]} exited {error.returncode}")
    finally:
        step("stopping the cluster")
        cluster.stop()
    out_file = ROOT / "bench" / "results" / "citus.json"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {out_file.relative_to(ROOT)}")
    if problems:
        print("\nCitus check FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("\nCitus check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
