from django.core.management.base import BaseCommand, CommandError

from apps.tenants.models import Organization
from apps.tenants.moving import deleting


class Command(BaseCommand):
    help = (
        "Delete an organization for good (its schema, files and domains) once it has been suspended for "
        "ORGANIZATION_DELETION_DAYS, confirmed by typing its subdomain; a record of the deletion stays in the "
        "platform admin (Deleted organizations). Export it first: export_organization."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="the organization's schema (org_…)")
        parser.add_argument("--confirm", default="", help="the organization's subdomain, typed to confirm")
        parser.add_argument("--operator", required=True, help="who confirms: the platform operator's name or email")
        parser.add_argument("--reason", default="", help="why (the contract ended, the agency asked…)")

    def handle(self, *args, schema, confirm, operator, reason, **options):
        organization = Organization.objects.filter(schema_name=schema).first()
        if organization is None:
            raise CommandError(f"No organization has the schema {schema!r}.")
        try:
            record = deleting.organization_delete(
                organization=organization, confirm=confirm, operator=operator, reason=reason
            )
        except deleting.DeletionRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {record.name} ({record.schema_name}): {record.rows} rows in {record.tables} tables, "
                f"{record.files} files ({record.file_bytes} bytes). The record is in the platform admin."
            )
        )
