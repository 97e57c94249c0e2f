"""Fleet migrations that scale with the number of organizations.

django-tenants' `migrate_schemas` starts Django's migrate command in every schema, even when
there is nothing to do: a migration loader, a plan and the post-migrate hooks per schema
(its users report 12 minutes for 900 tenants doing nothing). Here every schema's applied
migrations are read from the catalog in one query per batch of schemas and compared with
the migration graph, which is built once from the files and needs no query; only the
schemas that lack something are migrated, each in a transaction of its own, so one failing
schema rolls back alone and the run goes on. Re-running finishes what a failed run left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.migration_executors.base import LinePrefixStream
from django_tenants.utils import get_tenant_base_migrate_command_class

from apps.core.db.catalog import ident
from apps.core.tenancy import tenant_connection
from apps.tenants.models import Organization

# Schemas read per catalog query. Each schema's django_migrations (and its primary key,
# which the planner opens) takes a lock until the query ends; 500 schemas stay well inside
# the server's shared lock table (max_locks_per_transaction × max_connections).
BATCH = 500


def expected_migrations() -> set[str]:
    """Every migration a fully migrated schema has recorded, as "app.name".

    Django records every migration in every schema (the router skips another side's
    operations, not the record), so one set serves the shared schema and the organizations.
    A squashed migration is recorded as the migrations it replaces.
    """
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    expected: set[str] = set()
    for key in graph.nodes:
        migration = graph.nodes[key]
        for app, name in migration.replaces or [key]:
            expected.add(f"{app}.{name}")
    return expected


def fleet_schemas() -> list[tuple[str, bool, bool]]:
    """(schema, exists, has django_migrations) for the shared schema, then the clone template
    (so organizations provisioned during a run already get the new structure), then every
    organization: one query, or two on a database whose shared schema has never been migrated."""
    table = Organization._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{ident(table)}"])
        if not cursor.fetchone()[0]:
            cursor.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL")
            return [("public", True, bool(cursor.fetchone()[0]))]
        cursor.execute(
            f"""
            SELECT s.schema_name,
                   EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = s.schema_name),
                   to_regclass(quote_ident(s.schema_name) || '.django_migrations') IS NOT NULL
            FROM (SELECT 'public' AS schema_name, 0 AS rank
                  UNION ALL
                  SELECT schema_name, CASE WHEN schema_name = %s THEN 1 ELSE 2 END
                  FROM public.{ident(table)} WHERE schema_name <> 'public') s
            ORDER BY s.rank, s.schema_name
            """,  # noqa: S608 - the model's own table name, quoted # nosec B608
            [settings.TENANT_BASE_SCHEMA],
        )
        return [(name, bool(exists), bool(recorded)) for name, exists, recorded in cursor.fetchall()]


def applied_counts(schemas: list[str], expected: set[str]) -> dict[str, int]:
    """How many of the expected migrations each schema has recorded: one query per BATCH
    schemas, whatever their number of migrations."""
    counts = {schema: 0 for schema in schemas}
    wanted = sorted(expected)
    with connection.cursor() as cursor:
        for start in range(0, len(schemas), BATCH):
            batch = schemas[start : start + BATCH]
            union = " UNION ALL ".join(
                f"SELECT %s::text AS schema_name, app, name FROM {ident(schema)}.django_migrations"  # noqa: S608 - schema names from the catalog, quoted # nosec B608
                for schema in batch
            )
            cursor.execute(
                f"SELECT schema_name, count(DISTINCT app || '.' || name) FROM ({union}) m "  # noqa: S608 - built above from quoted identifiers # nosec B608
                "WHERE app || '.' || name = ANY(%s) GROUP BY schema_name",
                [*batch, wanted],
            )
            counts.update(dict(cursor.fetchall()))
    return counts


@dataclass
class FleetResult:
    up_to_date: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def migrate_schema(schema: str, *, verbosity: int, stdout, stderr) -> None:
    """Run Django's migrate in one schema, in one transaction: all of it or none of it.

    As django-tenants does, the schema's own django_migrations is made first with only that
    schema on the search_path, or the shared schema's table would be found and read.
    """
    tenants = tenant_connection()
    try:
        with transaction.atomic():
            tenants.set_schema(schema, include_public=False)
            MigrationRecorder(connection).ensure_schema()
            tenants.set_schema(schema)
            call_command(
                get_tenant_base_migrate_command_class()(),
                interactive=False,
                verbosity=verbosity,
                skip_checks=True,
                stdout=stdout,
                stderr=stderr,
            )
    finally:
        tenants.set_schema_to_public()


def migrate_fleet(
    *, everything: bool = False, verbosity: int = 1, write: Callable[[str], None] = print, stdout=None, stderr=None
) -> FleetResult:
    """Migrate the shared schema and every organization's that lacks a migration.

    `everything` migrates every schema, up to date or not, as `migrate_schemas` did: that
    also runs the post-migrate hooks everywhere (the system roles' sync picks up a role
    reworded in code without a migration). Audit months are kept ahead by their daily job,
    not by migrate, so skipping a schema loses nothing there.
    """
    result = FleetResult()
    tenant_connection().set_schema_to_public()
    expected = expected_migrations()
    schemas = fleet_schemas()
    if len(schemas) == 1:
        # No organization table yet (a new database): the shared schema first, then the
        # organizations it lists (none, or the ones a restore brought).
        _migrate_one("public", 0, 1, len(expected), result, verbosity, write, stdout, stderr)
        if result.failed:
            return result
        schemas = [entry for entry in fleet_schemas() if entry[0] != "public"]
    counts = applied_counts([name for name, exists, recorded in schemas if exists and recorded], expected)
    todo: list[tuple[str, int]] = []
    for name, exists, _recorded in schemas:
        if not exists:
            result.failed[name] = "schema does not exist"
            continue
        missing = len(expected) - counts.get(name, 0)
        if missing or everything:
            todo.append((name, missing))
        else:
            result.up_to_date.append(name)
    write(f"{len(schemas)} schemas: {len(result.up_to_date)} up to date, {len(todo)} to migrate")
    for index, (name, missing) in enumerate(todo, start=1):
        done = _migrate_one(name, index, len(todo), missing, result, verbosity, write, stdout, stderr)
        if not done and name == "public":
            # The organizations' schemas read the shared tables: none goes ahead of them.
            write("the shared schema failed: the organizations were not migrated")
            break
    return result


def _migrate_one(
    name: str, index: int, total: int, missing: int, result: FleetResult, verbosity: int, write, stdout, stderr
) -> bool:
    started = time.perf_counter()
    prefix = f"[{index}/{total}] {name}"
    write(f"{prefix}: {missing} migration(s) to apply")
    inner_out = LinePrefixStream(stdout, lambda line: f"{prefix}: {line}") if stdout else None
    inner_err = LinePrefixStream(stderr, lambda line: f"{prefix}: {line}") if stderr else None
    try:
        migrate_schema(name, verbosity=max(0, verbosity - 1), stdout=inner_out, stderr=inner_err)
    except Exception as error:  # any failure is this schema's own: it is named and the run goes on
        text = str(error).strip()
        message = f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"
        result.failed[name] = message
        write(f"{prefix}: FAILED, rolled back ({message})")
        return False
    result.migrated.append(name)
    write(f"{prefix}: done in {time.perf_counter() - started:.2f} s")
    return True
