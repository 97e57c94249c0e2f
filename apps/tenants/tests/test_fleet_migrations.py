"""`manage.py migrate_fleet`: one catalog read finds the schemas that lack a migration, each of
those migrates in its own transaction, a failing one is named, and a re-run finishes."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from apps.core.tenancy import tenant_connection
from apps.tenants import services

pytestmark = pytest.mark.slow

# A real additive migration (a nullable column) with nothing depending on it: taken back in a
# schema, it is what a deploy's new migration looks like to that schema.
MIGRATION = ("files", "0004_file_expires_at")
BEFORE = ("files", "0003_watch_files")


def _unapply(schema: str) -> int:
    """Take the migration back in one schema (with what depends on it: reports' export
    expiry does); returns how many migrations that took back."""
    tenant_connection().set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan([BEFORE])
        executor.migrate([BEFORE])
    finally:
        tenant_connection().set_schema_to_public()
    return len(plan)


def _column_type(schema: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'files_file' AND column_name = 'expires_at'",
            [schema],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _recorded(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # nosec B608 # the test's own schema names
            list(MIGRATION),
        )
        return cursor.fetchone()[0] == 1


def _fleet(**options) -> str:
    out = StringIO()
    call_command("migrate_fleet", stdout=out, stderr=out, **options)
    return out.getvalue()


def _queries_of_a_noop_run() -> int:
    with CaptureQueriesContext(connection) as captured:
        output = _fleet()
    assert "0 to migrate" in output
    return len(captured)


def test_a_run_with_nothing_to_do_costs_the_same_queries_for_five_organizations_as_for_two(org_a, org_b):
    with_two = _queries_of_a_noop_run()
    for subdomain in ("fleet-c", "fleet-d", "fleet-e"):
        services.organization_create(name=subdomain, subdomain=subdomain, contact_email="office@example.org")

    with_five = _queries_of_a_noop_run()

    assert with_five == with_two
    assert with_two <= 5


def test_a_schema_missing_one_migration_gets_it_and_the_others_are_left_alone(org_a, org_b):
    taken_back = _unapply(org_a.schema_name)
    assert _column_type(org_a.schema_name) is None

    output = _fleet()

    assert "1 to migrate" in output
    assert f"[1/1] {org_a.schema_name}: {taken_back} migration(s) to apply" in output
    assert org_b.schema_name not in output
    assert _column_type(org_a.schema_name) == "timestamp with time zone"
    assert _recorded(org_a.schema_name)


def test_a_failing_schema_is_named_rolled_back_and_the_others_still_migrate(org_a, org_b):
    _unapply(org_a.schema_name)
    _unapply(org_b.schema_name)
    with connection.cursor() as cursor:
        # A column in the way makes the migration fail in this schema only.
        cursor.execute(f'ALTER TABLE "{org_a.schema_name}".files_file ADD COLUMN expires_at text')

    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("migrate_fleet", stdout=out, stderr=out)

    assert org_a.schema_name in str(failure.value)
    assert org_b.schema_name not in str(failure.value)
    assert f"{org_a.schema_name}: FAILED, rolled back" in out.getvalue()
    assert "already exists" in out.getvalue()
    assert _column_type(org_b.schema_name) == "timestamp with time zone"
    assert _recorded(org_b.schema_name)
    assert _column_type(org_a.schema_name) == "text"
    assert not _recorded(org_a.schema_name)


def test_a_run_stopped_by_one_schema_finishes_when_run_again(org_a, org_b):
    taken_back = _unapply(org_a.schema_name)
    _unapply(org_b.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{org_a.schema_name}".files_file ADD COLUMN expires_at text')
    with pytest.raises(CommandError):
        _fleet()
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{org_a.schema_name}".files_file DROP COLUMN expires_at')

    again = _fleet()

    assert f"[1/1] {org_a.schema_name}: {taken_back} migration(s) to apply" in again
    assert "0 failed" in again
    assert _column_type(org_a.schema_name) == "timestamp with time zone"
    assert "0 to migrate" in _fleet()
