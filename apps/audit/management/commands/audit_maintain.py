from django.core.management.base import BaseCommand, CommandError

from apps.audit import maintenance


class Command(BaseCommand):
    help = "Create the coming months' audit partitions and drop those past each organization's retention."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this schema (default: every organization and the public schema).")

    def handle(self, *args, schema=None, **options):
        results = maintenance.maintain_all(schema=schema)
        failed = [name for name, result in results.items() if result.get("error")]
        for name, result in results.items():
            created, dropped = result["created"], result["dropped"]
            if created or dropped or options["verbosity"] > 1:
                self.stdout.write(
                    f"{name}: created {', '.join(created) or 'none'}; dropped {', '.join(dropped) or 'none'}"
                )
        if failed:
            raise CommandError(f"Audit maintenance failed for: {', '.join(failed)} (see the log).", returncode=1)
