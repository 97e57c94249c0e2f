"""A submission on paper.

`submission_pdf` is the PDF, branded like the care plan (apps/clients/printing.py): the
organization's logo, colour and name, every section and answer, the signatures (drawn image
or typed name, signer, role, time, voided ones marked) and the content hash, "Page x of y",
times in the organization's zone.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify

from apps.core import clock
from apps.core.pdf import logo_data_url
from apps.documentation import reading, signing
from apps.documentation.models import ElectronicSignature, FormSubmission
from apps.tenants import theme


def submission_pdf(*, submission: FormSubmission, organization) -> bytes:
    from apps.core.pdf import render_pdf

    signatures = list(
        ElectronicSignature.objects.filter(form_submission=submission)
        .select_related("signer")
        .order_by("signed_at", "id")
    )
    current = [signature for signature in signatures if signature.voided_at is None]
    zone = clock.zone(organization)
    with timezone.override(zone):
        return render_pdf(
            template="documentation/submission_pdf.html",
            context={
                "submission": submission,
                "template": submission.form_template,
                "client": submission.client,
                "author": submission.staff,
                "sections": reading.readable_sections(submission),
                "signatures": signatures,
                "content_hash": signing.content_hash(submission),
                "signed_hash": current[-1].content_hash if current else "",
                "organization": organization,
                "logo": logo_data_url(organization),
                # Headings in the brand colour on white paper: darkened if too light to read.
                "color": theme.ink_on_page(getattr(organization, "primary_color", "") or theme.DEFAULT_PRIMARY),
                "printed_at": timezone.localtime(),
                "zone": str(zone),
            },
        )


def filename(submission: FormSubmission) -> str:
    name = slugify(str(submission.form_template.template_name))[:40] or "form"
    client = f"-{submission.client.client_id}" if submission.client_id and submission.client else ""
    return f"{name}{client}-{submission.service_date.isoformat()}-{str(submission.pk)[:8]}.pdf"
