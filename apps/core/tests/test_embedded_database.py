"""The embedded PostgreSQL used when DATABASE_URL is unset (`make run` on a bare laptop)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[3]
QUERY_THEN = """
import os, signal, django
django.setup()
from django.db import connection
with connection.cursor() as c:
    c.execute("SELECT current_database()")
    print(c.fetchone()[0], flush=True)
if os.environ.get("DIE"):
    os.kill(os.getpid(), signal.SIGKILL)
"""

pytestmark = pytest.mark.slow


def _run(pgdata: Path, die: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DIE")}
    env.update(
        DJANGO_SETTINGS_MODULE="starline.settings", EMBEDDED_PGDATA=str(pgdata), STARLINE_TESTING="0", DEBUG="True"
    )
    if die:
        env["DIE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", QUERY_THEN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def _postmaster(pgdata: Path):
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().splitlines()[0])
    return pid if psutil.pid_exists(pid) else None


def _wait_stopped(pgdata: Path, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _postmaster(pgdata) is None:
            return True
        time.sleep(0.2)
    return False


def test_it_survives_a_killed_process_and_stops_when_the_last_one_exits(tmp_path):
    pgdata = tmp_path / "pgdata"
    try:
        killed = _run(pgdata, die=True)
        assert killed.returncode == -signal.SIGKILL
        assert killed.stdout.strip() == "starline"
        # The killed process could not clean up: the server is still up, its pid still listed.
        assert _postmaster(pgdata) is not None
        assert json.loads((pgdata / ".handle_pids.json").read_text())

        clean = _run(pgdata)
        assert clean.returncode == 0, clean.stderr
        assert clean.stdout.strip() == "starline"
        # The next run dropped the dead pid, so as the last user it stopped the server.
        assert _wait_stopped(pgdata), "the embedded server was left running"
        assert json.loads((pgdata / ".handle_pids.json").read_text()) == []
    finally:
        pid = _postmaster(pgdata)
        if pid:
            os.kill(pid, signal.SIGTERM)
