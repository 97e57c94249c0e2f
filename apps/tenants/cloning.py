"""Fast schema cloning for new organizations.

django-tenants' `clone_schema()` is a large PL/pgSQL function that walks every kind of
object one catalog query at a time; for our schemas it cost about 0.2 s per organization,
no faster than replaying the migrations, and it renames unique constraints. This module
reads the template's catalog once, builds the DDL for the kinds of objects Starline's
migrations create (tables, identity columns, defaults, constraints, indexes, triggers,
sequences) and runs it as one batch, with names kept exactly.

Range- or list-partitioned tables (the audit log) are copied too: the parent with LIKE
and its partition key, each partition attached with its bounds, the parent's indexes and
triggers created once on the parent so PostgreSQL propagates them with their usual names.

When the template holds anything else (views, sub-partitions, functions, serial
defaults pointing at the template's own sequences) `unsupported()` names it and the caller
falls back to django-tenants' function, so a new kind of object is never silently lost.
The test suite compares a cloned schema with a migrated one, object for object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection

from apps.core.db.catalog import SCHEMA_RELATIONS, ident
from apps.core.tenancy import tenant_connection


def _unqualify(definition: str, template: str) -> str:
    """Drop the template's schema from a definition: PostgreSQL prints index and trigger
    definitions schema-qualified whatever the search_path."""
    prefix = rf"(?:{re.escape(ident(template))}|{re.escape(template)})\."
    return re.sub(rf"(?<=[\s(]){prefix}", "", definition)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fetch(cursor, sql: str, params) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


_KINDS = {
    "v": "view",
    "m": "materialized view",
    "p": "partitioned table",
    "I": "partitioned index",
    "f": "foreign table",
    "c": "composite type",
    "t": "toast table",
    "r": "partition",
    "i": "partition index",
}


def _members_fetch(cursor, sql: str, template: str) -> list[tuple]:
    """Rows of `sql`, which reads the template's relations as the CTE `members`: through
    pg_depend (apps.core.db.catalog), where a join on the schema's name or information_schema
    made the first organization each process provisioned beside a thousand wait 15 s.
    Indexes are found through their table, types and functions through pg_depend too."""
    return _fetch(cursor, f"WITH members AS ({SCHEMA_RELATIONS}) {sql}", {"schema": ident(template)})


def unsupported(template: str) -> list[str]:
    """Objects in the template this cloner does not copy (empty when it can clone)."""
    with connection.cursor() as cursor:
        problems = [
            f"{_KINDS.get(kind, kind)} {name}"
            for name, kind in _members_fetch(
                cursor,
                """
                SELECT c.relname, c.relkind FROM members c
                WHERE c.relkind NOT IN ('r', 'S', 'p')
                   OR (c.relkind = 'p' AND c.relispartition)  -- sub-partitioning
                   OR (c.relispartition AND NOT EXISTS (  -- a partition of a table elsewhere
                       SELECT 1 FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
                       WHERE i.inhrelid = c.oid AND pc.relnamespace = c.relnamespace))
                """,
                template,
            )
        ]
        # Functions, and types other than a table's own row type: enums, domains, ranges and
        # stand-alone composite types.
        problems += [
            f"{what} {name}"
            for what, name in _fetch(
                cursor,
                """
                SELECT 'function', p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
                WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = to_regnamespace(%(schema)s)
                  AND d.classid = 'pg_proc'::regclass
                UNION ALL
                SELECT 'type', t.typname FROM pg_depend d JOIN pg_type t ON t.oid = d.objid
                WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = to_regnamespace(%(schema)s)
                  AND d.classid = 'pg_type'::regclass AND t.typtype IN ('e', 'd', 'c', 'r')
                """,
                {"schema": ident(template)},
            )
        ]
        problems += [
            f"default {table}.{column}"
            for table, column in _members_fetch(
                cursor,
                """
                SELECT c.relname, a.attname FROM members c
                JOIN pg_attrdef ad ON ad.adrelid = c.oid
                JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
                WHERE c.relkind IN ('r', 'p') AND pg_get_expr(ad.adbin, ad.adrelid) LIKE '%%nextval(%%'
                """,
                template,
            )
        ]
        # Table properties the batch below does not reproduce.
        problems += [
            f"{what} on {table}"
            for table, what in _members_fetch(
                cursor,
                """
                SELECT c.relname, 'row-level security' FROM members m JOIN pg_class c ON c.oid = m.oid
                  WHERE c.relrowsecurity OR c.relforcerowsecurity
                UNION ALL
                SELECT c.relname, 'policy ' || p.polname FROM members c JOIN pg_policy p ON p.polrelid = c.oid
                UNION ALL
                SELECT c.relname, 'rule ' || r.rulename FROM members c JOIN pg_rewrite r ON r.ev_class = c.oid
                  WHERE r.rulename <> '_RETURN'
                UNION ALL
                SELECT c.relname, 'disabled trigger ' || t.tgname FROM members c
                  JOIN pg_trigger t ON t.tgrelid = c.oid
                  WHERE NOT t.tgisinternal AND t.tgenabled <> 'O'
                UNION ALL
                SELECT c.relname, 'storage options' FROM members m JOIN pg_class c ON c.oid = m.oid
                  WHERE c.relkind = 'r' AND c.reloptions IS NOT NULL
                UNION ALL
                SELECT c.relname, 'inheritance' FROM members c JOIN pg_inherits i ON i.inhrelid = c.oid
                  WHERE NOT c.relispartition
                UNION ALL
                SELECT c.relname, 'comment on index or constraint ' || ic.relname FROM members c
                  JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid
                  WHERE obj_description(ic.oid, 'pg_class') IS NOT NULL
                """,
                template,
            )
        ]
    return problems


@dataclass(frozen=True)
class _Plan:
    statements: list[str]
    # Tables the template held no rows in when the plan was made: no statement copies them.
    empty: tuple[str, ...]


def _build_plan(template: str) -> _Plan:
    """The statements that copy `template` (structure and rows) into the schema on the
    search_path.

    Definitions are printed with only the template on the search_path, so they name its
    objects without a schema, and are then run with only the target on it.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path = {ident(template)}")
        try:
            relations = _members_fetch(
                cursor,
                """
                SELECT c.relname, c.relkind, c.relispartition,
                       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                       parent.relname, pg_get_expr(pc.relpartbound, c.oid)
                FROM members c JOIN pg_class pc ON pc.oid = c.oid
                LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
                LEFT JOIN pg_class parent ON parent.oid = i.inhparent
                WHERE c.relkind IN ('r', 'p') ORDER BY c.relname
                """,
                template,
            )
            # Plain tables and partitioned parents are copied with LIKE; partitions are
            # attached to their parent; rows are copied into every leaf table.
            tables = [name for name, kind, partition, *_rest in relations if not partition]
            partition_keys = {name: key for name, kind, _p, key, *_rest in relations if kind == "p"}
            partitions = [(name, parent, bound) for name, _k, partition, _key, parent, bound in relations if partition]
            leaves = [name for name, kind, *_rest in relations if kind == "r"]
            sequences = _members_fetch(
                cursor,
                """
                SELECT s.relname, pg_catalog.format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement,
                       q.seqmin, q.seqmax, q.seqcache, q.seqcycle, t.relname, a.attname
                FROM members s
                JOIN pg_sequence q ON q.seqrelid = s.oid
                LEFT JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'i'
                     AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                LEFT JOIN pg_class t ON t.oid = d.refobjid
                LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE s.relkind = 'S' ORDER BY s.relname
                """,
                template,
            )
            columns = _members_fetch(
                cursor,
                """
                SELECT c.relname, a.attname, a.attgenerated <> '' AS generated
                FROM members c JOIN pg_attribute a ON a.attrelid = c.oid
                WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum
                """,
                template,
            )
            constraints = _members_fetch(
                cursor,
                """
                SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
                       -- a foreign key's table when it is a plain one of this schema whose key
                       -- is a constraint (made with its CREATE TABLE), else NULL
                       CASE WHEN con.contype = 'f' AND ref.relnamespace = c.relnamespace
                             AND ref.relkind = 'r' AND NOT ref.relispartition
                             AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = con.confrelid
                                         AND k.conindid = con.conindid AND k.contype IN ('p', 'u'))
                            THEN ref.relname END
                FROM members c JOIN pg_constraint con ON con.conrelid = c.oid
                LEFT JOIN pg_class ref ON ref.oid = con.confrelid
                WHERE con.contype IN ('p', 'u', 'x', 'f') AND con.conparentid = 0
                ORDER BY CASE con.contype WHEN 'f' THEN 1 ELSE 0 END, c.relname, con.conname
                """,
                template,
            )
            indexes = _members_fetch(
                cursor,
                """
                SELECT pg_get_indexdef(i.indexrelid) FROM members c
                JOIN pg_index i ON i.indrelid = c.oid
                JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE NOT ic.relispartition
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = i.indrelid
                                  AND con.conindid = i.indexrelid)
                ORDER BY ic.relname
                """,
                template,
            )
            triggers = _members_fetch(
                cursor,
                """
                SELECT pg_get_triggerdef(t.oid) FROM members c JOIN pg_trigger t ON t.tgrelid = c.oid
                WHERE NOT t.tgisinternal AND t.tgparentid = 0 ORDER BY c.relname, t.tgname
                """,
                template,
            )
            # Most of the template's tables are empty, and an INSERT ... SELECT of nothing still
            # costs its planning and a round of catalog lookups: only the tables with rows are
            # copied (clone_statements() checks the others are still empty).
            has_rows = (
                dict(zip(leaves, _fetch(cursor, _rows_sql(template, leaves), [])[0], strict=True)) if leaves else {}
            )
            table_comments = _members_fetch(
                cursor,
                """
                SELECT c.relname, obj_description(c.oid, 'pg_class') FROM members c
                WHERE c.relkind IN ('r', 'p') AND obj_description(c.oid, 'pg_class') IS NOT NULL
                """,
                template,
            )
        finally:
            cursor.execute("SET LOCAL search_path = public")

    src = ident(template)
    statements = []
    for name, data_type, start, increment, minimum, maximum, cache, cycle, owner, _column in sequences:
        if owner is not None:
            continue  # created with its identity column below
        statements.append(
            f"CREATE SEQUENCE {ident(name)} AS {data_type} INCREMENT BY {increment} MINVALUE {minimum} "
            f"MAXVALUE {maximum} START WITH {start} CACHE {cache}{' CYCLE' if cycle else ''}"
        )
    inline, later = _inline_constraints(
        constraints, plain=set(tables) - set(partition_keys), empty={t for t in leaves if not has_rows[t]}
    )
    order, deferred = _creation_order(tables, inline)
    later += deferred
    for table in order:
        partitioned = f" PARTITION BY {partition_keys[table]}" if table in partition_keys else ""
        own = "".join(
            f", CONSTRAINT {ident(name)} {_unqualify(definition, template)}"
            for _t, name, _kind, definition, _ref in inline.get(table, ())
        )
        statements.append(
            f"CREATE TABLE {ident(table)} (LIKE {src}.{ident(table)} INCLUDING DEFAULTS INCLUDING IDENTITY "
            f"INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS{own}){partitioned}"
        )
    for name, parent, bound in partitions:
        statements.append(f"CREATE TABLE {ident(name)} PARTITION OF {ident(parent)} {bound}")
    by_table: dict[str, list[str]] = {}
    for table, column, generated in columns:
        if not generated:
            by_table.setdefault(table, []).append(ident(column))
    for table in leaves:
        cols = ", ".join(by_table.get(table, []))
        if cols and has_rows[table]:
            # Identifiers come from the catalog and are quoted by _ident; nothing user-typed.
            statements.append(
                f"INSERT INTO {ident(table)} ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM {src}.{ident(table)}"  # noqa: S608 - identifiers from the catalog, quoted by _ident # nosec B608
            )
    for table, comment in table_comments:
        statements.append(f"COMMENT ON TABLE {ident(table)} IS {_literal(comment)}")
    for name, *_options, owner, column in sequences:
        if owner is not None and name != f"{owner}_{column}_seq":
            # The identity's new sequence gets PostgreSQL's default name; a template table
            # renamed by a migration kept its old one, so the clone takes that name too.
            generated = f"pg_get_serial_sequence({_literal(ident(owner))}, {_literal(column)})"
            statements.append(
                "DO $$ BEGIN IF "
                f"{generated} <> quote_ident(current_schema()) || '.' || quote_ident({_literal(name)}) THEN "
                f"EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', {generated}, {_literal(name)}); "
                "END IF; END $$"
            )
        sequence = _literal(ident(name))
        # Read at clone time, not when the plan was cached.
        statements.append(
            f"SELECT setval({sequence}, s.last_value, s.is_called) FROM {src}.{ident(name)} s"  # noqa: S608 - identifiers from the catalog, quoted by _ident # nosec B608
        )
    added = [
        (kind, f"ALTER TABLE {ident(table)} ADD CONSTRAINT {ident(name)} {_unqualify(definition, template)}")
        for table, name, kind, definition, _ref in later
    ]
    statements += [statement for kind, statement in added if kind != "f"]
    # A partitioned index prints as "ON ONLY parent"; created without ONLY it reaches the partitions.
    statements += [_unqualify(definition, template).replace(" ON ONLY ", " ON ", 1) for (definition,) in indexes]
    # Foreign keys after the indexes: one may reference a key that is a unique index alone.
    statements += [statement for kind, statement in added if kind == "f"]
    statements += [_unqualify(definition, template) for (definition,) in triggers]
    return _Plan(statements=statements, empty=tuple(table for table in leaves if not has_rows[table]))


def _inline_constraints(constraints: list[tuple], *, plain: set[str], empty: set[str]) -> tuple[dict, list]:
    """Which constraints go into their table's CREATE TABLE, and which are added after.

    A key (primary, unique, exclusion) of a plain table goes in with it, and so does a
    foreign key of a table that gets no rows, to a plain table of the schema whose key is a
    constraint (that table is then created first). PostgreSQL skips checking a foreign key
    made with its table, which is empty, where ALTER TABLE ... ADD runs a query for each one;
    a table that gets rows keeps its foreign keys for after the rows, checked once, not row
    by row. A cycle of foreign keys is broken in _creation_order(). Returns the inline ones
    by table, and the rest in their order (keys before foreign keys).
    """
    inline: dict[str, list[tuple]] = {}
    later = []
    for constraint in constraints:
        table, _name, kind, _definition, referenced = constraint
        if table in plain and (kind != "f" or (table in empty and referenced in plain)):
            inline.setdefault(table, []).append(constraint)
        else:
            later.append(constraint)
    return inline, later


def _creation_order(tables: list[str], inline: dict[str, list[tuple]]) -> tuple[list[str], list[tuple]]:
    """The tables in an order that creates every table an inline foreign key references
    before the table that holds it, and the foreign keys taken out of `inline` because
    they would close a cycle: those are added after every table exists."""
    waiting = {table: {c[4] for c in inline.get(table, ()) if c[2] == "f" and c[4] != table} for table in tables}
    order: list[str] = []
    made: set[str] = set()
    deferred: list[tuple] = []
    while waiting:
        ready = sorted(table for table, needs in waiting.items() if needs <= made)
        if not ready:
            # A cycle: the first table by name is made now; its foreign keys to tables not
            # made yet wait until after.
            table = min(waiting)
            unmet = waiting[table] - made
            deferred += [c for c in inline[table] if c[2] == "f" and c[4] in unmet]
            inline[table] = [c for c in inline[table] if not (c[2] == "f" and c[4] in unmet)]
            ready = [table]
        for table in ready:
            order.append(table)
            made.add(table)
            del waiting[table]
    return order, deferred


def _rows_sql(template: str, tables: list[str] | tuple[str, ...]) -> str:
    """One row: whether each table of the template holds any row, in order."""
    src = ident(template)
    # Identifiers from the catalog, quoted by _ident; nothing user-typed.
    return "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {src}.{ident(table)})" for table in tables)  # noqa: S608 # nosec B608


# The plan depends only on the template's structure: it is kept per process and keyed by
# the template's applied migrations and the names of its relations.
_plans: dict[tuple, _Plan | None] = {}


def _template_version(template: str) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{ident(template)}.django_migrations"])
        if cursor.fetchone()[0] is None:
            return None  # not a migrated schema: nothing to key a cached plan on
        # The applied migrations, and the partitions by name: monthly partitions come and go
        # without a migration. Read through catalog indexes (the partitioned tables, then
        # their partitions by parent): every relation of one schema by name is a scan of all
        # of pg_class, which takes a tenth of a second in a fleet of a thousand organizations.
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {ident(template)}.django_migrations), "  # noqa: S608 - identifiers quoted by _ident # nosec B608
            f"(SELECT max(id) FROM {ident(template)}.django_migrations), "
            "(SELECT md5(string_agg(p.relname || '/' || c.relname, ',' ORDER BY p.relname, c.relname)) "
            " FROM pg_partitioned_table pt JOIN pg_class p ON p.oid = pt.partrelid "
            " JOIN pg_inherits i ON i.inhparent = p.oid JOIN pg_class c ON c.oid = i.inhrelid "
            " WHERE p.relnamespace = to_regnamespace(%s))",
            [ident(template)],
        )
        return (template, *cursor.fetchone())


def _plan(template: str) -> _Plan | None:
    key = _template_version(template)
    if key is None:
        return None if unsupported(template) else _build_plan(template)
    if key not in _plans:
        _plans.clear()
        _plans[key] = None if unsupported(template) else _build_plan(template)
    return _plans[key]


def plan(template: str) -> list[str] | None:
    """The cached clone statements for the template, or None when it holds something
    this cloner cannot copy (see unsupported())."""
    found = _plan(template)
    return None if found is None else found.statements


def clone_statements(template: str, target: str) -> list[str]:
    found = _plan(template)
    if found is not None and found.empty:
        # Rows that reached a table the cached plan found empty (the template is migrated, not
        # written to, but nothing enforces that) mean a new plan that copies them.
        with connection.cursor() as cursor:
            if any(_fetch(cursor, _rows_sql(template, found.empty), [])[0]):
                _plans.clear()
                found = _plan(template)
    if found is None:
        raise ValueError(f"{template} holds objects the fast cloner cannot copy: {unsupported(template)}")
    return [
        f"CREATE SCHEMA {ident(target)}",
        f"SET LOCAL search_path = {ident(target)}",
        *found.statements,
        "SET LOCAL search_path = public",
    ]


def clone_schema(template: str, target: str) -> None:
    statements = clone_statements(template, target)
    with connection.cursor() as cursor:
        if getattr(connection, "citus_version", None):
            # Citus sends a schema's DDL on to its worker as prepared statements, which hold
            # one command each: one round trip per statement there.
            for statement in statements:
                cursor.execute(statement)
        else:
            cursor.execute(";\n".join(statements))
    # The batch changed search_path behind django-tenants' back; make it set it again.
    tenant_connection().search_path_set_schemas = None
