"""The claim-total triggers name their table in an argument: on Citus a trigger fires on the
table's shard (`billing_claim_102345`), and the function told a claim from a line by the name
of the table that fired it. The function falls back to that name for triggers made before.

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
    -- The table's name comes as the trigger's argument: on Citus the trigger fires on the
    -- table's shard, whose name carries a shard number.
    IF coalesce(TG_ARGV[0], TG_TABLE_NAME) = 'billing_claim' THEN
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
$$
"""


def _trigger(table: str, name: str, events: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE CONSTRAINT TRIGGER "{name}" AFTER {events} ON "{table}" DEFERRABLE INITIALLY DEFERRED '
            f"FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check('{table}')",
        ],
        [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE CONSTRAINT TRIGGER "{name}" AFTER {events} ON "{table}" DEFERRABLE INITIALLY DEFERRED '
            "FOR EACH ROW EXECUTE FUNCTION public.starline_claim_total_check()",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_watch_billing_lists")]

    operations = [
        migrations.RunSQL(FUNCTION, migrations.RunSQL.noop),
        _trigger("billing_claim", "billing_claim_total", "INSERT OR UPDATE OF total_amount"),
        _trigger("billing_claimline", "billing_claimline_total", "INSERT OR UPDATE OF charge, claim_id OR DELETE"),
    ]
