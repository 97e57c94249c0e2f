"""Create the app's database role and grant it what the app needs, as the owner, after
migrations (apps/core/db/roles.py explains the two roles)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.db import roles


class Command(BaseCommand):
    help = (
        "Create the database role the app connects as (DATABASE_URL's user) if missing and grant it "
        "DML on every schema's tables, SELECT and INSERT only on the audit log. Runs as DATABASE_OWNER_URL's "
        "role; run it after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", help="the app role (default: DATABASE_URL's user)")
        parser.add_argument("--password", help="its password (default: DATABASE_URL's; none for trust auth)")

    def handle(self, *args, role=None, password=None, **options):
        role = role or roles.app_role_separate()
        if not role:
            if options["verbosity"] > 0:
                self.stdout.write(
                    "The app connects as the owner (no DATABASE_OWNER_URL, or the same user): no role to grant."
                )
            return
        if password is None and role == settings.DATABASE_APP_ROLE["USER"]:
            password = settings.DATABASE_APP_ROLE["PASSWORD"]
        try:
            schemas = roles.grant_app_role(role=role, password=password or "")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            self.stdout.write(f"Role {role}: granted on {len(schemas)} schemas.")
