"""No schema carries an index that another index of its table already serves, nor Django's
`_like` indexes (apps/core/db/indexes.py): each would be one more relation for every new
organization's clone to create. The rule finds exactly those, and nothing that serves."""

import pytest
from django.conf import settings
from django.db import connection, models
from django.test.utils import isolate_apps

from apps.core.db.indexes import drop_statements, redundant_indexes

pytestmark = pytest.mark.django_db


def _indexes(schema: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s", [schema, table])
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("which", ["template", "organization", "public"])
def test_migrated_schemas_hold_no_redundant_index(which, org_a):
    schema = {"template": settings.TENANT_BASE_SCHEMA, "organization": org_a.schema_name, "public": "public"}[which]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relnamespace = to_regnamespace(%s)", [schema])
        assert cursor.fetchone()[0] > 100  # the schema is there and migrated
        found = redundant_indexes(cursor, schema)
    # A new model whose foreign key leads a composite index: declare the key db_index=False.
    assert found == []


def test_the_rule_finds_only_what_another_index_serves(org_a):
    schema = org_a.schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TABLE "{schema}".probe (a int, b int, c varchar(20), d text);
            CREATE INDEX probe_a ON "{schema}".probe (a);
            CREATE INDEX probe_a_b ON "{schema}".probe (a, b);
            CREATE INDEX probe_b_desc ON "{schema}".probe (b DESC);
            CREATE INDEX probe_b_a ON "{schema}".probe (b, a);
            CREATE INDEX probe_c_like ON "{schema}".probe (c varchar_pattern_ops);
            CREATE INDEX probe_d_like ON "{schema}".probe (d text_pattern_ops);
            CREATE INDEX probe_upper_c ON "{schema}".probe (upper(c) text_pattern_ops);
            CREATE UNIQUE INDEX probe_a_unique ON "{schema}".probe (a) WHERE b IS NULL;
            CREATE UNIQUE INDEX probe_c_unique ON "{schema}".probe (c);
            CREATE INDEX probe_c_partial ON "{schema}".probe (c) WHERE d IS NULL;
            CREATE INDEX probe_c_hash ON "{schema}".probe USING hash (c);
            CREATE INDEX probe_c_d ON "{schema}".probe (c, d);
            """
        )
        found = redundant_indexes(cursor, schema)
    assert found == [
        ("probe", "probe_a", "probe_a_b"),
        ("probe", "probe_c_like", "pattern_ops"),
        ("probe", "probe_d_like", "pattern_ops"),
    ]
    # b DESC is not the leading column of (b, a) as sorted; a unique, partial, hash or
    # expression index serves something of its own; c is unique and stays.
    with connection.cursor() as cursor:
        for statement in drop_statements(schema, found):
            cursor.execute(statement)
    assert _indexes(schema, "probe") == {
        "probe_a_b",
        "probe_b_desc",
        "probe_b_a",
        "probe_upper_c",
        "probe_a_unique",
        "probe_c_unique",
        "probe_c_partial",
        "probe_c_hash",
        "probe_c_d",
    }


def test_dropping_names_the_schema(org_a, org_b):
    # The same index name in two schemas: only the named schema's goes.
    with connection.cursor() as cursor:
        for org in (org_a, org_b):
            cursor.execute(f'CREATE TABLE "{org.schema_name}".probe (a int, b int)')
            cursor.execute(f'CREATE INDEX probe_a ON "{org.schema_name}".probe (a)')
            cursor.execute(f'CREATE INDEX probe_a_b ON "{org.schema_name}".probe (a, b)')
        cursor.execute(f'SET search_path = "{org_b.schema_name}", public')
        for statement in drop_statements(org_a.schema_name, redundant_indexes(cursor, org_a.schema_name)):
            cursor.execute(statement)
    connection.set_schema_to_public()
    assert _indexes(org_a.schema_name, "probe") == {"probe_a_b"}
    assert _indexes(org_b.schema_name, "probe") == {"probe_a", "probe_a_b"}


@isolate_apps("apps.core")
def test_the_schema_editor_makes_no_like_index(org_a):
    class Probe(models.Model):
        code = models.CharField(max_length=20, unique=True)
        name = models.CharField(max_length=20, db_index=True)
        note = models.TextField(db_index=True)

        class Meta:
            app_label = "core"
            db_table = "probe_editor"

        def __str__(self) -> str:
            return self.code

    connection.set_tenant(org_a)
    with connection.schema_editor() as editor:
        editor.create_model(Probe)
    connection.set_schema_to_public()
    made = _indexes(org_a.schema_name, "probe_editor")
    assert len(made) == 4  # the key, the unique code, the name and note indexes
    assert not [name for name in made if name.endswith("_like")]
