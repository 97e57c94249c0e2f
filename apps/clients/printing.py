"""Care plans on paper: a branded WeasyPrint PDF (the organization's logo, colours and name,
the client, goals and interventions, signature lines, "Page x of y", times in the
organization's zone). The approved version is stored through the files app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from apps.clients.models import CarePlan
from apps.core.pdf import logo_data_url, render_pdf
from apps.tenants import theme
from apps.tenants.models import Organization


def care_plan_pdf(*, plan: CarePlan, organization: Organization | None) -> bytes:
    zone = timezone.get_current_timezone()
    if organization is not None and organization.timezone:
        import zoneinfo

        zone = zoneinfo.ZoneInfo(organization.timezone)
    with timezone.override(zone):
        return render_pdf(
            template="clients/care_plan_pdf.html",
            context={
                "plan": plan,
                "client": plan.client,
                "organization": organization,
                "logo": logo_data_url(organization),
                # Headings in the brand colour on white paper: darkened if too light to read.
                "color": theme.ink_on_page(getattr(organization, "primary_color", "") or theme.DEFAULT_PRIMARY),
                "printed_at": timezone.localtime(),
                "zone": str(zone),
            },
        )


def filename(plan: CarePlan) -> str:
    return f"care-plan-{plan.client.client_id}-{slugify(plan.title)[:40]}-v{plan.version}.pdf"


def store_approved_pdf(*, plan: CarePlan, actor, organization) -> None:
    """The approved version, kept with the plan and linked from document_url."""
    from apps.files import services as files

    pdf = care_plan_pdf(plan=plan, organization=organization)
    stored = files.file_store_bytes(
        content=pdf, filename=filename(plan), actor=actor, description=plan.title, attach_to=plan
    )
    plan.document = stored
    plan.document_url = reverse("files:download", args=[stored.pk])
    plan.save(update_fields=["document", "document_url", "updated_at"])
