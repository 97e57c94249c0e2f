"""Post an 835 remittance file to one organization's claims, as the upload page does.

    python manage.py import_835 --schema NAME FILE

Exits non-zero with the reason when the file is refused; nothing is posted then."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.billing.remittance import remittance_import
from apps.tenants.models import Organization


class Command(BaseCommand):
    help = "Import an X12 835 remittance file into an organization's billing."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="The organization's schema.")
        parser.add_argument("file", help="The 835 file.")

    def handle(self, *args, schema: str, file: str, **options):
        organization = Organization.objects.real().filter(schema_name=schema).first()
        if organization is None:
            raise CommandError(f"No organization has the schema {schema!r}.")
        path = Path(file)
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        with organization:
            try:
                remittance = remittance_import(content=content, actor=None, filename=path.name)
            except ValidationError as exc:
                raise CommandError(" ".join(m for messages in exc.message_dict.values() for m in messages)) from exc
        self.stdout.write(
            f"Imported {path.name}: trace {remittance.trace_number}, {remittance.total_paid} paid, "
            f"{remittance.claim_count} claims posted, {len(remittance.unmatched)} not matched."
        )
        for entry in remittance.unmatched:
            self.stdout.write(f"  not matched: claim {entry['claim']} {entry.get('line', '')} — {entry['why']}")
