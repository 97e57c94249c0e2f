"""The claim-total trigger reads the tables of the schema whose row fired it, not whatever
`search_path` holds when the deferred check runs: a transaction that switches organization
(a test's teardown, a job going through several tenants) before COMMIT otherwise fails with
"relation billing_claim does not exist" or, worse, checks another organization's claim.

And a line's trigger fires only when what the total depends on changes (its charge, its
claim): posting an 835 updates 10,000 lines' payments, which never changes a total."""

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
        EXECUTE format('SELECT total_amount FROM %I.billing_claim WHERE id = $1', TG_TABLE_SCHEMA)
            INTO claimed USING cid;
        -- Deleted with its lines.
        CONTINUE WHEN claimed IS NULL;
        EXECUTE format('SELECT coalesce(sum(charge), 0) FROM %I.billing_claimline WHERE claim_id = $1', TG_TABLE_SCHEMA)
            INTO lined USING cid;
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
    dependencies = [("billing", "0002_claim_total_is_sum_of_lines")]

    operations = [
        migrations.RunSQL(FUNCTION, migrations.RunSQL.noop),
        migrations.RunSQL(
            'DROP TRIGGER IF EXISTS "billing_claimline_total" ON "billing_claimline";',
            'CREATE CONSTRAINT TRIGGER "billing_claimline_total" AFTER INSERT OR UPDATE OR DELETE ON "billing_claimline" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check();",
        ),
        migrations.RunSQL(
            'CREATE CONSTRAINT TRIGGER "billing_claimline_total" '
            'AFTER INSERT OR UPDATE OF charge, claim_id OR DELETE ON "billing_claimline" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check();",
            'DROP TRIGGER IF EXISTS "billing_claimline_total" ON "billing_claimline";',
        ),
    ]
