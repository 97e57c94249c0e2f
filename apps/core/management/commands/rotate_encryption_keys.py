"""Re-encrypt every EncryptedTextField value with the newest FIELD_ENCRYPTION_KEYS key.

Run after putting a new key first in FIELD_ENCRYPTION_KEYS; once it has finished for every
schema, the old keys can be removed. Safe to run again.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from apps.core import crypto
from apps.core.fields import EncryptedTextField
from apps.core.tenancy import schema_name


def _encrypted_fields():
    for model in apps.get_models():
        names = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def _table_exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema_name()}"."{table}"'])
        return cursor.fetchone()[0] is not None


def rotate_schema() -> int:
    """Re-encrypt the current schema's values; returns how many values were rewritten."""
    count = 0
    for model, columns in _encrypted_fields():
        table = model._meta.db_table
        if not _table_exists(table):
            continue
        pk = model._meta.pk.column
        with transaction.atomic(), connection.cursor() as cursor:
            cols = ", ".join(f'"{c}"' for c in columns)
            cursor.execute(f'SELECT "{pk}", {cols} FROM "{table}" FOR UPDATE')  # noqa: S608 - table and columns from the models' meta # nosec B608
            for row in cursor.fetchall():
                updates = {c: crypto.rotate(v) for c, v in zip(columns, row[1:], strict=True) if v}
                if updates:
                    assignments = ", ".join(f'"{c}" = %s' for c in updates)
                    cursor.execute(
                        f'UPDATE "{table}" SET {assignments} WHERE "{pk}" = %s',  # noqa: S608 - table and columns from the models' meta # nosec B608
                        [*updates.values(), row[0]],
                    )
                    count += len(updates)
    return count


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field, in every schema, with the newest key."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="only this schema")

    def handle(self, *args, **options):
        from django_tenants.utils import get_tenant_model, schema_context

        schemas = (
            [options["schema"]]
            if options["schema"]
            else [
                "public",
                *get_tenant_model().objects.values_list("schema_name", flat=True),
            ]
        )
        total = 0
        for schema in schemas:
            with schema_context(schema):
                rewritten = rotate_schema()
            total += rewritten
            self.stdout.write(f"{schema}: {rewritten} values re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} values re-encrypted."))
