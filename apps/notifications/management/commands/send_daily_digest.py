from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.notifications import jobs
from apps.tenants.models import Organization


class Command(BaseCommand):
    help = "Email each person a summary of yesterday's unread notifications. Safe to run twice: nobody gets two."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="The day to summarize, YYYY-MM-DD (default: yesterday).")
        parser.add_argument("--schema", help="Only this organization's schema.")

    def handle(self, *args, day=None, schema=None, **options):
        try:
            day = date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise CommandError(f"--day must be YYYY-MM-DD: {exc}") from exc
        organizations = Organization.objects.real()
        if schema:
            organizations = organizations.filter(schema_name=schema)
        for organization in organizations:
            with organization:
                sent = jobs.daily_digest(day=day)
            self.stdout.write(f"{organization.name}: {sent} digests sent")
        connection.set_schema_to_public()
