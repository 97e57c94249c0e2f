"""Re-encrypt every encrypted value with the newest FIELD_ENCRYPTION_KEYS key: the columns of
EncryptedTextField (and its subclass EncryptedJSONField) and the encrypted values inside
EncryptedKeysJSONField objects.

Run after putting a new key first in FIELD_ENCRYPTION_KEYS; once it has finished for every
schema, the old keys can be removed. Safe to run again.
"""

import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core import crypto
from apps.core.encrypted_columns import rewrite, table_exists
from apps.core.fields import ENCRYPTED_VALUE, EncryptedKeysJSONField, EncryptedTextField, is_encrypted_value


def _encrypted_fields():
    """(model, columns encrypted whole, JSON columns with encrypted values)."""
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        whole = [f.column for f in fields if isinstance(f, EncryptedTextField)]
        inside = [f.column for f in fields if isinstance(f, EncryptedKeysJSONField)]
        if whole or inside:
            yield model, whole, inside


def _rotate_inside(text: str) -> str | None:
    data = json.loads(text)
    tokens = {k: v[ENCRYPTED_VALUE] for k, v in data.items() if is_encrypted_value(v)} if isinstance(data, dict) else {}
    if not tokens:
        return None
    rotated = {k: {ENCRYPTED_VALUE: crypto.rotate(token)} for k, token in tokens.items()}
    return json.dumps({**data, **rotated})


def rotate_schema() -> int:
    """Re-encrypt the current schema's values; returns how many values were rewritten."""
    count = 0
    for model, whole, inside in _encrypted_fields():
        table = model._meta.db_table
        if not table_exists(table):
            continue
        pk = model._meta.pk.column
        with transaction.atomic():
            if whole:
                count += rewrite(table, whole, crypto.rotate, pk=pk)
            for column in inside:
                # Only the objects holding an encrypted value are read.
                count += rewrite(
                    table, [column], _rotate_inside, pk=pk, where=f"\"{column}\"::text LIKE '%%{ENCRYPTED_VALUE}%%'"
                )
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
