"""A claim's total is the sum of its lines, kept by the database: a constraint trigger on both
tables, deferred to the end of the transaction so a service may write the lines and the total
in either order, and checked whatever writes them (a service, the admin, a shell).

The function reads the tables of the schema whose row fired it, not whatever `search_path`
holds when the deferred check runs: a transaction that switches organization (a job going
through several tenants, a test's teardown) before COMMIT would otherwise check another
organization's claim or fail with "relation billing_claim does not exist". The usual case (the
row's schema is the current one) keeps plain statements, whose plans PL/pgSQL caches. A line's
trigger fires only when what the total depends on changes (its charge, its claim): posting an
835 updates thousands of lines' payments, which never changes a total.

One statement per operation: Citus's workers refuse several in one prepared statement."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION public.starline_claim_total_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
    cid uuid;
    claimed numeric;
    lined numeric;
BEGIN
    IF TG_TABLE_NAME = 'billing_claim' THEN
        ids := ARRAY[NEW.id];
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY[OLD.claim_id];
    ELSIF TG_OP = 'UPDATE' AND OLD.claim_id <> NEW.claim_id THEN
        ids := ARRAY[OLD.claim_id, NEW.claim_id];
    ELSE
        ids := ARRAY[NEW.claim_id];
    END IF;
    FOREACH cid IN ARRAY ids LOOP
        IF current_schema() = TG_TABLE_SCHEMA THEN
            -- The usual case: plain statements, whose plans PL/pgSQL keeps.
            SELECT c.total_amount, (SELECT coalesce(sum(l.charge), 0) FROM billing_claimline l WHERE l.claim_id = cid)
                INTO claimed, lined FROM billing_claim c WHERE c.id = cid;
        ELSE
            EXECUTE format(
                'SELECT c.total_amount, (SELECT coalesce(sum(l.charge), 0) FROM %1$I.billing_claimline l'
                ' WHERE l.claim_id = $1) FROM %1$I.billing_claim c WHERE c.id = $1',
                TG_TABLE_SCHEMA
            ) INTO claimed, lined USING cid;
        END IF;
        -- Deleted with its lines.
        CONTINUE WHEN claimed IS NULL;
        IF claimed <> lined THEN
            RAISE EXCEPTION 'The total of claim % (%) is not the sum of its lines (%).', cid, claimed, lined
                USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, migrations.RunSQL.noop),
        migrations.RunSQL(
            'CREATE CONSTRAINT TRIGGER "billing_claim_total" AFTER INSERT OR UPDATE OF total_amount ON "billing_claim" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check();",
            'DROP TRIGGER IF EXISTS "billing_claim_total" ON "billing_claim";',
        ),
        migrations.RunSQL(
            'CREATE CONSTRAINT TRIGGER "billing_claimline_total" AFTER INSERT OR UPDATE OF charge, claim_id OR DELETE ON "billing_claimline" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check();",
            'DROP TRIGGER IF EXISTS "billing_claimline_total" ON "billing_claimline";',
        ),
    ]
