"""Throwaway services for the fault tests: a redis-server and a PostgreSQL cluster of the
tests' own, on spare ports, that a test stops and starts under the application. The
machine's own Redis and PostgreSQL (which the rest of the suite uses) are never touched.

    with RedisServer() as redis:      # started on a free port in REDIS_PORTS
        ...redis.url...
        redis.stop(); ...; redis.start()

    with PostgresCluster() as pg:         # initdb once, then pg_ctl start/stop/restart
        ...pg.url("dbname")...
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REDIS_PORTS = range(6390, 6400)
POSTGRES_PORTS = range(5440, 5450)
SERVER_PORTS = range(8090, 8100)
MOTO_PORTS = range(5050, 5060)


def free_port(ports: range) -> int:
    """The first port of the range nothing listens on (other test runs may hold some)."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def wait_for_port(port: int, *, up: bool = True, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            listening = probe.connect_ex(("127.0.0.1", port)) == 0
        if listening == up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} still {'closed' if up else 'open'} after {seconds} s")


def _binary(name: str, *candidates: str) -> str:
    for candidate in (*candidates, shutil.which(name)):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(name)


class RedisServer:
    """A redis-server with nothing on disk: stopped, it forgets everything, as a Redis that
    was restarted or replaced would."""

    def __init__(self) -> None:
        self.port = free_port(REDIS_PORTS)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                _binary("redis-server", "/usr/bin/redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_for_port(self.port, up=False)

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class PostgresCluster:
    """A PostgreSQL 15 cluster in a temporary directory of its own (removed on exit),
    trusting local connections."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="starline-faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port(POSTGRES_PORTS)
        self.initdb = _binary("initdb", "/usr/local/bin/initdb", "/usr/lib/postgresql/15/bin/initdb")
        self.pg_ctl = _binary("pg_ctl", "/usr/local/bin/pg_ctl", "/usr/lib/postgresql/15/bin/pg_ctl")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _as_owner(self, command: list[str]) -> list[str]:
        # PostgreSQL refuses to run as root (as these machines' test runs do): as postgres then.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            self._as_owner([self.pg_ctl, "-D", str(self.data), "-w", "-t", "30", *args]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        if not self.data.exists():
            if os.geteuid() == 0:
                shutil.chown(self.directory, "postgres", "postgres")
            subprocess.run(
                self._as_owner(
                    [self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._ctl("-o", options, "-l", str(self.directory / "log"), "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")

    def __enter__(self) -> PostgresCluster:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def postgres_binary(name: str) -> str:
    """Debian's PostgreSQL 15 program (the fault and replica tests' servers are 15)."""
    for candidate in (f"/usr/lib/postgresql/15/bin/{name}", f"/usr/local/bin/{name}"):
        if os.access(candidate, os.X_OK):
            return candidate
    return name


def copy_database(source: dict, pg: PostgresCluster, name: str = "starline") -> None:
    """A copy of the database `source` (a Django settings dict: the test database) in the
    cluster `pg`, as `name`: pg_dump piped into psql, owners and grants left out."""
    subprocess.run(
        [postgres_binary("createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", name], check=True
    )
    dump = subprocess.Popen(
        [
            postgres_binary("pg_dump"),
            "-h",
            source.get("HOST") or "127.0.0.1",
            "-p",
            str(source.get("PORT") or 5432),
            "-U",
            source.get("USER") or "postgres",
            "--no-owner",
            "--no-privileges",
            source["NAME"],
        ],
        stdout=subprocess.PIPE,
    )
    subprocess.run(
        [postgres_binary("psql"), "-q", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", name],
        stdin=dump.stdout,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    assert dump.wait() == 0


class StandbyCluster(PostgresCluster):
    """A streaming replica of `primary` (a running PostgresCluster): a base backup taken with
    `pg_basebackup -R`, which writes the standby.signal and the primary's address, started as
    a hot standby on a port of its own."""

    def __init__(self, primary: PostgresCluster) -> None:
        super().__init__()
        self.primary = primary
        self.basebackup = _binary(
            "pg_basebackup", "/usr/local/bin/pg_basebackup", "/usr/lib/postgresql/15/bin/pg_basebackup"
        )

    def start(self) -> None:
        if not self.data.exists():
            if os.geteuid() == 0:
                shutil.chown(self.directory, "postgres", "postgres")
            subprocess.run(
                self._as_owner(
                    [
                        self.basebackup,
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.primary.port),
                        "-U",
                        "postgres",
                        "-D",
                        str(self.data),
                        "-R",
                        "-X",
                        "stream",
                        "--no-sync",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        super().start()

    def __enter__(self) -> StandbyCluster:
        self.start()
        return self

    def stopped(self) -> bool:
        return not (self.data / "postmaster.pid").exists()

    def __exit__(self, *exc) -> None:
        try:
            if not self.stopped():  # a test may have stopped it already
                self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def full_disk(kilobytes: int = 64) -> Iterator[Path]:
    """A directory on a filesystem of `kilobytes` (a tmpfs, as root may mount): writes past
    that fail with ENOSPC, as on a full disk. Where mounting is not allowed, the process's
    file size limit (RLIMIT_FSIZE) stands in for it: writes past it fail with EFBIG, through
    the same OSError the application handles; say which one ran in the test's output."""
    directory = Path(tempfile.mkdtemp(prefix="starline-faults-disk-"))
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k,mode=0700", "tmpfs", str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
        == 0
    )
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = None
    if not mounted:
        print(f"full_disk: no tmpfs mount allowed; file size limit of {kilobytes} KB instead")
        handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (kilobytes * 1024, limits[1]))
    try:
        yield directory
    finally:
        if mounted:
            subprocess.run(["umount", str(directory)], check=True)
        else:
            resource.setrlimit(resource.RLIMIT_FSIZE, limits)
            signal.signal(signal.SIGXFSZ, handler)
        shutil.rmtree(directory, ignore_errors=True)


class MotoServer:
    """moto's S3 in server mode on a spare port, stopped and started by the test. Its state
    lives in this process, so a bucket survives a stop and start: what an interrupted
    upload left behind can be listed afterwards."""

    def __init__(self) -> None:
        self.port = free_port(MOTO_PORTS)
        self.server: Any = None  # moto.server.ThreadedMotoServer, imported only when started

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        wait_for_port(self.port, up=False)

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
