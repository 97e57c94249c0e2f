"""Home page panels of the documentation app (registered in DocumentationConfig.ready):
the visit notes still due (a DSP's or nurse's own; everyone's, or their clients', for
managers) and the incident reports waiting for review, overdue ones first."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.clients.models import Client, ClientUserObjectPermission, clinical_of
from apps.core import home
from apps.core.versions import tables_of
from apps.documentation import selectors
from apps.documentation.models import FormSubmission, FormTemplate
from apps.scheduling.models import Visit
from apps.staff.home import own_staff
from apps.staff.models import Staff

NOTES_TABLES = tables_of(Visit, FormSubmission, Client, ClientUserObjectPermission, Staff)
INCIDENT_TABLES = tables_of(FormSubmission, FormTemplate, Client, ClientUserObjectPermission, User)


def _reviews(request) -> bool:
    return can(request.user, "documentation.approve_formsubmission")


def _writes_own_notes(request) -> bool:
    # Those who review notes see the team's panel instead (as certifications and
    # team_certifications split HR's view from a supervisor's).
    return not _reviews(request) and own_staff(request) is not None


# The panel counts up to this many ("at least 100"): visits without their note pile up over
# the years, and counting them all on every home would read every visit ever made.
NOTES_DUE_CAP = 100


def _due(request, visits, *, mine: bool) -> dict:
    found = home.rows_and_more(visits.only(*VISIT_COLUMNS), cap=NOTES_DUE_CAP)
    return {
        **found,
        "total": len(found["rows"]) + found["more"],
        "mine": mine,
        "more_url": reverse("documentation:notes_due"),
    }


def notes_due(request) -> dict:
    """A DSP's or nurse's own completed visits whose note is not submitted yet."""
    return _due(request, selectors.notes_due(staff_user=request.user), mine=True)


def team_notes_due(request) -> dict:
    """For those who review notes: the notes due on the visits they oversee (everyone's for
    those who read every submission, their care teams' clients' otherwise)."""
    return _due(request, selectors.notes_due(managed_by=request.user), mine=False)


VISIT_COLUMNS = (
    "pk",
    "clock_in_at",
    "clock_out_at",
    "service_code",
    "client",
    "staff",
    "client__first_name",
    "client__preferred_name",
    "client__last_name",
    "client__client_id",
    "staff__first_name",
    "staff__last_name",
    "staff__preferred_name",
    "staff__employee_id",
)


def incidents_to_review(request) -> dict:
    """Submitted incident reports someone else wrote, the earliest review deadline first:
    the overdue ones lead and are marked."""
    now = timezone.now()
    incidents = (
        selectors.visible_submissions(request.user)
        .filter(status=FormSubmission.Status.SUBMITTED, form_template__form_type=FormTemplate.Type.INCIDENT_REPORT)
        .exclude(staff=request.user)
    )
    found = home.rows_and_more(
        incidents.select_related("client", "staff", "form_template")
        .defer(*clinical_of())
        .order_by("review_due_at", "submitted_at", "pk")
    )
    for incident in found["rows"]:
        incident.overdue = incident.review_overdue(now)
    overdue = incidents.filter(review_due_at__lt=now).count() if found["rows"] else 0
    query = "?status=submitted&overdue=1"
    return {
        **found,
        "overdue": overdue,
        "more_url": reverse("documentation:submissions"),
        "overdue_url": reverse("documentation:submissions") + query,
    }


PANELS = [
    home.Panel(
        key="notes_due",
        title=_("Visit notes due"),
        template="documentation/partials/_home_notes_due.html",
        permissions=("documentation.add_formsubmission",),
        order=13,
        predicate=_writes_own_notes,
        context=notes_due,
        tables=NOTES_TABLES,
    ),
    home.Panel(
        key="incidents_to_review",
        title=_("Incidents to review"),
        template="documentation/partials/_home_incidents.html",
        permissions=("documentation.approve_formsubmission",),
        order=29,
        context=incidents_to_review,
        tables=INCIDENT_TABLES,
    ),
    home.Panel(
        key="team_notes_due",
        title=_("Visit notes due"),
        template="documentation/partials/_home_notes_due.html",
        permissions=("documentation.approve_formsubmission",),
        order=32,
        context=team_notes_due,
        tables=NOTES_TABLES,
    ),
]
