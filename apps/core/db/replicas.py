"""Read replicas: the reads that may lag a few seconds go to a streaming replica.

Only reads asked for explicitly do: a view decorated with `@replica_reads` (reports, the
audit log and its CSVs, the dashboards) or a block `with reads_from_replica():` (an export
built by a task). Everything else reads and writes the primary ("default"), so a page that
shows what the person just saved never depends on how far behind a replica is.

The primary is also read, even inside those views, when:
- the person wrote in the last REPLICA_STICKY_SECONDS: a POST, PUT, PATCH or DELETE that
  succeeded marks their browser with a short-lived cookie (ReplicaStickyMiddleware), so the
  report they open right after saving shows what they saved;
- the primary has a transaction open in this thread (the reads belong to it);
- no replica is healthy: one that does not answer within REPLICA_CONNECT_TIMEOUT, or is more
  than REPLICA_MAX_LAG_SECONDS behind, is skipped. Each process checks a replica at most
  once every REPLICA_HEALTH_SECONDS (REPLICA_DOWN_RETRY_SECONDS after it failed to answer, so
  a replica that is unreachable costs one request a connect timeout now and then, not each one).

A replica's connection follows the primary's tenant: django-tenants sets the organization on
the "default" connection per request (or task), and the router copies it to the replica's
connection before routing a read there, so the replica's `search_path` is the same schema.

Raw SQL that should follow the same routing takes its connection from `read_connection()`
instead of `django.db.connection`.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import StreamingHttpResponse

logger = logging.getLogger(__name__)

STICKY_COOKIE = "starline_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class _Reads:
    """One block of replica reads: whether it may use a replica at all (not for a person who
    just wrote), and the replica it chose on its first read, kept for the whole block so its
    reads are consistent with each other."""

    allowed: bool
    alias: str | None = None


_reads: ContextVar[_Reads | None] = ContextVar("starline_replica_reads", default=None)
_wrote_recently: ContextVar[bool] = ContextVar("starline_wrote_recently", default=False)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", ()))


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Reads inside the block may go to a replica (see the module's docstring for when not)."""
    token = _reads.set(_Reads(allowed=not _wrote_recently.get()))
    try:
        yield
    finally:
        _reads.reset(token)


@contextmanager
def _resumed(state: _Reads) -> Iterator[None]:
    token = _reads.set(state)
    try:
        yield
    finally:
        _reads.reset(token)


def _streamed(state: _Reads, content) -> Iterator:
    # A streamed CSV is read while the server sends it, after the view has returned: its
    # rows come from the replica the view chose, as the view's own reads did.
    with _resumed(state):
        yield from content


def replica_reads(view: Callable) -> Callable:
    """A view whose reads may lag: its queries, including the rows a streamed response reads
    after the view returns, may go to a replica. Put it below @login_required and the
    permission checks, so that who the person is and what they may do is read on the primary."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with reads_from_replica():
            state = _reads.get()
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and state is not None:
            response.streaming_content = _streamed(state, response.streaming_content)
        return response

    return wrapped


# --- health ----------------------------------------------------------------------------

# alias -> (monotonic time until which the answer holds, usable)
_health: dict[str, tuple[float, bool]] = {}
_health_lock = threading.Lock()

# Behind by: 0 when it has replayed all it received (an idle primary sends nothing, and the
# last replayed commit may be old without anything missing), else the age of the last commit
# it replayed; NULL (never replayed one) counts as too far behind. A server not in recovery
# (a promoted replica, or a primary named as a replica) has nothing to wait for.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


def replica_lag(alias: str) -> float | None:
    """Seconds the replica is behind, or None when it cannot be reached quickly. On a
    connection of its own, so that a replica that went away is found out without breaking
    a persistent connection some request holds."""
    wrapper = connections[alias]
    params = wrapper.get_connection_params()
    params["connect_timeout"] = settings.REPLICA_CONNECT_TIMEOUT
    try:
        with psycopg.connect(**params, autocommit=True) as probe:
            (lag,) = probe.execute(LAG_SQL).fetchone() or (None,)
    except psycopg.Error as error:
        logger.warning("replica %s does not answer: %s", alias, error)
        return None
    return float(lag) if lag is not None else float("inf")


def replica_usable(alias: str) -> bool:
    now = time.monotonic()
    known = _health.get(alias)
    if known is not None and known[0] > now:
        return known[1]
    with _health_lock:
        known = _health.get(alias)
        if known is not None and known[0] > time.monotonic():
            return known[1]  # another thread checked it while this one waited
        lag = replica_lag(alias)
        usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
        if lag is not None and not usable:
            logger.warning("replica %s is %.1f s behind: reading the primary", alias, lag)
        hold = settings.REPLICA_HEALTH_SECONDS if lag is not None else settings.REPLICA_DOWN_RETRY_SECONDS
        _health[alias] = (time.monotonic() + hold, usable)
        return usable


def _choose() -> str:
    healthy = [alias for alias in replica_aliases() if replica_usable(alias)]
    # Spreading the load, not a secret.
    return random.choice(healthy) if healthy else DEFAULT_DB_ALIAS  # noqa: S311


def _follow_tenant(alias: str) -> None:
    """The replica's connection reads the schema the primary's does. What set_tenant() does,
    without clearing the content type cache again (the primary's set_tenant did it this
    request; clearing it here would make the next lookups query again)."""
    primary: Any = connections[DEFAULT_DB_ALIAS]  # django-tenants' wrapper (apps/core/db)
    replica: Any = connections[alias]
    tenant = primary.tenant
    if replica.tenant is tenant and replica.include_public_schema == primary.include_public_schema:
        return
    replica.tenant = tenant
    replica.schema_name = tenant.schema_name
    replica.include_public_schema = primary.include_public_schema
    replica.set_settings_schema(tenant.schema_name)
    replica.search_path_set_schemas = None


def read_alias() -> str:
    """Where a read made now goes: a replica inside a replica block (when allowed and one is
    healthy), else the primary."""
    state = _reads.get()
    if state is None or not state.allowed or not replica_aliases():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        # The reads belong to the primary's open transaction (and may need its own writes).
        return DEFAULT_DB_ALIAS
    if state.alias is None:
        state.alias = _choose()
    if state.alias != DEFAULT_DB_ALIAS:
        _follow_tenant(state.alias)
    return state.alias


def read_connection():
    """The connection for a raw read that follows the routing of the ORM's reads."""
    return connections[read_alias()]


def _off_replica(hints: dict) -> str | None:
    """The primary for an object read from a replica (outside a replica block, its related
    objects are read, and it is saved, on the primary; a replica is read-only); otherwise no
    opinion, so Django keeps its own choice (the object's database, else "default")."""
    instance = hints.get("instance")
    if instance is not None and instance._state.db in replica_aliases():
        return DEFAULT_DB_ALIAS
    return None


class ReplicaRouter:
    """Reads go where read_alias() says, writes to the primary. Listed before django-tenants'
    TenantSyncRouter, which decides migrations (only on "default")."""

    def db_for_read(self, model, **hints) -> str | None:
        alias = read_alias()
        return alias if alias != DEFAULT_DB_ALIAS else _off_replica(hints)

    def db_for_write(self, model, **hints) -> str | None:
        return _off_replica(hints)

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        ours = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True  # the same data: a replica is a copy of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db in replica_aliases() else None


class ReplicaStickyMiddleware:
    """A person who wrote in the last REPLICA_STICKY_SECONDS reads the primary everywhere.

    A write that succeeded (an unsafe method answered below 400: a redirect after saving, a
    file, a fragment) sets a host-only cookie that expires after those seconds; a request
    carrying it reads the primary. A cookie, rather than the session, so that it costs no
    session write and works before sign-in (the sign-in itself is a write)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _wrote_recently.set(STICKY_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _wrote_recently.reset(token)
        if request.method in UNSAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
