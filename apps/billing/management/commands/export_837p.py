"""Send claims as an 837P file from the command line: the organization's draft claims (or the
ones named by number) in one file, stored as an X12 file like the page's download, the claims
marked submitted. Refuses, writing nothing, what the page would refuse."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.billing import claims as services
from apps.billing.models import Claim
from apps.tenants.models import Organization


class Command(BaseCommand):
    help = "Write an 837P file of an organization's draft claims (all, or those given with --claims)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="The organization's schema name.")
        parser.add_argument("--claims", nargs="+", metavar="NUMBER", help="Claim numbers (default: every draft).")
        parser.add_argument("--output", required=True, help="Where to write the file.")

    def handle(self, *args, schema: str, claims: list[str] | None, output: str, **options):
        organization = Organization.objects.filter(schema_name=schema).first()
        if organization is None:
            raise CommandError(f"No organization has the schema {schema!r}.")
        with organization:
            chosen = services.draft_claims()
            if claims:
                found = list(Claim.objects.filter(claim_number__in=claims))
                unknown = sorted(set(claims) - {claim.claim_number for claim in found})
                if unknown:
                    raise CommandError(f"No such claims: {', '.join(unknown)}.")
                chosen = found
            try:
                interchange = services.claims_export(claims=list(chosen), actor=None)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        Path(output).write_text(interchange.content, encoding="ascii")
        self.stdout.write(
            f"{interchange.filename}: {interchange.claim_count} claims, control number {interchange.control_number},"
            f" written to {output}."
        )
