"""What the app role (apps/core/db/roles.py), which owns no table, needs functions for.

The chain trigger runs as the function's owner (SECURITY DEFINER, search_path pinned), so
moving the chain head needs no UPDATE privilege on it: the app role can only SELECT the
head, and the one way the head moves is an INSERT into the log.

`starline_audit_partition_create(schema, month)` creates one month's partition of a
schema's log as the owner, so the daily job and provisioning keep months ready while
running as the app role. It can only add a month; dropping months (retention) stays with
the owner.
"""

from django.db import migrations

FORWARD = r"""
ALTER FUNCTION public.starline_audit_chain() SECURITY DEFINER SET search_path = pg_catalog, public;

CREATE OR REPLACE FUNCTION public.starline_audit_partition_create(target_schema text, month date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET timezone = 'UTC' AS $$
DECLARE
    name text := 'audit_logentry_p' || to_char(month, 'YYYY_MM');
BEGIN
    IF month <> date_trunc('month', month)::date THEN
        RAISE EXCEPTION 'an audit partition starts on the first of a month, not %', month;
    END IF;
    IF to_regclass(format('%I.audit_logentry', target_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema % has no audit log', target_schema;
    END IF;
    IF to_regclass(format('%I.%I', target_schema, name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.audit_logentry FOR VALUES FROM (%L) TO (%L)',
                   target_schema, name, target_schema,
                   month::timestamp AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
    RETURN true;
END
$$;
"""

BACKWARD = r"""
DROP FUNCTION IF EXISTS public.starline_audit_partition_create(text, date);
ALTER FUNCTION public.starline_audit_chain() SECURITY INVOKER RESET search_path;
"""


def forward(apps, schema_editor):
    # The functions live once, in public (see 0001).
    if getattr(schema_editor.connection, "schema_name", "public") == "public":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") == "public":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_changes_encoder")]

    operations = [migrations.RunPython(forward, backward)]
