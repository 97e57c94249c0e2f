"""Table versions: a number per table that changes whenever the table does.

A statement-level trigger on each watched table (`watch()` in a migration) stores a fresh
value from one global sequence in `core_tableversion` on every INSERT, UPDATE, DELETE or
TRUNCATE, whatever wrote it: a service, the admin, a bulk load, psql. Reading the versions of
a page's tables is one indexed query, so a page can reuse what it rendered while its tables
stand still (`apps.core.fragments`), with no invalidation code to forget.

Why a sequence rather than version + 1: the row is transactional (others see a new version
only once the change commits) but the sequence is not, so a number taken by a transaction
that rolls back is never handed out again. Whatever was rendered inside that transaction is
therefore never served for a state anyone else can reach.

The bump takes a row lock held until commit: writes to one watched table queue behind each
other at that statement. Watch tables written by people (clients, staff), not logs.
"""

from __future__ import annotations

from apps.core.db.replicas import read_connection

# One statement per item: Citus runs a schema's statements on its worker as prepared
# statements, which hold one command each.
FUNCTION = [
    "CREATE SEQUENCE IF NOT EXISTS public.starline_version_seq",
    r"""
CREATE OR REPLACE FUNCTION public.starline_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The table's name comes as the trigger's argument: on Citus the trigger fires on the
    -- table's shard, whose name carries a shard number. Triggers made before it had one.
    EXECUTE format(
        'INSERT INTO %I.core_tableversion AS v (name, version) VALUES ($1, nextval(''public.starline_version_seq'')) '
        'ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version',
        TG_TABLE_SCHEMA
    ) USING coalesce(TG_ARGV[0], TG_TABLE_NAME);
    RETURN NULL;
END
$$
""",
]
DROP_FUNCTION = [
    "DROP FUNCTION IF EXISTS public.starline_bump_version()",
    "DROP SEQUENCE IF EXISTS public.starline_version_seq",
]


# On Citus the triggers fire on the worker holding the schema, where the sequence must exist
# too: each worker gets its own, counting in a range of its own (its group id << 48, as Citus
# does for the sequences of distributed tables), so a schema moved to another worker never
# meets a number it had before. A worker added later gets it from `citus_sequences_ensure()`.
CITUS_WORKER_SEQUENCE = r"""
SELECT run_command_on_workers($cmd$
DO $$
DECLARE
    first bigint := ((SELECT groupid FROM pg_dist_local_group)::bigint << 48) + 1;
BEGIN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS public.starline_version_seq MINVALUE %s START %s', first, first);
END
$$
$cmd$)
"""


def citus_sequences_ensure(schema_editor) -> None:
    """Creates the version sequence on every Citus worker that lacks it (nothing on plain
    PostgreSQL)."""
    if getattr(schema_editor.connection, "citus_version", None):
        schema_editor.execute(CITUS_WORKER_SEQUENCE, params=None)


def watch_statements(table: str) -> tuple[str, str]:
    """The triggers that bump `table`'s version. TRUNCATE has a trigger of its own: Citus
    creates no trigger that names TRUNCATE on a table's shards (it fires on the coordinator's
    table instead), so one trigger for all four events would never fire there."""
    name = table.replace('"', '""')
    return (
        f'CREATE TRIGGER "{name}_version" AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION public.starline_bump_version('{table}')",
        f'CREATE TRIGGER "{name}_version_truncate" AFTER TRUNCATE ON "{name}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION public.starline_bump_version('{table}')",
    )


def unwatch_statements(table: str) -> tuple[str, str]:
    name = table.replace('"', '""')
    return (
        f'DROP TRIGGER IF EXISTS "{name}_version_truncate" ON "{name}"',
        f'DROP TRIGGER IF EXISTS "{name}_version" ON "{name}"',
    )


def watch(table: str):
    """A migration operation: `table`'s writes change its version from now on."""
    from django.db import migrations

    return migrations.RunSQL(watch_statements(table), unwatch_statements(table))


def table_versions(*tables: str) -> tuple[int, ...]:
    """The current version of each table, in order (0 for one never written since watched).

    Read where the page's rows are (a replica for a dashboard): the triggers bump a version in
    the transaction that writes the table, so a replica's versions match the rows it holds,
    and a page kept under them never holds rows older than its versions say."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT name, version FROM core_tableversion WHERE name = ANY(%s)", [list(tables)])
        found = dict(cursor.fetchall())
    return tuple(found.get(table, 0) for table in tables)


def tables_of(*models) -> tuple[str, ...]:
    """The tables behind the models a kept page reads: each model's own and its many-to-many
    link tables (a training program's required roles), which a hand-written list forgets.

    A page passes the models it shows, not table names, so a table cannot be left out by a
    typo or a new relation; `apps/core/tests/test_kept_pages.py` renders each kept page and
    fails if its queries read a table outside the list.
    """
    tables: dict[str, None] = {}
    for model in models:
        tables[model._meta.db_table] = None
        for field in model._meta.local_many_to_many:
            tables[field.remote_field.through._meta.db_table] = None
    return tuple(tables)
