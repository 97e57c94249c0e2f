"""The two database roles: the owner, and the app role that owns nothing.

The web process and the workers connect as the app role (DATABASE_URL): it reads and writes
the organizations' tables, but on the audit log it may only SELECT and INSERT, and it cannot
alter, drop, truncate or disable triggers on anything, because only a table's owner can.
Migrations and provisioning run as the owner (DATABASE_OWNER_URL). `grant_app_role()` is
what `manage.py db_roles` runs after migrations; `as_owner()` is how the app reaches the
owner for the few things only it may do (cloning a new organization's schema, dropping
audit months past retention).

Without DATABASE_OWNER_URL (a laptop, the tests) there is one role and `as_owner()` changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.utils import DEFAULT_DB_ALIAS

from apps.core.db.catalog import SCHEMA_RELATIONS, ident

AUDIT_TABLE = "audit_logentry"
CHAIN_HEAD = "audit_chainhead"


def owner_configured() -> bool:
    """Whether an owner connection exists beside the app's (not when this process already
    runs as the owner, as migrate and the other owner commands do)."""
    owner = connections.settings.get("owner") or {}
    return bool(owner) and owner.get("USER") != connections[DEFAULT_DB_ALIAS].settings_dict.get("USER")


@contextmanager
def as_owner() -> Iterator[None]:
    """Run the block on the owner's connection: `django.db.connection`, the ORM and
    `transaction.atomic()` all reach the owner for this thread until the block ends.

    The block is its own transaction on another connection: it does not see what the
    caller's open transaction has not committed, and commits whatever the caller does.
    """
    if not owner_configured():
        yield
        return
    app = connections[DEFAULT_DB_ALIAS]
    owner = connections["owner"]
    # The owner stands in for "default" under that name: django-tenants' router lets only
    # the "default" alias migrate (provisioning migrates the clone template when it is
    # missing), and querysets reach their connection through the alias.
    owner.alias = DEFAULT_DB_ALIAS
    connections[DEFAULT_DB_ALIAS] = owner
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = app
        # Closed rather than kept: the owner's session should not outlive the task it was opened for.
        if not owner.in_atomic_block:
            owner.close()


def _schemas(cursor) -> list[str]:
    """public and every schema that holds the app's tables (each organization's and the
    clone template's): the ones with a django_migrations table."""
    cursor.execute(
        """
        SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'django_migrations' AND c.relkind = 'r' ORDER BY n.nspname
        """
    )
    return [name for (name,) in cursor.fetchall()]


def _relations(cursor, schema: str) -> list[tuple[str, str, str | None]]:
    """The schema's tables, views and sequences: (name, relkind, the parent a partition belongs
    to). Read through pg_depend's index on the schema: `GRANT ... ON ALL TABLES IN SCHEMA` and
    a join on the schema's name both read the whole of pg_class, which beside a thousand
    organizations took 0.36 s and 0.15 s each, three times for every organization provisioned."""
    cursor.execute(
        f"""
        SELECT c.relname, c.relkind, p.relname
        FROM ({SCHEMA_RELATIONS}) c
        LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
        LEFT JOIN pg_class p ON p.oid = i.inhparent AND p.relnamespace = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        ORDER BY c.relname
        """,  # noqa: S608 - a constant query; the schema is a parameter # nosec B608
        {"schema": ident(schema)},
    )
    return list(cursor.fetchall())


def grant_schema(cursor, *, schema: str, role: str) -> None:
    """The app role's privileges on one schema's existing objects (run as the owner).

    Everything but the audit log: SELECT, INSERT, UPDATE, DELETE. The audit log and its
    monthly partitions: SELECT and INSERT only; the chain head: SELECT only (the insert
    trigger moves it as its owner, SECURITY DEFINER in apps/audit/migrations/0003).
    Revoked first, so that running this again repairs a grant given by hand.
    """
    s, r = ident(schema), ident(role)
    cursor.execute(f"GRANT USAGE ON SCHEMA {s} TO {r}")
    # PUBLIC too: databases made before PostgreSQL 15 let everyone create in public.
    cursor.execute(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC, {r}")
    relations = _relations(cursor, schema)
    # Named one by one (what ALL TABLES IN SCHEMA covers: tables, partitions, views), each
    # name found through the catalog's index.
    tables = ", ".join(f"{s}.{ident(name)}" for name, kind, _parent in relations if kind != "S")
    sequences = ", ".join(f"{s}.{ident(name)}" for name, kind, _parent in relations if kind == "S")
    if tables:
        cursor.execute(f"REVOKE ALL ON TABLE {tables} FROM {r}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {tables} TO {r}")
    if sequences:
        cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO {r}")
    for table, kind, parent in relations:
        if kind in ("r", "p") and (table in (AUDIT_TABLE, CHAIN_HEAD) or parent == AUDIT_TABLE):
            keep = "SELECT" if table == CHAIN_HEAD else "SELECT, INSERT"
            cursor.execute(f"REVOKE ALL ON {s}.{ident(table)} FROM {r}")
            cursor.execute(f"GRANT {keep} ON {s}.{ident(table)} TO {r}")


def grant_app_role(*, role: str, password: str = "", create: bool = True) -> list[str]:
    """Create the app role if missing and grant it what the app needs in every schema,
    on the connection's database, as its owner. Returns the schemas granted on.

    Default privileges cover what the owner creates later: a new organization's schema
    and tables (provisioning then calls grant_schema() for the UPDATE and DELETE the
    defaults do not give) and next months' audit partitions (SELECT and INSERT, no more).
    """
    from django.db import connection, transaction

    r = ident(role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        if role == owner:
            raise ValueError(f"the app role ({role}) must not be the owner ({owner})")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            if not create:
                raise ValueError(f"role {role} does not exist")
            # Identifiers cannot be parameters; the password goes through format()'s %L.
            cursor.execute("SELECT format('CREATE ROLE %%I LOGIN PASSWORD %%L', %s, %s)", [role, password or None])
            cursor.execute(cursor.fetchone()[0])
        elif found[0]:
            raise ValueError(f"the app role ({role}) is a superuser, which no grant can restrict")
        elif password:
            cursor.execute("SELECT format('ALTER ROLE %%I PASSWORD %%L', %s, %s)", [role, password])
            cursor.execute(cursor.fetchone()[0])
        cursor.execute(f"GRANT CONNECT ON DATABASE {ident(database)} TO {r}")
        schemas = _schemas(cursor)
        for schema in schemas:
            grant_schema(cursor, schema=schema, role=role)
        o = ident(owner)
        cursor.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} GRANT USAGE ON SCHEMAS TO {r}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} GRANT SELECT, INSERT ON TABLES TO {r}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} GRANT USAGE, SELECT ON SEQUENCES TO {r}")
    return schemas


def app_role_separate() -> str:
    """The app role's name when it is not the role this connection runs as, else ""."""
    from django.conf import settings
    from django.db import connection

    role = settings.DATABASE_APP_ROLE["USER"]
    return role if role and role != connection.settings_dict.get("USER") else ""


def grant_new_schema(schema: str) -> None:
    """After provisioning (as the owner): the new organization's tables for the app role.
    Before `db_roles` has created the role there is nobody to grant to; it grants on every
    schema when it runs."""
    from django.db import connection

    role = app_role_separate()
    if not role:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is not None:
            grant_schema(cursor, schema=schema, role=role)
