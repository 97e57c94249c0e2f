"""PostgreSQL restarted under a running gunicorn: the requests that meet it down get a plain
503 "try again" page (never a traceback, never a hung worker), and the next ones succeed on
the same workers, whose persistent connections are checked and replaced (CONN_HEALTH_CHECKS)
with django-tenants' search path set again on the new ones.

The database is a PostgreSQL cluster of the test's own (apps/core/tests/faults.py) holding a
copy of the test database (its two organizations and their people), made with pg_dump; the
machine's PostgreSQL is only read from. gunicorn runs with gunicorn.conf.py and DEBUG off.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from apps.core.tests.faults import SERVER_PORTS, PostgresCluster, copy_database, free_port, wait_for_port
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[3]
HOST = "alpha.localhost"
# A request is hung, not slow, once gunicorn itself would give up on its worker (timeout =
# 60 in gunicorn.conf.py): this machine's two cores are shared with other test runs.
PATIENCE = 55


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """A cluster of our own with a copy of the test database in it, as `starline`."""
    source = connection.settings_dict
    with PostgresCluster() as pg:
        copy_database(source, pg)
        yield pg


@pytest.fixture(scope="module")
def gunicorn(cluster, tmp_path_factory):
    port = free_port(SERVER_PORTS)
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url("starline"),
        # Production's error pages; TESTING keeps the development keys and plain static files.
        "DEBUG": "False",
        "STARLINE_TESTING": "1",
        "REDIS_URL": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_REUSE_PORT": "0",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "CONN_MAX_AGE": "600",
    }
    with log.open("w") as stderr:  # gunicorn's log, with the tracebacks behind each 503
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "starline.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_for_port(port, seconds=60)
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # gunicorn's graceful timeout is 30 s
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _workers(server) -> set[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return {int(pid) for pid in children}


@pytest.fixture(scope="module")
def browser(gunicorn):
    """A session signed in to alpha through the server, as a person would."""
    _server, base = gunicorn
    session = requests.Session()
    session.headers["Host"] = HOST
    session.get(f"{base}/accounts/sign-in/", timeout=PATIENCE)
    response = session.post(
        f"{base}/accounts/sign-in/",
        {
            "email": "admin@alpha.test",
            "password": TEST_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=PATIENCE,
    )
    assert response.status_code == 302 and "sign-in" not in response.headers["Location"]
    return session


def _home(browser, base) -> requests.Response:
    return browser.get(f"{base}/", allow_redirects=False, timeout=PATIENCE)


def test_with_the_database_down_pages_answer_503_and_serve_again_once_it_is_back(cluster, gunicorn, browser):
    server, base = gunicorn
    for _ in range(8):  # every worker's threads hold a connection now
        assert _home(browser, base).status_code == 200
    workers = _workers(server)

    cluster.stop()
    try:
        response = _home(browser, base)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "Temporarily unavailable" in response.text and "Traceback" not in response.text
    finally:
        cluster.start()

    for _ in range(8):
        response = _home(browser, base)
        assert response.status_code == 200, response.text[:500]
        assert "Alpha Community Living" in response.text  # alpha's schema, not the public one
    assert _workers(server) == workers  # the same workers: nothing was restarted


def test_requests_in_flight_during_a_restart_fail_cleanly_and_the_next_ones_succeed(cluster, gunicorn, browser):
    server, base = gunicorn
    assert _home(browser, base).status_code == 200
    workers = _workers(server)
    statuses: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def load():
        # One session per thread (requests' sessions are not thread-safe), same cookies.
        own = requests.Session()
        own.headers["Host"] = HOST
        own.cookies.update(browser.cookies)
        while not stop.is_set():
            try:
                statuses.append(_home(own, base).status_code)
            except requests.RequestException as error:  # a hung or dropped request
                errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        cluster.restart()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert not errors
    assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
    for _ in range(8):
        assert _home(browser, base).status_code == 200
    assert _workers(server) == workers
