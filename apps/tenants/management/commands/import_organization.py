from django.core.management.base import BaseCommand, CommandError

from apps.tenants.moving import importing
from apps.tenants.moving.archive import ArchiveError, read_passphrase


class Command(BaseCommand):
    help = (
        "Restore an archive made by export_organization as a NEW organization under --subdomain. Refuses an "
        "archive that does not match its checksums, a wrong passphrase, or data from a newer Starline; "
        "a refusal leaves nothing behind."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--subdomain", required=True, help="the new organization's subdomain")
        parser.add_argument("--name", help="the new organization's name (default: the archived one's)")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")

    def handle(self, *args, archive: str, subdomain: str, name=None, passphrase_file=None, **options):
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            organization = importing.organization_import(
                path=archive, subdomain=subdomain, passphrase=read_passphrase(passphrase_file), name=name, log=log
            )
        except ArchiveError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {organization.name} as schema {organization.schema_name} at http://{organization.primary_host}/"
            )
        )
