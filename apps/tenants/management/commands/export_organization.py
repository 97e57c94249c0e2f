import os

from django.core.management.base import BaseCommand, CommandError

from apps.tenants.models import Organization
from apps.tenants.moving import archive, exporting


class Command(BaseCommand):
    help = (
        "Write one organization (its rows, files and audit log) to an archive encrypted under a passphrase "
        "(--passphrase-file or STARLINE_EXPORT_PASSPHRASE), for import_organization on this or another cluster."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="the organization's schema (org_…)")
        parser.add_argument("--output", required=True, help="the archive to write (refused if it exists)")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")

    def handle(self, *args, schema, output, passphrase_file=None, **options):
        organization = Organization.objects.filter(schema_name=schema).first()
        if organization is None or organization.is_system:
            raise CommandError(f"No organization has the schema {schema!r}.")
        try:
            passphrase = archive.read_passphrase(passphrase_file)
            # Claimed now, readable by its owner only: an existing file is never overwritten,
            # and the archive, though encrypted, is the agency's records in bulk.
            os.close(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise CommandError(f"{output} exists; choose another name.") from None
        except (OSError, archive.ArchiveError) as exc:
            raise CommandError(str(exc)) from None
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            manifest = exporting.organization_export(
                organization=organization, path=output, passphrase=passphrase, log=log
            )
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(table["rows"] for table in manifest["tables"])
        files = [f for f in manifest["files"] if f.get("member")]
        missing = [f for f in manifest["files"] if not f.get("member")]
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {organization.name} ({schema}) to {output}: {len(manifest['tables'])} tables, "
                f"{rows} rows, {len(files)} files."
            )
        )
        for entry in missing:
            self.stderr.write(
                f"Not readable, recorded as missing: {entry['kind']} {entry['name']} ({entry['missing']})"
            )
