"""After `citus_add_node`: give every worker what Starline's triggers need there before an
organization's schema moves to it (the table-version sequence, apps/core/versions.py)."""

from django.core.management.base import BaseCommand
from django.db import connection

from apps.core.versions import CITUS_WORKER_SEQUENCE


class Command(BaseCommand):
    help = "On a Citus coordinator, create Starline's version sequence on every worker that lacks it."

    def handle(self, *args, **options):
        connection.ensure_connection()
        if not getattr(connection, "citus_version", None):
            self.stdout.write("Not a Citus database: nothing to do.")
            return
        with connection.cursor() as cursor:
            cursor.execute(CITUS_WORKER_SEQUENCE)
        self.stdout.write(f"Every worker has the version sequence (Citus {connection.citus_version}).")
