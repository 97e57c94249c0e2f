from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.audit import maintenance


class Command(BaseCommand):
    help = "Create the coming months' audit partitions and drop those past each organization's retention."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schema", help="Only this schema (default: the platform's public schema and every organization's)."
        )

    def handle(self, *args, schema=None, **options):
        results = maintenance.maintain_all(schema=schema)
        failed = [name for name, result in results.items() if result.get("error")]
        changed = 0
        for name, result in results.items():
            created, dropped = result["created"], result["dropped"]
            changed += len(created) + len(dropped)
            if created or dropped or result.get("error") or options["verbosity"] > 1:
                # The clone template keeps two months, whatever retention it carries (services.maintain).
                kept = (
                    "this month and the next"
                    if name == settings.TENANT_BASE_SCHEMA
                    else f"{result['retention_years']} years"
                )
                self.stdout.write(
                    f"{result['name']} ({name}, kept {kept}): "
                    f"created {', '.join(created) or 'none'}; dropped {', '.join(dropped) or 'none'}"
                    + (f"; FAILED: {result['error']}" if result.get("error") else "")
                )
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(results)} audit logs checked, {changed} partitions created or dropped.")
        if failed:
            raise CommandError(f"Audit maintenance failed for: {', '.join(failed)} (see the log).", returncode=1)
