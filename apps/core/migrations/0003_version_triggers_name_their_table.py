"""Version triggers name their table in an argument, and TRUNCATE has a trigger of its own
(apps.core.versions): on Citus a trigger fires on the table's shard, whose name carries a
shard number, and a trigger naming TRUNCATE is not created on shards at all.

The function is replaced once, with the public schema; each schema's triggers made in the
old form (no argument) are made again in the new one. Schemas migrated afresh already have
the new form, and nothing is found to redo. On Citus each worker gets the version sequence
the triggers count with (apps.core.versions.citus_sequences_ensure)."""

from django.db import migrations

from apps.core.versions import FUNCTION, citus_sequences_ensure, unwatch_statements, watch_statements


def forward(apps, schema_editor):
    schema = getattr(schema_editor.connection, "schema_name", "public")
    if schema == "public":
        for statement in FUNCTION:
            schema_editor.execute(statement, params=None)
        citus_sequences_ensure(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT c.relname FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND t.tgfoid = 'public.starline_bump_version'::regproc
              AND t.tgnargs = 0 AND NOT t.tgisinternal AND t.tgparentid = 0
            ORDER BY c.relname
            """,
            [schema],
        )
        tables = [name for (name,) in cursor.fetchall()]
    for table in tables:
        for statement in [*unwatch_statements(table), *watch_statements(table)]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_analyze_function")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
