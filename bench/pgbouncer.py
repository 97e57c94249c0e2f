"""A PgBouncer of our own (Debian's `pgbouncer`), on a spare port in front of a PostgreSQL,
for the bench (BENCH_PGBOUNCER=1) and the pool-mode tests. Never the machine's: its own
configuration, log and pid file in a temporary directory, stopped on exit."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BINARY_PATHS = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")


def binary() -> str:
    found = shutil.which("pgbouncer") or next((path for path in BINARY_PATHS if os.path.exists(path)), None)
    if not found:
        raise SystemExit(
            "pgbouncer is not installed: `make service-deps` installs Debian's (apt-get install pgbouncer)"
        )
    return found


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@contextmanager
def pgbouncer(
    *,
    server_host: str,
    server_port: int,
    users: dict[str, str],
    mode: str = "session",
    stats_users: tuple[str, ...] = (),
    pool_size: int = 20,
    max_client_conn: int = 200,
) -> Iterator[int]:
    """Run a PgBouncer that forwards every database to server_host:server_port, pooling in
    `mode`; `users` are the roles it lets in (name: password, passed on to PostgreSQL).
    Yields the port it listens on, at 127.0.0.1."""
    port = spare_port()
    directory = Path(tempfile.mkdtemp(prefix="starline-pgbouncer-"))
    (directory / "users.txt").write_text(
        "".join(f"{_quoted(name)} {_quoted(password)}\n" for name, password in users.items())
    )
    (directory / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "users.txt"}
pool_mode = {mode}
default_pool_size = {pool_size}
max_client_conn = {max_client_conn}
stats_users = {", ".join(stats_users)}
logfile = {directory / "pgbouncer.log"}
ignore_startup_parameters = extra_float_digits,options
"""
    )
    command = [binary(), str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        # PgBouncer will not run as root; PostgreSQL's package made the `postgres` user.
        shutil.chown(directory, "postgres")
        for path in directory.iterdir():
            shutil.chown(path, "postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                log = (directory / "pgbouncer.log").read_text() if (directory / "pgbouncer.log").exists() else ""
                raise RuntimeError(f"pgbouncer exited: {process.stderr.read().decode()} {log}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("pgbouncer did not start listening") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)
