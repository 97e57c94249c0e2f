"""Read replicas (apps/core/db/replicas.py) against a real streaming replica: a PostgreSQL 15
primary of the test's own holding a copy of the test database (pg_dump), a hot standby made
from it with `pg_basebackup -R`, and gunicorn serving with DATABASE_URL on the primary and
DATABASE_REPLICA_URLS on the standby.

To tell which server answered a page, the standby's replay is paused
(`pg_wal_replay_pause()`) and a client is then added on the primary: a page that reads the
replica does not know them yet, one that reads the primary does.

Two servers: one that tolerates a replica far behind (REPLICA_MAX_LAG_SECONDS=600), and one
that tolerates a second, whose replica falls behind by more than that while replay is paused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from django.db import DEFAULT_DB_ALIAS, connection, connections

from apps.clients.models import Client
from apps.core.db.replicas import STICKY_COOKIE
from apps.core.tests.faults import (
    SERVER_PORTS,
    PostgresCluster,
    StandbyCluster,
    copy_database,
    free_port,
    wait_for_port,
)
from apps.tenants.models import Organization
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[3]
PATIENCE = 55
KNOWN = "Replicated"  # a client both servers hold
NEW = "Unreplayed"  # a client added on the primary while the standby's replay is paused
ROSTER = "/reports/client-roster/"
HEALTH_SECONDS = 0.3


def _sql(pg: PostgresCluster, sql: str):
    with psycopg.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname="starline", autocommit=True) as db:
        return db.execute(sql).fetchone()


def _wait_until_replayed(primary: PostgresCluster, standby: PostgresCluster) -> None:
    (target,) = _sql(primary, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        (done,) = _sql(standby, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.1)
    raise TimeoutError("the standby did not replay the primary's writes")


@contextmanager
def _orm_on(pg: PostgresCluster, subdomain: str) -> Iterator[None]:
    """The ORM on the cluster's copy, in the organization's schema, committing as it goes
    (as apps.core.db.roles.as_owner swaps the owner in): the writes must reach the standby."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**original.settings_dict, "NAME": "starline", "HOST": "127.0.0.1", "PORT": str(pg.port)}
    settings_dict["USER"], settings_dict["PASSWORD"] = "postgres", ""
    copy: Any = original.__class__(settings_dict, alias=DEFAULT_DB_ALIAS)  # apps/core/db's wrapper
    connections[DEFAULT_DB_ALIAS] = copy
    try:
        copy.set_tenant(Organization.objects.get(subdomain=subdomain))
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        copy.close()


def _add_client(last_name: str) -> None:
    Client.objects.create(
        client_id=last_name[:8].upper(), first_name="Ana", last_name=last_name, date_of_birth=dt.date(1980, 1, 1)
    )


@dataclass
class Scene:
    primary: PostgresCluster
    standby: StandbyCluster
    paused_at: float  # time.monotonic() when replay was paused


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker) -> Iterator[Scene]:
    with django_db_blocker.unblock(), PostgresCluster() as primary:
        copy_database(connection.settings_dict, primary)
        with _orm_on(primary, "alpha"):
            _add_client(KNOWN)
        with StandbyCluster(primary) as standby:
            _wait_until_replayed(primary, standby)
            _sql(standby, "SELECT pg_wal_replay_pause()")
            paused_at = time.monotonic()
            with _orm_on(primary, "alpha"):
                _add_client(NEW)  # its row and its audit entry reach the standby's disk, not its tables
            yield Scene(primary, standby, paused_at)


@contextmanager
def _gunicorn(scene: Scene, tmp_path: Path, *, max_lag: float) -> Iterator[str]:
    port = free_port(SERVER_PORTS)
    env = {
        **os.environ,
        "DATABASE_URL": scene.primary.url("starline"),
        "DATABASE_REPLICA_URLS": scene.standby.url("starline"),
        "REPLICA_MAX_LAG_SECONDS": str(max_lag),
        "REPLICA_HEALTH_SECONDS": str(HEALTH_SECONDS),
        "DEBUG": "False",
        "STARLINE_TESTING": "1",
        "REDIS_URL": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_REUSE_PORT": "0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "CONN_MAX_AGE": "600",
    }
    log = tmp_path / f"gunicorn-{port}.log"
    with log.open("w") as stderr:  # the tracebacks behind a failing page
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_for_port(port, seconds=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def tolerant(scene, tmp_path_factory) -> Iterator[str]:
    with _gunicorn(scene, tmp_path_factory.mktemp("tolerant"), max_lag=600) as base:
        yield base


@pytest.fixture(scope="module")
def strict(scene, tmp_path_factory) -> Iterator[str]:
    with _gunicorn(scene, tmp_path_factory.mktemp("strict"), max_lag=1) as base:
        yield base


class Browser:
    """A person signed in to alpha through a server."""

    def __init__(self, base: str, organization: str = "alpha") -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers["Host"] = f"{organization}.localhost"
        self.get("/accounts/sign-in/")
        response = self.post("/accounts/sign-in/", {"email": f"admin@{organization}.test", "password": TEST_PASSWORD})
        assert response.status_code == 302 and "sign-in" not in response.headers["Location"]
        # Signing in is a write: it marks the browser to read the primary for a few seconds.
        assert self.sticky()

    def get(self, path: str) -> requests.Response:
        return self.session.get(f"{self.base}{path}", allow_redirects=False, timeout=PATIENCE)

    def post(self, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        return self.session.post(f"{self.base}{path}", data, allow_redirects=False, timeout=PATIENCE)

    def sticky(self) -> bool:
        return STICKY_COOKIE in self.session.cookies

    def forget_writes(self) -> None:
        """What the cookie's expiry does REPLICA_STICKY_SECONDS after the last write."""
        for cookie in [c for c in self.session.cookies if c.name == STICKY_COOKIE]:
            self.session.cookies.clear(cookie.domain, cookie.path, cookie.name)

    def page(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.text

    def roster_csv(self) -> str:
        response = self.post(f"{ROSTER}export/", {"format": "csv"})
        assert response.status_code == 200, response.text[:500]
        return response.content.decode("utf-8-sig")


def _names(text: str) -> set[str]:
    return {name for name in (KNOWN, NEW) if name in text}


def test_reports_exports_the_audit_log_and_dashboards_read_the_replica_and_other_pages_the_primary(tolerant):
    reader = Browser(tolerant)
    reader.forget_writes()

    assert _names(reader.page(ROSTER)) == {KNOWN}
    assert _names(reader.page("/audit/")) == {KNOWN}
    audit_csv = reader.page("/audit/?format=csv")
    assert len(list(csv.reader(io.StringIO(audit_csv)))) > 1 and _names(audit_csv) == {KNOWN}
    reader.page("/compliance/")
    reader.page("/")
    # Not a report: the client list reads the primary, which has the new client.
    assert _names(reader.page("/clients/")) == {KNOWN, NEW}
    # The export's rows come from the replica too (the export is a POST: recorded on the primary).
    assert _names(reader.roster_csv()) == {KNOWN}


def test_a_person_who_just_wrote_reads_the_primary_everywhere_for_a_few_seconds(tolerant):
    reader = Browser(tolerant)
    assert _names(reader.page(ROSTER)) == {KNOWN, NEW}  # the sign-in was a write
    reader.forget_writes()
    assert _names(reader.page(ROSTER)) == {KNOWN}

    reader.roster_csv()  # a POST that succeeded: the person wrote
    assert reader.sticky()
    assert _names(reader.page(ROSTER)) == {KNOWN, NEW}
    assert _names(reader.page("/audit/")) == {KNOWN, NEW}

    # A write that was refused marks nothing.
    reader.forget_writes()
    assert reader.post(f"{ROSTER}export/", {"format": "doc"}).status_code == 400
    assert not reader.sticky()
    assert _names(reader.page(ROSTER)) == {KNOWN}


def test_the_replica_reads_the_schema_of_the_organization_asking(tolerant):
    alpha, beta = Browser(tolerant), Browser(tolerant, "beta")
    alpha.forget_writes()
    beta.forget_writes()
    # In turns, so that the worker's threads and their replica connections serve both.
    for _ in range(3):
        assert _names(alpha.page(ROSTER)) == {KNOWN}
        assert _names(beta.page(ROSTER)) == set()
        assert _names(beta.page("/audit/")) == set()
        assert "Beta Home Care" in beta.page("/")


def test_a_replica_further_behind_than_allowed_is_skipped(scene, strict, tolerant):
    # Paused, the standby falls further behind every second: past the strict server's one
    # second once a second and a half has passed since the pause.
    time.sleep(max(0.0, scene.paused_at + 1.5 - time.monotonic()))
    reader = Browser(strict)
    reader.forget_writes()
    assert _names(reader.page(ROSTER)) == {KNOWN, NEW}
    assert _names(reader.page("/audit/")) == {KNOWN, NEW}
    # The tolerant server still reads it.
    reader = Browser(tolerant)
    reader.forget_writes()
    assert _names(reader.page(ROSTER)) == {KNOWN}


def test_a_stopped_replica_is_skipped_without_an_error(scene, tolerant):
    reader = Browser(tolerant)
    reader.forget_writes()
    assert _names(reader.page(ROSTER)) == {KNOWN}  # its worker holds a connection to the replica

    scene.standby.stop()
    time.sleep(HEALTH_SECONDS * 3)  # past the health the worker last saw
    assert _names(reader.page(ROSTER)) == {KNOWN, NEW}
    assert _names(reader.page("/audit/")) == {KNOWN, NEW}
    assert _names(reader.roster_csv()) == {KNOWN, NEW}
