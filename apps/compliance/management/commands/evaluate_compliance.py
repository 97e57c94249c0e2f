"""Evaluate the compliance rules now: of one organization (--schema) or of every one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.compliance.services import rules_evaluate
from apps.tenants.models import Organization


class Command(BaseCommand):
    help = "Evaluate the compliance rules of an organization (--schema) or of every organization."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="The organization's schema (default: every organization).")

    def handle(self, *args, schema: str | None = None, **options):
        organizations = Organization.objects.real().order_by("schema_name")
        if schema:
            organizations = organizations.filter(schema_name=schema)
            if not organizations.exists():
                raise CommandError(f"No organization has the schema {schema!r}.")
        for organization in organizations:
            with organization:
                run = rules_evaluate()
            self.stdout.write(
                f"{organization.schema_name}: {len(run.outcomes)} rules, {run.found} findings current,"
                f" {run.opened} new or reopened, {run.resolved} resolved"
                + (f", {len(run.skipped)} rules skipped (definition does not fit their type)" if run.skipped else "")
                + (f", {len(run.failed)} rules failed (see the log)" if run.failed else "")
                + "."
            )
