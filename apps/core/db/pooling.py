"""PgBouncer's pool mode, checked when a web or worker process starts.

django-tenants chooses the organization with a session-level `SET search_path`, once per
request (TENANT_LIMIT_SET_CALLS). Behind PgBouncer in *transaction* (or *statement*) pool
mode each transaction may run on a different server connection, one whose `search_path`
another request set: a request of one agency could read or write another agency's schema.
Only *session* pooling keeps a client on one server connection, so a process that finds
anything else refuses to start.

How it is found out: PgBouncer answers on the same address for its admin console, the
database named `pgbouncer`. The app's own role reads the pool mode there when it is one of
PgBouncer's `stats_users` (or `admin_users`): a role's `pool_mode`, else the database's, else
the global one, as PgBouncer itself chooses. PostgreSQL itself has no such database and
refuses the connection, which is how a direct connection is told apart (it leaves one
"database does not exist" line in PostgreSQL's log per process start). When PgBouncer refuses
the app's role its console ("not allowed"), the mode cannot be read: the operator either adds
the role to `stats_users` or declares the mode with DATABASE_POOL_MODE=session.

A database that does not answer at start-up is not a reason to refuse: the process starts,
and its requests get the usual 503 until the database is back (apps.core.views.server_error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from psycopg.conninfo import make_conninfo

MODES = ("session", "transaction", "statement")
ADMIN_DATABASE = "pgbouncer"
# PgBouncer's own ParameterStatus on its console, e.g. "1.18.0/bouncer".
BOUNCER_VERSION_SUFFIX = "/bouncer"
# Long enough for a loaded pooler, short enough not to hold up a start when the host is gone.
PROBE_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Pooler:
    pgbouncer: bool
    mode: str | None  # "session", "transaction", "statement"; None when it could not be read
    detail: str = ""


def probe(database: dict[str, Any]) -> Pooler:
    """What sits at a Django database's address: PgBouncer (and its pool mode for this
    database and role), or not."""
    params: dict[str, Any] = {
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "dbname": ADMIN_DATABASE,
        "connect_timeout": PROBE_TIMEOUT_SECONDS,
        "application_name": "starline-pool-mode-check",
    }
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if option in database.get("OPTIONS", {}):
            params[option] = database["OPTIONS"][option]
    try:
        conninfo = make_conninfo(**{key: value for key, value in params.items() if value is not None})
        console = psycopg.connect(conninfo, autocommit=True)
    except psycopg.OperationalError as exc:
        message = str(exc)
        # PgBouncer's refusal of its console to a role that is not one of its admin or stats
        # users; PostgreSQL has no such message (it says the database does not exist).
        if "FATAL:  not allowed" in message or message.rstrip().endswith("not allowed"):
            return Pooler(pgbouncer=True, mode=None, detail=message)
        return Pooler(pgbouncer=False, mode=None, detail=message)
    with console:
        version = console.info.parameter_status("server_version") or ""
        if not version.endswith(BOUNCER_VERSION_SUFFIX):
            return Pooler(pgbouncer=False, mode=None, detail=f"a PostgreSQL database named {ADMIN_DATABASE}")
        return Pooler(pgbouncer=True, mode=_effective_mode(console, database), detail=version)


def _effective_mode(console: psycopg.Connection, database: dict[str, Any]) -> str | None:
    def rows(command: str) -> list[dict[str, Any]]:
        cursor = console.execute(command)
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    user, name = database.get("USER") or "", database.get("NAME") or ""
    # The most specific setting wins, as in PgBouncer: the role's, the database's, the global.
    for row in rows("SHOW USERS"):
        if row.get("name") == user and row.get("pool_mode"):
            return str(row["pool_mode"])
    for row in rows("SHOW DATABASES"):
        if row.get("name") == name and row.get("pool_mode"):
            return str(row["pool_mode"])
    for row in rows("SHOW CONFIG"):
        if row.get("key") == "pool_mode":
            return str(row["value"])
    return None


def problem(database: dict[str, Any], *, declared: str = "") -> str | None:
    """Why the app must not run on this database connection, or None when it may."""
    address = f"{database.get('HOST') or 'the local socket'}:{database.get('PORT') or 5432}"
    where = f"database {database.get('NAME')!r} at {address}"
    if declared and declared not in MODES:
        return f"DATABASE_POOL_MODE is {declared!r}; it must be one of {', '.join(MODES)}, or unset."
    if declared in ("transaction", "statement"):
        return _refusal(declared, where, "DATABASE_POOL_MODE says so")
    found = probe(database)
    if found.pgbouncer and found.mode in ("transaction", "statement"):
        return _refusal(found.mode, where, f"PgBouncer's admin console says so ({found.detail})")
    if found.pgbouncer and found.mode is None and declared != "session":
        return (
            f"Starline reaches the {where} through PgBouncer, whose admin console refuses the role "
            f"{database.get('USER')!r}, so its pool mode cannot be checked. Starline needs session pooling "
            "(django-tenants sets each request's organization with a session-level search_path). "
            "Add the role to stats_users in pgbouncer.ini, or, once pool_mode = session is set for this "
            "database, declare it with DATABASE_POOL_MODE=session."
        )
    return None


def _refusal(mode: str, where: str, source: str) -> str:
    return (
        f"Starline reaches the {where} through PgBouncer in {mode} pool mode ({source}), and refuses to "
        "start. django-tenants chooses each request's organization with a session-level SET search_path; "
        f"in {mode} pooling the request's next transaction may run on another server connection, whose "
        "search_path another request set, so one organization could read or write another's data. "
        "Set pool_mode = session for this database in pgbouncer.ini (README, 'PgBouncer'), or connect "
        "to PostgreSQL directly."
    )


def ensure_session_pooling() -> None:
    """Refuse to start (ImproperlyConfigured) on a connection pooled per transaction or
    statement. Called when the web app and a Celery worker start."""
    declared = getattr(settings, "DATABASE_POOL_MODE", "")
    seen: set[tuple[Any, ...]] = set()
    for database in settings.DATABASES.values():
        key = (database.get("HOST"), database.get("PORT"), database.get("NAME"), database.get("USER"))
        if key in seen:
            continue
        seen.add(key)
        reason = problem(database, declared=declared)
        if reason:
            raise ImproperlyConfigured(reason)
