"""What Starline does so that it also runs on Citus, seen from plain PostgreSQL: nothing of
Citus is turned on, an added column's constraints get the names PostgreSQL itself would give
them, and the triggers that fire on a worker's shards name their table and keep TRUNCATE apart.
`make citus-check` runs Starline on a real Citus cluster."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db import models as dj_models
from django.test.utils import isolate_apps

from apps.core.db.schema import default_constraint_name
from apps.core.versions import table_versions

pytestmark = pytest.mark.django_db


def test_plain_postgresql_is_not_taken_for_citus():
    with connection.cursor():
        pass
    assert connection.citus_version is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('citus.enable_unsafe_triggers', true)")
        assert cursor.fetchone()[0] in (None, "")


@pytest.mark.parametrize(
    ("table", "column", "label"),
    [
        ("clients_client", "number", "check"),
        ("a" * 40, "b" * 40, "check"),
        ("short", "a_rather_long_column_name_that_goes_on_and_on_for_a_while_yes", "key"),
    ],
)
def test_constraint_names_are_the_ones_postgresql_chooses(table, column, label):
    kind = f'CHECK ("{column}" >= 0)' if label == "check" else "UNIQUE"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TEMPORARY TABLE "{table}" ("{column}" integer {kind})')
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass",
            [f'pg_temp."{table}"'],
        )
        (chosen,) = cursor.fetchone()
    assert default_constraint_name(table, column, label) == chosen


def test_an_added_column_keeps_postgresqls_names_when_constraints_are_named(org_a):
    """The schema editor's Citus path, run on PostgreSQL: the table ends up as Django's usual
    path leaves it."""

    with isolate_apps("apps.core"):
        # A model of this test's own, kept out of the app registry the other tests see.
        class Probe(dj_models.Model):
            class Meta:
                app_label = "core"
                db_table = "core_citus_probe"

            def __str__(self) -> str:
                return str(self.pk)

    field = dj_models.PositiveIntegerField(unique=True, null=True)
    field.set_attributes_from_name("places")
    with org_a:
        with connection.schema_editor() as editor:
            editor.create_model(Probe)
        connection.citus_version = "13.2-1"  # the path taken on Citus
        try:
            with connection.schema_editor() as editor:
                editor.add_field(Probe, field)
        finally:
            connection.citus_version = None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, contype FROM pg_constraint WHERE conrelid = 'core_citus_probe'::regclass ORDER BY 1"
            )
            names = cursor.fetchall()
    assert ("core_citus_probe_places_check", "c") in names
    assert ("core_citus_probe_places_key", "u") in names


def test_version_triggers_name_their_table_and_truncate_has_a_trigger_of_its_own(org_a):
    with org_a, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.tgname, t.tgnargs, (t.tgtype & 32) <> 0 FROM pg_trigger t
            WHERE t.tgrelid = 'clients_client'::regclass AND t.tgfoid = 'public.starline_bump_version'::regproc
            ORDER BY 1
            """
        )
        assert cursor.fetchall() == [("clients_client_version", 1, False), ("clients_client_version_truncate", 1, True)]


def test_a_truncate_still_changes_the_version(org_a):
    with org_a:
        before = table_versions("staff_trainingprogram")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE staff_trainingprogram CASCADE")
        assert table_versions("staff_trainingprogram") != before


def test_claim_total_triggers_name_their_table(org_a):
    with org_a, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgnargs FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE t.tgfoid = 'public.starline_claim_total_check'::regproc
              AND c.relnamespace = current_schema()::regnamespace
            ORDER BY 1
            """
        )
        assert cursor.fetchall() == [("billing_claim", 1), ("billing_claimline", 1)]
