"""django-tenants' PostgreSQL backend, plus statements that ride along with COMMIT.

`connection.before_commit(sql, params)` queues a statement to run at the very end of the
current transaction, sent in the same round trip as its COMMIT. A statement queued inside a
savepoint that rolls back is dropped with it; a transaction that rolls back runs none. With
no transaction open (autocommit), the statement runs at once.

The audit log uses it: an entry costs no round trip of its own, and the lock that orders
the hash chain is taken only for the commit, after every other lock the transaction holds,
so a slow transaction never stalls the organization's other writes and cannot deadlock on it.

`connection.fetch_prepared(sql, params)` runs a read as a server-side prepared statement with
a generic plan kept for the connection. Planning a query over a table with dozens of monthly
partitions costs more than running it (2 ms against 0.3 ms for an audit page); a generic
plan prunes partitions when it runs instead.

On a Citus cluster (the `citus` extension in this database) each new connection turns on
what Starline's schema-per-organization layout needs there (`CITUS_SESSION_SETTINGS`).
"""

from __future__ import annotations

import psycopg
from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from apps.core.db.introspection import DatabaseIntrospection
from apps.core.db.schema import DatabaseSchemaEditor

# Citus (schema-based sharding) puts each schema created afterwards whole on one worker node,
# organizations' schemas included, whichever code creates them (django-tenants, the cloner,
# a fleet migration). Triggers on its tables are refused unless allowed: ours (the audit chain,
# table versions, claim totals) only touch tables of the schema that fired them, which live on
# the same node: the one case in which Citus's triggers are safe. Both are session settings so that nothing
# depends on an operator's ALTER DATABASE; plain PostgreSQL never sees them.
CITUS_SESSION_SETTINGS = (
    "SET citus.enable_schema_based_sharding = on",
    "SET citus.enable_unsafe_triggers = on",
)


def citus_version(connection) -> str | None:
    """The Citus version installed in the connected database, or None (plain PostgreSQL).
    `connection` is a psycopg connection or a cursor-bearing Django connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'")
        row = cursor.fetchone()
    return row[0] if row else None


class DatabaseWrapper(TenantDatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.introspection = DatabaseIntrospection(self)
        self._commit_queue: list[tuple[str, list]] = []
        self._commit_queue_marks: dict[str, int] = {}
        # Tests never commit (each runs in a rolled-back transaction), so there queued
        # statements run at once instead; see conftest.py.
        self.run_before_commit_at_once = False
        self.citus_version: str | None = None
        # The schemas this server connection has run statements in (schemas_used_too_many).
        self.schemas_used: set[str] = set()

    def connect(self):
        super().connect()
        self.schemas_used = set()

    def _cursor(self, name=None):
        cursor = super()._cursor(name=name)
        self.schemas_used.add(self.schema_name)
        return cursor

    def schemas_used_too_many(self) -> bool:
        """Whether this connection has served more organizations than
        DATABASE_SCHEMAS_PER_CONNECTION.

        A PostgreSQL backend keeps the catalog entries of every table and index it has opened
        for as long as it lives, and each organization has its own: measured by
        `make bench-fleet`, a worker's backend grew by about 1.4 MB per organization whose
        signed-in home it served (150 MB after 100), a backend that read every table of every
        schema by 2.7 MB per organization. A persistent connection serving a thousand
        organizations would hold gigabytes; closed between requests past the limit, it is
        opened again (a few milliseconds) with empty caches.
        """
        limit = settings.DATABASE_SCHEMAS_PER_CONNECTION
        return bool(limit) and len(self.schemas_used) > limit

    def close_if_unusable_or_obsolete(self):
        # Called by Django between requests (and by Celery between tasks), outside transactions.
        if self.connection is not None and not self.in_atomic_block and self.schemas_used_too_many():
            self.close()
            return
        super().close_if_unusable_or_obsolete()

    def get_connection_params(self):
        params = super().get_connection_params()
        # Only statements prepared on purpose (fetch_prepared) keep plans: Django's own
        # queries are bound on the client and never prepared, so this changes nothing else.
        # JIT off: PostgreSQL compiles any query whose estimated cost passes jit_above_cost,
        # and a report over a month of 100,000 billable services (utilization's per
        # authorization sums) spent 350 ms compiling a query that runs in 40 ms. A web page's
        # queries are short; compiling never pays back here.
        params["options"] = f"{params.get('options', '')} -c plan_cache_mode=force_generic_plan -c jit=off".strip()
        # Django turns preparing off (None) for connection poolers in transaction mode, which
        # Starline does not support anyway (README). A threshold no query reaches keeps
        # psycopg from preparing on its own while `prepare=True` works.
        if params.get("prepare_threshold") is None:
            params["prepare_threshold"] = 1_000_000
        return params

    def _configure_connection(self, connection):
        commit = super()._configure_connection(connection)
        # One small catalog read per new connection (connections are kept: CONN_MAX_AGE).
        self.citus_version = citus_version(connection)
        if self.citus_version:
            with connection.cursor() as cursor:
                for statement in CITUS_SESSION_SETTINGS:
                    cursor.execute(statement)
            commit = True
        return commit

    def fetch_prepared(self, sql: str, params=()) -> list[tuple]:
        with self.cursor():
            pass  # connects, and lets django-tenants set the search_path
        with self.wrap_database_errors, psycopg.Cursor(self.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()

    def before_commit(self, sql: str, params=()) -> None:
        if self.run_before_commit_at_once or not self.in_atomic_block:
            with self.cursor() as cursor:
                cursor.execute(sql, params)
            return
        self._commit_queue.append((sql, list(params)))

    def _forget_queue(self) -> None:
        self._commit_queue = []
        self._commit_queue_marks = {}

    def _savepoint(self, sid):
        super()._savepoint(sid)
        self._commit_queue_marks[sid] = len(self._commit_queue)

    def _savepoint_rollback(self, sid):
        super()._savepoint_rollback(sid)
        mark = self._commit_queue_marks.pop(sid, None)
        if mark is not None:
            del self._commit_queue[mark:]

    def _savepoint_commit(self, sid):
        super()._savepoint_commit(sid)
        self._commit_queue_marks.pop(sid, None)

    def _rollback(self):
        self._forget_queue()
        return super()._rollback()

    def _commit(self):
        queue = self._commit_queue
        self._forget_queue()
        if queue and self.connection is not None:
            # One round trip: the queued statements, then COMMIT. If one fails, PostgreSQL
            # skips the rest, COMMIT included, and the error reaches atomic(), which rolls
            # the whole transaction back: no change is committed without its statements.
            sql = ";\n".join(statement for statement, _params in queue) + ";\nCOMMIT"
            params = [value for _statement, values in queue for value in values]
            with self.wrap_database_errors, self.connection.cursor() as cursor:
                cursor.execute(sql, params)
        # psycopg sends COMMIT only if a transaction is still open, so this is a no-op then.
        return super()._commit()

    def _close(self):
        self._forget_queue()
        return super()._close()
