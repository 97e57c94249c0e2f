"""The claim-total trigger reads the tables of the schema its row is in, not whatever
`search_path` says when the deferred check finally runs: a transaction that switches to
another organization (or back to the public schema) before it commits would otherwise check
the wrong schema's claims, or fail with "relation billing_claim does not exist".

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

    operations = [migrations.RunSQL(FUNCTION, migrations.RunSQL.noop)]
