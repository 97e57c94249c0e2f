"""A claim's total is the sum of its lines, kept by the database: a constraint trigger on both
tables, deferred to the end of the transaction so a service may write the lines and the total
in either order, and checked whatever writes them (a service, the admin, a shell).

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
        SELECT total_amount INTO claimed FROM billing_claim WHERE id = cid;
        -- Deleted with its lines.
        CONTINUE WHEN NOT FOUND;
        SELECT coalesce(sum(charge), 0) INTO lined FROM billing_claimline WHERE claim_id = cid;
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
            'CREATE CONSTRAINT TRIGGER "billing_claimline_total" AFTER INSERT OR UPDATE OR DELETE ON "billing_claimline" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check();",
            'DROP TRIGGER IF EXISTS "billing_claimline_total" ON "billing_claimline";',
        ),
    ]
