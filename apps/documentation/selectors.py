"""Reads: who sees which submissions, the filtered list with keyset pagination, one
submission with what it shows, templates people may fill in, and the visit notes due.

Access follows the clients app: people who hold documentation.view_formsubmission see every
submission; everyone else sees their own, and those of the clients whose care team they are
on (clients.models.ClientUserObjectPermission).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.clients.models import Client, ClientUserObjectPermission, clinical_of
from apps.clients.selectors import on_care_team, visible_clients
from apps.core import keyset
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate, SubmissionEvent
from apps.scheduling.models import Visit

PAGE_SIZE = 25


def sees_every_submission(user) -> bool:
    return can(user, "documentation.view_formsubmission")


def care_team_clients(user) -> QuerySet:
    return ClientUserObjectPermission.objects.filter(user=user).values("content_object_id")


def visible_submissions(user) -> QuerySet[FormSubmission]:
    """Everything but others' drafts for those who review documentation; otherwise the
    person's own and those of the clients whose care team they are on. Holding clients.view_client (schedulers) does
    not open the notes: like contacts and care plans, they are a part of the record."""
    # A draft is its author's alone until it is submitted, whoever else may read the record.
    submissions = FormSubmission.objects.filter(~Q(status=FormSubmission.Status.DRAFT) | Q(staff=user))
    if sees_every_submission(user):
        return submissions
    return submissions.filter(Q(staff=user) | Q(client__in=care_team_clients(user)))


def sees_client_documentation(user, client) -> bool:
    return sees_every_submission(user) or on_care_team(user, client)


def get_submission_for_user(user, pk) -> FormSubmission:
    """The submission with what its page shows, or 404 for missing and not-yours alike."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    submission = (
        visible_submissions(user)
        .select_related("form_template", "template_version", "client", "staff", "approved_by", "visit")
        # The template's current structure is not what the submission shows (its version is).
        .defer("form_template__form_structure", "form_template__description", *clinical_of())
        .filter(pk=key)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def signatures_of(submission: FormSubmission) -> list[ElectronicSignature]:
    return list(submission.signatures.select_related("signer").order_by("signed_at", "id"))


def events_of(submission: FormSubmission) -> list[SubmissionEvent]:
    return list(submission.events.select_related("actor").order_by("created_at", "id"))


# --- the list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    template: uuid.UUID | None = None
    status: str = ""
    client: uuid.UUID | None = None
    author: uuid.UUID | None = None
    author_name: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False


def submission_list(user, filters: Filters) -> QuerySet[FormSubmission]:
    submissions = (
        visible_submissions(user)
        .select_related("form_template", "client", "staff")
        .only(
            "pk",
            "status",
            "service_date",
            "created_at",
            "submitted_at",
            "review_due_at",
            "locked_at",
            "alerted",
            "form_template__template_name",
            "form_template__starter",
            "form_template__form_type",
            "client__first_name",
            "client__last_name",
            "client__preferred_name",
            "client__client_id",
            "staff__first_name",
            "staff__last_name",
            "staff__email",
        )
    )
    if filters.template:
        submissions = submissions.filter(form_template_id=filters.template)
    if filters.status in FormSubmission.Status.values:
        submissions = submissions.filter(status=filters.status)
    if filters.client:
        submissions = submissions.filter(client_id=filters.client)
    if filters.author:
        submissions = submissions.filter(staff_id=filters.author)
    if filters.author_name:
        # A name typed in: people's names and emails (a few hundred), then their submissions.
        words = filters.author_name.split()
        people = User.objects.all()
        for word in words[:4]:
            people = people.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        submissions = submissions.filter(staff__in=people.values("pk"))
    if filters.date_from:
        submissions = submissions.filter(service_date__gte=filters.date_from)
    if filters.date_to:
        submissions = submissions.filter(service_date__lte=filters.date_to)
    if filters.overdue:
        submissions = submissions.filter(status=FormSubmission.Status.SUBMITTED, review_due_at__lt=timezone.now())
    return submissions.order_by("-created_at", "-id")


def page_of(submissions: QuerySet[FormSubmission], cursor: str = "") -> tuple[list[FormSubmission], str]:
    """One page, newest first, after `cursor`; and the cursor of the next page ("" at the end)."""
    return keyset.page(submissions, cursor, order=("-created_at", "-id"), size=PAGE_SIZE)


# --- templates ----------------------------------------------------------------------------------


def fillable_templates() -> QuerySet[FormTemplate]:
    return FormTemplate.objects.filter(is_active=True).only(
        "pk", "template_name", "starter", "form_type", "category", "description", "version"
    )


def get_template(pk) -> FormTemplate:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    template = FormTemplate.objects.filter(pk=key).first()
    if template is None:
        raise Http404
    return template


def note_template_for(visit: Visit) -> FormTemplate | None:
    """The progress note a visit's clock-out offers: the template chosen for its service,
    else the organization's default visit note."""
    templates = FormTemplate.objects.filter(is_active=True)
    if visit.service_code:
        chosen = templates.filter(visit_note_services__code=visit.service_code).order_by("template_name").first()
        if chosen is not None:
            return chosen
    return templates.filter(is_default_visit_note=True).first()


# --- visit notes due ----------------------------------------------------------------------------


def notes_due(*, staff_user=None, managed_by=None) -> QuerySet[Visit]:
    """Completed visits with no submitted note: a DSP's own (`staff_user`), or every one the
    manager sees (`managed_by`). A visit without a client has no note to write (a note is
    about a person), so it is never due."""
    has_note = FormSubmission.objects.filter(visit=OuterRef("pk")).exclude(status=FormSubmission.Status.DRAFT)
    visits = (
        Visit.objects.filter(clock_out_at__isnull=False, client__isnull=False)
        .exclude(Exists(has_note))
        .select_related("client", "staff")
        .defer(*clinical_of(), "staff__ssn")
        .order_by("-clock_out_at", "-id")
    )
    if staff_user is not None:
        visits = visits.filter(staff__user=staff_user)
    if managed_by is not None and not sees_every_submission(managed_by):
        visits = visits.filter(client__in=care_team_clients(managed_by))
    return visits


def clients_to_document(user) -> QuerySet[Client]:
    """Clients a person may write about: those they see (care team, or everyone for those who
    see every client), current ones only."""
    return (
        visible_clients(user)
        .exclude(status__in=Client.CLOSED)
        .only("pk", "first_name", "last_name", "preferred_name", "client_id")
        .order_by("last_name", "first_name")
    )
