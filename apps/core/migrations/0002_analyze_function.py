"""`ANALYZE` for the app role.

PostgreSQL 15 lets only a table's owner analyze it (a non-owner's ANALYZE skips the table
with a WARNING), and the app role owns nothing (apps/core/db/roles.py). After a bulk load
the planner must learn of the new rows at once (apps/billing/bulk.py), so this function
analyzes one table as its owner. It can do nothing else: gathering statistics changes no data.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION public.starline_analyze(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target)
       IN ('pg_catalog', 'information_schema') THEN
        RAISE EXCEPTION 'starline_analyze is for the application''s tables, not %', target;
    END IF;
    EXECUTE format('ANALYZE %s', target);
END
$$;
"""


def forward(apps, schema_editor):
    # Shared by every schema, created once with public (like starline_bump_version in 0001).
    if getattr(schema_editor.connection, "schema_name", "public") == "public":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") == "public":
        schema_editor.execute("DROP FUNCTION IF EXISTS public.starline_analyze(regclass)", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_table_versions")]

    operations = [migrations.RunPython(forward, backward)]
