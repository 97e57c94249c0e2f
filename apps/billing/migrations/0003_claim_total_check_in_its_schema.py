"""The claim-total trigger reads the tables of the schema its row is in, not whatever
`search_path` says when the deferred check finally runs: a transaction that switches to
another organization (or back to the public schema) before it commits would otherwise check
the wrong schema's claims, or fail with "relation billing_claim does not exist". The usual
case (the row's schema is the current one) keeps plain statements, whose plans are cached,
and reads the total and the lines' sum in one statement: the check runs once per line
written, 100,000 times for a month's claims.

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
    dependencies = [("billing", "0002_claim_total_is_sum_of_lines")]

    operations = [migrations.RunSQL(FUNCTION, migrations.RunSQL.noop)]
