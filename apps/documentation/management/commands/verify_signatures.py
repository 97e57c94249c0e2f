"""Check every signed submission against its signatures: the answers against each current
signature's content hash, and each signature against its record hash and the chain.

Streams the submissions of each organization in chunks, each chunk's signatures fetched
with it in one more query; the images themselves stay in the database (PostgreSQL hashes
them), so 100,000 signed submissions are read in seconds.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, F, Func, OuterRef, Prefetch, TextField

from apps.documentation import signing
from apps.documentation.models import ElectronicSignature, FormSubmission
from apps.tenants.models import Organization

CHUNK = 2000


class Sha256Hex(Func):
    """encode(sha256(convert_to(text, 'UTF8')), 'hex'): what signing.record_hash hashes."""

    output_field = TextField()
    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"


def signed_submissions():
    signatures = (
        ElectronicSignature.objects.defer("signature_data")
        .annotate(data_sha256=Sha256Hex(F("signature_data")))
        .order_by("signed_at", "id")
    )
    return (
        FormSubmission.objects.filter(Exists(ElectronicSignature.objects.filter(form_submission=OuterRef("pk"))))
        .select_related("template_version")
        .only(
            "id",
            "form_template_id",
            "client_id",
            "service_date",
            "submission_data",
            "template_version__id",
            "template_version__version",
        )
        .prefetch_related(Prefetch("signatures", queryset=signatures))
        .order_by("id")
    )


class Command(BaseCommand):
    help = (
        "Check every signed submission against its signatures (answers and signature records). "
        "Exits 1 naming the first that does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this organization's schema (default: every organization).")

    def handle(self, *args, schema=None, **options):
        organizations = Organization.objects.real().order_by("schema_name")
        if schema:
            organizations = organizations.filter(schema_name=schema)
            if not organizations.exists():
                raise CommandError(f"No organization with schema {schema!r}.")
        first = None
        total = 0
        for organization in organizations:
            checked = 0
            broken = 0
            with organization:
                for submission in signed_submissions().iterator(chunk_size=CHUNK):
                    checked += 1
                    problems = signing.verify(submission, list(submission.signatures.all()))
                    if problems:
                        broken += 1
                        line = f"{organization.name} ({organization.schema_name}): submission {submission.pk}: "
                        line += " ".join(problems)
                        self.stderr.write(line)
                        first = first or line
            total += checked
            state = "all match" if not broken else f"{broken} do not match"
            who = f"{organization.name} ({organization.schema_name})"
            self.stdout.write(f"{who}: {checked} signed submissions, {state}")
        if first:
            raise CommandError(f"Signatures do not match: {first}", returncode=1)
        self.stdout.write(f"{total} signed submissions checked: every signature matches.")
