"""Writes of care documentation: templates and their versions, submissions through draft →
submitted → approved / rejected, incidents raised to managers, and signatures.

Every function is one transaction; a refusal raises ValidationError (shown by the form) or
PermissionDenied, and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.clients.models import Client
from apps.core import clock
from apps.core.tenancy import current_organization
from apps.documentation import kinds, signing
from apps.documentation.models import (
    FormSubmission,
    FormTemplate,
    FormTemplateVersion,
    SubmissionEvent,
)
from apps.documentation.structure import ALERTING, fields_of, validate_structure
from apps.scheduling.models import Service, Visit

DEFAULT_INCIDENT_REVIEW_HOURS = 24


def settings_of(organization) -> dict:
    section = (getattr(organization, "settings", None) or {}).get("documentation")
    return section if isinstance(section, dict) else {}


def incident_review_hours(organization) -> int:
    value = settings_of(organization).get("incident_review_hours", DEFAULT_INCIDENT_REVIEW_HOURS)
    try:
        hours = int(value)
    except (TypeError, ValueError):
        return DEFAULT_INCIDENT_REVIEW_HOURS
    return hours if hours > 0 else DEFAULT_INCIDENT_REVIEW_HOURS


# --- templates ----------------------------------------------------------------------------------


def _check_signers(*, requires_signature: bool, signers: list[str]) -> list[str]:
    signers = [str(step) for step in signers or []]
    unknown = [step for step in signers if step not in FormTemplate.Signer.values]
    if unknown:
        raise ValidationError({"signers": _("Unknown signer: %(names)s.") % {"names": ", ".join(unknown)}})
    if len(set(signers)) != len(signers):
        raise ValidationError({"signers": _("Each signer signs once.")})
    if requires_signature and not signers:
        signers = [FormTemplate.Signer.AUTHOR]
    return signers


@transaction.atomic
def template_create(
    *,
    actor: User | None,
    template_name: str,
    form_structure: Any,
    form_type: str = FormTemplate.Type.OTHER,
    category: str = "",
    description: str = "",
    is_active: bool = True,
    requires_signature: bool = False,
    requires_approval: bool = False,
    signers: list[str] | None = None,
    starter: str = "",
) -> FormTemplate:
    try:
        validate_structure(form_structure)
    except ValidationError as exc:
        raise ValidationError({"form_structure": exc.messages}) from None
    template = FormTemplate(
        template_name=template_name.strip(),
        form_type=form_type,
        category=category.strip(),
        description=description,
        form_structure=form_structure,
        is_active=is_active,
        requires_signature=requires_signature,
        requires_approval=requires_approval,
        signers=_check_signers(requires_signature=requires_signature, signers=signers or []),
        starter=starter,
        created_by=actor,
    )
    template.full_clean(exclude=["form_structure", "signers", "visit_note_services"])
    template.save()
    FormTemplateVersion.objects.create(template=template, version=1, form_structure=form_structure, created_by=actor)
    return template


@transaction.atomic
def template_update(*, template: FormTemplate, actor: User | None, **values: Any) -> FormTemplate:
    """Change a template. A new structure for a template already filled in becomes a new
    version; submissions keep the version they were filled on."""
    template = FormTemplate.objects.select_for_update().get(pk=template.pk)
    structure = values.pop("form_structure", None)
    if "signers" in values or "requires_signature" in values:
        values["signers"] = _check_signers(
            requires_signature=values.get("requires_signature", template.requires_signature),
            signers=values.get("signers", template.signers),
        )
    changed = []
    for name, value in values.items():
        if name not in TEMPLATE_FIELDS:
            raise TypeError(f"template_update() got an unexpected field {name!r}")
        if getattr(template, name) != value:
            setattr(template, name, value.strip() if isinstance(value, str) and name != "description" else value)
            changed.append(name)
    if structure is not None and structure != template.form_structure:
        try:
            validate_structure(structure)
        except ValidationError as exc:
            raise ValidationError({"form_structure": exc.messages}) from None
        current = FormTemplateVersion.objects.select_for_update().get(template=template, version=template.version)
        if current.submissions.exists():
            template.version += 1
            FormTemplateVersion.objects.create(
                template=template, version=template.version, form_structure=structure, created_by=actor
            )
            changed.append("version")
        else:
            current.form_structure = structure
            current.save(update_fields=["form_structure", "updated_at"])
        template.form_structure = structure
        changed.append("form_structure")
    if changed:
        template.full_clean(exclude=["form_structure", "signers", "visit_note_services"])
        template.save(update_fields=[*changed, "updated_at"])
    return template


TEMPLATE_FIELDS = {
    "template_name",
    "form_type",
    "category",
    "description",
    "is_active",
    "requires_signature",
    "requires_approval",
    "signers",
    "is_default_visit_note",
}


@transaction.atomic
def template_set_visit_note(
    *, template: FormTemplate, services: list[Service], is_default_visit_note: bool
) -> FormTemplate:
    """Which visits offer this template as their note: these services, or every service no
    other template is chosen for (the default)."""
    template = FormTemplate.objects.select_for_update().get(pk=template.pk)
    if is_default_visit_note and not template.is_default_visit_note:
        FormTemplate.objects.filter(is_default_visit_note=True).update(is_default_visit_note=False)
    template.is_default_visit_note = is_default_visit_note
    template.save(update_fields=["is_default_visit_note", "updated_at"])
    template.visit_note_services.set(services)
    return template


def template_current_version(template: FormTemplate) -> FormTemplateVersion:
    return FormTemplateVersion.objects.get(template=template, version=template.version)


# --- submissions --------------------------------------------------------------------------------


def _event(submission: FormSubmission, action: str, actor: User | None, note: str = "", answers=None) -> None:
    SubmissionEvent.objects.create(submission=submission, action=action, actor=actor, note=note, answers=answers)


@transaction.atomic
def submission_start(
    *,
    template: FormTemplate,
    author: User,
    client: Client | None = None,
    visit: Visit | None = None,
    answers: dict | None = None,
    service_date: dt.date | None = None,
) -> FormSubmission:
    """A draft on the template's current version (prefilled answers, if any)."""
    if not template.is_active:
        raise ValidationError(_("This form is no longer in use."))
    if visit is not None:
        existing = FormSubmission.objects.filter(visit=visit).first()
        if existing is not None:
            return existing
    submission = FormSubmission.objects.create(
        form_template=template,
        template_version=template_current_version(template),
        client=client,
        staff=author,
        visit=visit,
        submission_data=answers or {},
        service_date=service_date or clock.today(current_organization()),
    )
    _event(submission, SubmissionEvent.Action.CREATED, author)
    return submission


def _store_uploads(submission: FormSubmission, uploads: dict[str, UploadedFile], actor: User) -> dict[str, str]:
    from apps.files import services as files

    stored = {}
    for key, upload in uploads.items():
        content = upload.read()
        file = files.file_store_bytes(
            content=content,
            filename=upload.name or key,
            actor=actor,
            description=str(submission.form_template),
            attach_to=submission.client or submission,
        )
        stored[key] = str(file.pk)
    return stored


def _refuse_if_locked(submission: FormSubmission) -> None:
    if not submission.is_editable:
        raise ValidationError(_("This submission can no longer be changed."))


@transaction.atomic
def submission_save(
    *,
    submission: FormSubmission,
    actor: User,
    answers: dict,
    uploads: dict[str, UploadedFile] | None = None,
    client: Client | None = None,
    submit: bool = False,
    signature: signing.SignatureInput | None = None,
) -> FormSubmission:
    """Save the answers as a draft, or submit them. A rejected submission is corrected the
    same way: submitting it again keeps its history. Submitting a form the author signs
    needs the signature with it; incidents with an alert notify the managers at once."""
    # The version too: its sensitive fields say which answers are stored encrypted (read, not
    # locked: the rows locked are those locked before).
    submission = (
        FormSubmission.objects.select_for_update(of=("self", "form_template"))
        .select_related("form_template", "template_version")
        .get(pk=submission.pk)
    )
    if submission.staff_id != actor.pk:
        raise PermissionDenied
    _refuse_if_locked(submission)
    data = dict(answers)
    data.update(_store_uploads(submission, uploads or {}, actor))
    submission.submission_data = data
    if client is not None:
        submission.client = client
    fields = ["submission_data", "client", "updated_at"]
    if not submit:
        submission.save(update_fields=fields)
        return submission
    template = submission.form_template
    was_rejected = submission.status == FormSubmission.Status.REJECTED
    now = timezone.now()
    submission.status = FormSubmission.Status.SUBMITTED
    submission.submitted_at = now
    submission.rejection_reason = ""
    fields += ["status", "submitted_at", "rejection_reason"]
    if template.form_type == FormTemplate.Type.INCIDENT_REPORT:
        submission.review_due_at = now + dt.timedelta(hours=incident_review_hours(current_organization()))
        fields.append("review_due_at")
    submission.save(update_fields=fields)
    _event(
        submission,
        SubmissionEvent.Action.RESUBMITTED if was_rejected else SubmissionEvent.Action.SUBMITTED,
        actor,
    )
    steps = template.signer_steps
    if steps and steps[0] == FormTemplate.Signer.AUTHOR:
        if signature is None:
            raise ValidationError({"signature": _("Sign the form to submit it.")})
        signing.sign(submission=submission, signer=actor, step=FormTemplate.Signer.AUTHOR, signature=signature)
    if not template.requires_approval and not steps:
        # Nothing else to wait for.
        pass
    alerts = alerting_answers(submission)
    if alerts and not submission.alerted:
        _raise_alert(submission, alerts)
    elif template.requires_approval:
        _ask_approvers(submission)
    return submission


def alerting_answers(submission: FormSubmission) -> list[str]:
    """The labels of the alert fields answered yes (injury, suspected abuse)."""
    from apps.documentation.structure import text

    data = submission.submission_data or {}
    return [
        text(spec["label"])
        for spec in fields_of(submission.template_version.form_structure)
        if spec.get("alert") and spec["type"] in ALERTING and data.get(spec["key"]) in ("yes", True)
    ]


def _reviewers(*, exclude: User | None = None):
    people = User.objects.filter(
        status=User.Status.ACTIVE,
        role__group__permissions__codename="approve_formsubmission",
        role__group__permissions__content_type__app_label="documentation",
    )
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.distinct()


def _raise_alert(submission: FormSubmission, alerts: list[str]) -> None:
    from apps.notifications import services as notifications
    from apps.notifications.models import Notification

    submission.alerted = True
    submission.save(update_fields=["alerted", "updated_at"])
    _event(submission, SubmissionEvent.Action.ALERTED, None, note="; ".join(alerts))
    client = submission.client.display_name if submission.client else ""
    notifications.notify(
        recipients=list(_reviewers()),
        type=kinds.INCIDENT_ALERT.key,
        context={
            "form": str(submission.form_template),
            "client": client,
            "what": ", ".join(alerts),
            "author": str(submission.staff),
        },
        priority=Notification.Priority.HIGH,
        channels=["in_app", "email"],
        link=submission.get_absolute_url(),
    )


def _ask_approvers(submission: FormSubmission) -> None:
    from apps.notifications import services as notifications

    notifications.notify(
        recipients=list(_reviewers(exclude=submission.staff)),
        type=kinds.SUBMITTED.key,
        context={
            "form": str(submission.form_template),
            "client": submission.client.display_name if submission.client else "",
            "author": str(submission.staff),
        },
        link=submission.get_absolute_url(),
    )


def _check_reviewer(submission: FormSubmission, actor: User) -> None:
    if not can(actor, "documentation.approve_formsubmission"):
        raise PermissionDenied
    if submission.status != FormSubmission.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted form can be approved or rejected."))
    if submission.staff_id == actor.pk:
        raise ValidationError(_("Someone other than the author must review it."))


@transaction.atomic
def submission_approve(
    *, submission: FormSubmission, actor: User, signature: signing.SignatureInput | None = None
) -> FormSubmission:
    submission = FormSubmission.objects.select_for_update().select_related("form_template").get(pk=submission.pk)
    _check_reviewer(submission, actor)
    steps = submission.form_template.signer_steps
    if FormTemplate.Signer.APPROVER in steps:
        if signature is None:
            raise ValidationError({"signature": _("Sign to approve.")})
        signing.sign(submission=submission, signer=actor, step=FormTemplate.Signer.APPROVER, signature=signature)
    submission.status = FormSubmission.Status.APPROVED
    submission.approved_by, submission.approved_at = actor, timezone.now()
    submission.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _event(submission, SubmissionEvent.Action.APPROVED, actor)
    return submission


@transaction.atomic
def submission_reject(*, submission: FormSubmission, actor: User, reason: str) -> FormSubmission:
    """Back to its author with a reason. Its signatures are voided (kept, shown as voided):
    the corrected answers are signed again."""
    # The version (read, not locked): the answers kept with the event are stored as its
    # sensitive fields say.
    submission = (
        FormSubmission.objects.select_for_update(of=("self",)).select_related("template_version").get(pk=submission.pk)
    )
    _check_reviewer(submission, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason, so the author knows what to correct.")})
    submission.status = FormSubmission.Status.REJECTED
    submission.rejection_reason = reason
    submission.locked_at = None
    submission.save(update_fields=["status", "rejection_reason", "locked_at", "updated_at"])
    signing.void_signatures(submission)
    _event(submission, SubmissionEvent.Action.REJECTED, actor, note=reason, answers=submission.submission_data)
    _tell_author(submission, actor, reason)
    return submission


def _tell_author(submission: FormSubmission, reviewer: User, reason: str) -> None:
    """The author hears at once that their form came back, and why (on their phone too)."""
    from apps.notifications import services as notifications

    notifications.notify(
        recipients=[submission.staff],
        type=kinds.REJECTED.key,
        context={
            "form": str(submission.form_template),
            "client": submission.client.display_name if submission.client else "—",
            "reviewer": str(reviewer),
            "reason": reason,
        },
        channels=["in_app", "email"],
        link=reverse("documentation:fill", args=[submission.pk]),
    )


@transaction.atomic
def submission_delete_draft(*, submission: FormSubmission, actor: User) -> None:
    submission = FormSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.staff_id != actor.pk or submission.status != FormSubmission.Status.DRAFT:
        raise ValidationError(_("Only your own draft can be deleted."))
    submission.events.all().delete()
    submission.delete()
