"""Listing a schema's tables (apps/core/db/introspection.py) answers as django-tenants' listing
does, which tests every table of every schema for visibility: the organization's own tables,
none of another's or the shared schema's, nothing for a schema that does not exist."""

import pytest
from django.db import connection
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection

pytestmark = pytest.mark.django_db


def _both() -> tuple[list, list]:
    with connection.cursor() as cursor:
        ours = sorted(connection.introspection.get_table_list(cursor))
        theirs = sorted(DatabaseSchemaIntrospection(connection).get_table_list(cursor))
    return ours, theirs


def test_a_schemas_tables_are_listed_as_before(org_a, org_b):
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{org_b.schema_name}".only_in_b (id int)')
        cursor.execute(f'CREATE VIEW "{org_a.schema_name}".a_view AS SELECT 1 AS one')
    connection.set_tenant(org_a)
    ours, theirs = _both()
    assert ours == theirs
    names = {table.name for table in ours}
    assert {"clients_client", "django_migrations", "a_view"} <= names
    assert "only_in_b" not in names and "tenants_organization" not in names
    assert {table.type for table in ours if table.name == "a_view"} == {"v"}
    connection.set_schema_to_public()
    ours, theirs = _both()
    assert ours == theirs and "tenants_organization" in {table.name for table in ours}


def test_a_schema_that_does_not_exist_has_no_tables():
    connection.set_schema("no_such_schema")
    try:
        assert _both() == ([], [])
    finally:
        connection.set_schema_to_public()
