from datetime import date

from django.core.management.base import BaseCommand, CommandError

from apps.core.jobs import JOBS
from apps.tenants.models import Organization
from apps.tenants.services import run_job_everywhere


class Command(BaseCommand):
    help = "Run a scheduled job now, for every organization. Jobs are safe to run twice."
    job_name: str | None = None  # fixed by commands that run one job (send_daily_digest)

    def add_arguments(self, parser):
        if self.job_name is None:
            parser.add_argument("name", nargs="?", help="The job; without it, the jobs are listed.")
        parser.add_argument("--day", help="The day to run it for, YYYY-MM-DD (each job says what its day means).")
        parser.add_argument("--schema", help="Only this organization's schema.")

    def handle(self, *args, name=None, day=None, schema=None, **options):
        name = self.job_name or name
        if not name:
            for job in JOBS.values():
                self.stdout.write(f"{job.name}: {job.description}")
            return
        if name not in JOBS:
            raise CommandError(f"No job {name!r}. Jobs: {', '.join(sorted(JOBS))}")
        try:
            day = date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise CommandError(f"--day must be YYYY-MM-DD: {exc}") from exc
        if schema and not Organization.objects.real().filter(schema_name=schema).exists():
            raise CommandError(f"No organization has the schema {schema!r}.")
        for organization, done in run_job_everywhere(name, schema=schema, day=day):
            self.stdout.write(f"{organization.name}: {done}")
