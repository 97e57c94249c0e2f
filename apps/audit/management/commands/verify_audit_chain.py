from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.audit import anchors, services
from apps.tenants.models import Organization


class Command(BaseCommand):
    help = (
        "Check every audit entry's hash and its link to the entry before, and each anchored entry against "
        "its anchor (AUDIT_ANCHOR_BUCKET or AUDIT_ANCHOR_PATH). Exits 1 naming the first broken entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this schema (default: public and every organization).")

    def handle(self, *args, schema=None, **options):
        if schema:
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".{services.TABLE}'])
                if cursor.fetchone()[0] is None:
                    raise CommandError(f"No audit log in schema {schema!r}.")
        store = anchors.store()
        try:
            anchored = anchors.by_schema(store.read(schema)) if store else {}
        except anchors.AnchorError as exc:
            # Checking without them would pass what they exist to catch.
            raise CommandError(f"The anchors could not be read: {exc}", returncode=2) from exc
        if store is None:
            self.stdout.write("No anchor location is configured: each chain is checked against itself only.")
        if schema:
            reports = [services.chain_verify(schema=schema, anchors=anchored.get(schema, ()))]
        else:
            reports = services.chain_verify_all(anchors=anchored)
        names = dict(Organization.objects.values_list("schema_name", "name"))
        broken = [r for r in reports if not r.intact]
        for report in reports:
            who = f"{names.get(report.schema, 'platform')} ({report.schema})"
            if report.intact:
                plural = "" if report.anchors == 1 else "s"
                against = f", {report.anchors} anchor{plural} matched" if store else ""
                self.stdout.write(f"{who}: intact, {report.checked} entries checked{against}")
            else:
                self.stderr.write(f"{who}: BROKEN at entry {report.broken_at}: {report.reason}")
        if broken:
            first = broken[0]
            raise CommandError(f"Audit chain broken in {first.schema} at entry {first.broken_at}.", returncode=1)
