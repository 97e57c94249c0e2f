"""Behind PgBouncer, Starline runs only with session pooling: in transaction or statement
mode the per-request search_path of django-tenants could meet another request's connection,
so the web app and a worker refuse to start, saying why. Against real PgBouncers (Debian's,
`make service-deps` installs it) that each test starts on a spare port in front of the test
database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from apps.core.db import pooling
from bench.pgbouncer import pgbouncer

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


def _through(port: int) -> dict:
    """The test database's settings, reached through a PgBouncer at this port."""
    return {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": port}


def _bouncer(mode: str, *, console: bool = True):
    user = connection.settings_dict["USER"]
    return pgbouncer(
        server_host=connection.settings_dict["HOST"] or "127.0.0.1",
        server_port=int(connection.settings_dict["PORT"] or 5432),
        users={user: connection.settings_dict["PASSWORD"] or ""},
        mode=mode,
        stats_users=(user,) if console else (),
    )


def test_transaction_pooling_is_refused_with_the_reason():
    with _bouncer("transaction") as port:
        found = pooling.probe(_through(port))
        reason = pooling.problem(_through(port))
    assert found.pgbouncer and found.mode == "transaction"
    assert reason and "transaction pool mode" in reason and "search_path" in reason and "pool_mode = session" in reason


def test_statement_pooling_is_refused_too():
    with _bouncer("statement") as port:
        reason = pooling.problem(_through(port))
    assert reason and "statement pool mode" in reason


def test_session_pooling_and_a_direct_connection_are_fine():
    with _bouncer("session") as port:
        found = pooling.probe(_through(port))
        assert found.pgbouncer and found.mode == "session"
        assert pooling.problem(_through(port)) is None
        # And the app works through it: a query on the test database.
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user=connection.settings_dict["USER"], dbname=connection.settings_dict["NAME"]
        ) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    direct = pooling.probe(connection.settings_dict)
    assert not direct.pgbouncer
    assert pooling.problem(connection.settings_dict) is None


def test_a_pgbouncer_that_hides_its_mode_is_refused_unless_session_is_declared():
    with _bouncer("session", console=False) as port:
        found = pooling.probe(_through(port))
        unknown = pooling.problem(_through(port))
        declared = pooling.problem(_through(port), declared="session")
    assert found.pgbouncer and found.mode is None
    assert unknown and "stats_users" in unknown and "DATABASE_POOL_MODE=session" in unknown
    assert declared is None


def test_a_declared_session_mode_does_not_hide_the_transaction_mode_pgbouncer_reports():
    with _bouncer("transaction") as port:
        assert "transaction pool mode" in (pooling.problem(_through(port), declared="session") or "")


def test_a_declared_transaction_mode_or_a_misspelt_one_is_refused():
    assert "transaction pool mode" in (pooling.problem(connection.settings_dict, declared="transaction") or "")
    assert "must be one of" in (pooling.problem(connection.settings_dict, declared="sesion") or "")


def test_ensure_session_pooling_raises_for_the_settings_databases(settings):
    settings.DATABASE_POOL_MODE = "transaction"
    with pytest.raises(ImproperlyConfigured, match="search_path"):
        pooling.ensure_session_pooling()
    settings.DATABASE_POOL_MODE = ""
    pooling.ensure_session_pooling()


def _start(module_code: list[str], port: int) -> subprocess.CompletedProcess:
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "starline.settings",
        "DEBUG": "True",
        "STARLINE_TESTING": "0",
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@127.0.0.1:{port}/{settings_dict['NAME']}",
        "DATABASE_OWNER_URL": "",
    }
    return subprocess.run(
        [sys.executable, *module_code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_web_app_and_a_worker_refuse_to_start_behind_transaction_pooling():
    with _bouncer("transaction") as port:
        web = _start(["-c", "import starline.wsgi"], port)
        worker = _start(
            ["-m", "celery", "-A", "starline", "worker", "--pool=solo", "--loglevel=WARNING", "-Q", "pool-mode-check"],
            port,
        )
    assert web.returncode != 0 and "ImproperlyConfigured" in web.stderr and "transaction pool mode" in web.stderr
    assert worker.returncode != 0 and "Refusing to start" in worker.stderr and "search_path" in worker.stderr


def test_the_web_app_starts_behind_session_pooling():
    with _bouncer("session") as port:
        web = _start(["-c", "import starline.wsgi; print('started')"], port)
    assert web.returncode == 0, web.stderr
    assert "started" in web.stdout
