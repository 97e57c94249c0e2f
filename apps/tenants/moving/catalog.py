"""What an organization's schema holds, read from PostgreSQL's catalog: its tables in
dependency order, their columns, partitions, sequences and applied migrations."""

from __future__ import annotations

from typing import Any

from django.db import connection

from apps.core.db.catalog import ident


def tables(schema: str) -> list[dict[str, Any]]:
    """Tables whose rows are copied (plain tables and partitioned parents, not partitions),
    referenced tables before those referring to them, then by name: foreign keys are
    deferred to commit anyway, and a fixed order makes archives of the same data compare."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname
            """,
            [schema],
        )
        kinds = dict(cursor.fetchall())
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY c.relname, a.attnum
            """,
            [schema],
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(column)
        cursor.execute(
            """
            SELECT c.relname, f.relname FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class f ON f.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
            WHERE con.contype = 'f' AND n.nspname = %s AND fn.nspname = %s AND con.conparentid = 0
            """,
            [schema, schema],
        )
        needs: dict[str, set[str]] = {name: set() for name in kinds}
        for table, referenced in cursor.fetchall():
            if table != referenced and table in needs and referenced in needs:
                needs[table].add(referenced)
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(kinds):
        ready = [t for t in kinds if t not in placed and needs[t] <= placed]
        # A cycle of references: take the first by name and go on (its keys are deferred).
        for table in ready or [min(t for t in kinds if t not in placed)]:
            ordered.append(table)
            placed.add(table)
    return [{"name": t, "partitioned": kinds[t] == "p", "columns": columns.get(t, [])} for t in ordered]


def partitions(schema: str) -> list[dict[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, p.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
            WHERE n.nspname = %s AND c.relispartition AND c.relkind = 'r' ORDER BY c.relname
            """,
            [schema],
        )
        return [{"name": name, "parent": parent, "bound": bound} for name, parent, bound in cursor.fetchall()]


def sequences(schema: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY 1",
            [schema],
        )
        # last_value is NULL until the sequence is first used.
        return [{"name": name, "last_value": last} for name, last in cursor.fetchall()]


def applied_migrations(schema: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {ident(schema)}.django_migrations ORDER BY app, name")  # noqa: S608 - identifier quoted by ident # nosec B608
        return [[app, name] for app, name in cursor.fetchall()]
