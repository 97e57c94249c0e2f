"""`manage.py migrate_fleet`: the shared schema and every organization's, skipping the schemas
that are up to date after one catalog query (apps/tenants/fleet.py). `make migrate` and the
deploy run it instead of django-tenants' `migrate_schemas`."""

import time

from django.core.management.base import BaseCommand, CommandError

from apps.tenants import fleet


class Command(BaseCommand):
    help = (
        "Migrate the shared schema and every organization's schema that lacks a migration, each in its own "
        "transaction; a failing schema is named at the end and the others still migrate. Safe to re-run."
    )

    def add_arguments(self, parser):
        # Accepted for the deploy scripts written for migrate/migrate_schemas; never prompts.
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="run migrate in every schema, up to date or not (runs the post-migrate hooks everywhere)",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        started = time.perf_counter()
        result = fleet.migrate_fleet(
            everything=options["everything"],
            verbosity=verbosity,
            write=self.stdout.write if verbosity >= 1 else (lambda line: None),
            stdout=self.stdout._out,
            stderr=self.stderr._out,
        )
        if verbosity >= 1:
            self.stdout.write(
                f"{len(result.up_to_date)} up to date, {len(result.migrated)} migrated, {len(result.failed)} failed "
                f"in {time.perf_counter() - started:.2f} s"
            )
        if result.failed:
            for schema, message in result.failed.items():
                self.stderr.write(f"{schema}: {message}")
            raise CommandError(f"{len(result.failed)} schema(s) failed: {', '.join(result.failed)}")
