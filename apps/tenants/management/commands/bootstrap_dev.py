"""`make run`'s preparation in one process: migrate every schema, keep the clone template
migrated, grant the app role, and load the demo data. One process keeps the embedded
database up once. It runs as the database owner (starline/settings.py)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.tenants import services


class Command(BaseCommand):
    help = "Migrate the shared schema, the template and every organization, then seed demo data."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="passed to seed_demo")

    def handle(self, *args, **options):
        call_command("migrate_fleet", verbosity=0)
        services.template_schema_ensure()
        # The app role (EMBEDDED_APP_ROLE, or DATABASE_URL's user beside DATABASE_OWNER_URL)
        # and its grants, before the demo organizations so that theirs follow.
        call_command("db_roles", stdout=self.stdout)
        call_command("seed_demo", stdout=self.stdout, allow_production=options["allow_production"])
