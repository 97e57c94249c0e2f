"""Check every signed submission against its signatures: the answers against each current
signature's content hash, and each signature against its record hash and the chain.

Reads each organization's signed submissions in chunks of plain values (no model instances:
building and signalling 200,000 of them cost more than the hashing), each chunk's
signatures in one more query; the signature images stay in the database (PostgreSQL hashes
them), so 100,000 signed submissions are checked in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, F, Func, OuterRef, Q, TextField

from apps.documentation import signing
from apps.documentation.models import ElectronicSignature, FormSubmission
from apps.tenants.models import Organization

CHUNK = 2000
SUBMISSION_FIELDS = ("id", "form_template_id", "client_id", "service_date", "submission_data", "signature_head")
SIGNATURE_FIELDS = (
    "id",
    "form_submission_id",
    "step",
    "signer_id",
    "signer_name",
    "signer_role",
    "method",
    "signed_at",
    "ip_address",
    "user_agent",
    "consent_text",
    "content_hash",
    "record_hash",
    "voided_at",
)


class Sha256Hex(Func):
    """encode(sha256(convert_to(text, 'UTF8')), 'hex'): what signing.record_hash hashes of
    the image or typed name."""

    output_field = TextField()
    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"


def _chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def signed_submissions(chunk_size: int = CHUNK) -> Iterator[tuple[Any, list[Any]]]:
    """Each signed submission of the current schema with its signatures (ordered as signed),
    as the attributes signing.check reads."""
    submissions = (
        # With a signature, or a head saying it had one (its signatures since deleted).
        FormSubmission.objects.filter(
            Exists(ElectronicSignature.objects.filter(form_submission=OuterRef("pk"))) | ~Q(signature_head="")
        )
        .order_by("id")
        .values(*SUBMISSION_FIELDS, version=F("template_version__version"))
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _chunks(submissions, chunk_size):
        by_submission: dict[Any, list[Any]] = defaultdict(list)
        signatures = (
            ElectronicSignature.objects.filter(form_submission_id__in=[row["id"] for row in chunk])
            .order_by("form_submission_id", "signed_at", "id")
            .values(*SIGNATURE_FIELDS, data_sha256=Sha256Hex(F("signature_data")))
        )
        for row in signatures:
            by_submission[row["form_submission_id"]].append(SimpleNamespace(**row))
        for row in chunk:
            version = SimpleNamespace(version=row.pop("version"))
            submission = SimpleNamespace(pk=row["id"], template_version=version, **row)
            yield submission, by_submission[row["id"]]


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
            who = f"{organization.name} ({organization.schema_name})"
            checked = broken = 0
            with organization:
                for submission, signatures in signed_submissions():
                    checked += 1
                    problems = signing.verify(submission, signatures)
                    if problems:
                        broken += 1
                        line = f"{who}: submission {submission.pk}: " + " ".join(problems)
                        self.stderr.write(line)
                        first = first or line
            total += checked
            state = "all match" if not broken else f"{broken} do not match"
            self.stdout.write(f"{who}: {checked} signed submissions, {state}")
        if first:
            raise CommandError(f"Signatures do not match: {first}", returncode=1)
        self.stdout.write(f"{total} signed submissions checked: every signature matches.")
