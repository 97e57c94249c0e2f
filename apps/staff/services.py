"""Writes for staff, certifications, training programs and records. Each is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.accounts.permissions import can
from apps.core import clock
from apps.core.validators import set_ssn
from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram, TrainingRecord

# --- staff ------------------------------------------------------------------------------------


def _check_supervisor(staff: Staff) -> None:
    """No one supervises themselves, directly or through a chain."""
    seen = {staff.pk}
    boss = staff.supervisor
    while boss is not None:
        if boss.pk in seen:
            raise ValidationError({"supervisor": _("This would make a supervision loop.")})
        seen.add(boss.pk)
        boss = boss.supervisor


def _check_staff(staff: Staff) -> None:
    errors = {}
    if staff.employment_status == Staff.Status.TERMINATED and not staff.termination_date:
        errors["termination_date"] = _("A terminated staff member needs a termination date.")
    if staff.termination_date and staff.hire_date and staff.termination_date < staff.hire_date:
        errors["termination_date"] = _("The termination date cannot be before the hire date.")
    if staff.fte_percentage is not None and not (Decimal(0) <= staff.fte_percentage <= Decimal(100)):
        errors["fte_percentage"] = _("FTE is a percentage from 0 to 100.")
    if staff.hourly_rate is not None and staff.hourly_rate < 0:
        errors["hourly_rate"] = _("The hourly rate cannot be negative.")
    if staff.salary is not None and staff.salary < 0:
        errors["salary"] = _("The salary cannot be negative.")
    if Staff.objects.filter(employee_id__iexact=staff.employee_id).exclude(pk=staff.pk).exists():
        errors["employee_id"] = _("Another staff member already has this employee ID.")
    if Staff.objects.filter(email__iexact=staff.email).exclude(pk=staff.pk).exists():
        errors["email"] = _("Another staff member already has this email address.")
    if errors:
        raise ValidationError(errors)
    _check_supervisor(staff)


@dataclass(frozen=True)
class Pay:
    """A staff member's pay, set together by people allowed to (staff.change_pay)."""

    hourly_rate: Decimal | None = None
    salary: Decimal | None = None
    pay_type: str = ""
    fte_percentage: Decimal = Decimal(100)

    @classmethod
    def split(cls, values: Mapping[str, Any]) -> tuple[dict[str, Any], Pay | None]:
        """A form's values with the pay apart: None when the form leaves pay out."""
        rest = dict(values)
        if not all(name in rest for name in Staff.PAY_FIELDS):
            for name in Staff.PAY_FIELDS:
                rest.pop(name, None)
            return rest, None
        return rest, cls(**{name: rest.pop(name) for name in Staff.PAY_FIELDS})


@transaction.atomic
def staff_save(
    *,
    staff: Staff | None = None,
    actor: User,
    request: HttpRequest | None = None,
    employee_id: str,
    first_name: str,
    last_name: str,
    email: str,
    hire_date: dt.date,
    middle_name: str = "",
    preferred_name: str = "",
    phone: str = "",
    mobile_phone: str = "",
    date_of_birth: dt.date | None = None,
    address: str = "",
    city: str = "",
    state: str = "",
    zip_code: str = "",
    termination_date: dt.date | None = None,
    employment_status: str = Staff.Status.ACTIVE,
    department: str = "",
    job_title: str = "",
    work_location: str = "",
    supervisor: Staff | None = None,
    notes: str = "",
    user: User | None = None,
    pay: Pay | None = None,
    ssn: str | None = None,
) -> Staff:
    """Create a record (no `staff`) or update `staff`, every column as given. `pay` None
    keeps the pay on file (a new record's defaults); pay changes only for people allowed to
    (the caller's form leaves it out otherwise; this refuses a change that slipped through).
    `user` links an account (the seed); None keeps the link. `ssn`: None keeps it, "" clears
    it, anything else is validated and stored encrypted."""
    staff = staff if staff is not None else Staff()
    if pay is not None and not staff._state.adding and not can(actor, "staff.change_pay"):
        stored = Staff.objects.filter(pk=staff.pk).values(*Staff.PAY_FIELDS).first() or {}
        for name in Staff.PAY_FIELDS:
            if name in stored and getattr(pay, name) != stored[name]:
                raise PermissionDenied
    staff.employee_id, staff.first_name, staff.middle_name = employee_id, first_name, middle_name
    staff.last_name, staff.preferred_name, staff.email = last_name, preferred_name, email
    staff.phone, staff.mobile_phone, staff.date_of_birth = phone, mobile_phone, date_of_birth
    staff.address, staff.city, staff.state, staff.zip_code = address, city, state, zip_code
    staff.hire_date, staff.termination_date, staff.employment_status = hire_date, termination_date, employment_status
    staff.department, staff.job_title, staff.work_location = department, job_title, work_location
    staff.supervisor, staff.notes = supervisor, notes
    if user is not None:
        staff.user = user
    if pay is not None:
        staff.hourly_rate, staff.salary, staff.pay_type = pay.hourly_rate, pay.salary, pay.pay_type
        staff.fte_percentage = pay.fte_percentage
    set_ssn(staff, ssn)
    staff.email = (staff.email or "").strip().lower()
    if staff._state.adding:
        staff.created_by = actor
    _check_staff(staff)
    previous = (
        None
        if staff._state.adding
        else Staff.objects.filter(pk=staff.pk).values_list("employment_status", flat=True).first()
    )
    staff.save()
    if staff.employment_status == Staff.Status.TERMINATED and previous != Staff.Status.TERMINATED:
        _terminated(staff, actor=actor, request=request)
    return staff


def _terminated(staff: Staff, *, actor: User, request: HttpRequest | None) -> None:
    """A terminated person's account is deactivated, which ends every session at once."""
    from apps.accounts import services as accounts
    from apps.accounts.models import AuthEvent

    user = staff.user
    if user is not None and user.status != User.Status.INACTIVE:
        # The account rules hold here too: nobody deactivates themselves, a superuser, or
        # someone whose role they could not give.
        if not accounts.may_manage_user(actor, user):
            raise ValidationError(
                {"employment_status": _("You cannot deactivate this person's account; ask an administrator.")}
            )
        user.status = User.Status.INACTIVE
        user.save(update_fields=["status", "updated_at"])
        accounts.sessions_revoke_all(user=user, actor=actor, reason="terminated", request=request)
        accounts.auth_event_record(
            kind=AuthEvent.Kind.STATUS_CHANGED,
            request=request,
            user=user,
            actor=actor,
            detail={"to": "inactive", "why": "terminated"},
        )


@transaction.atomic
def staff_create_account(*, staff: Staff, request, actor, role=None):
    """An account for the staff member, invited by email; linked to the record."""
    from apps.accounts import services as accounts

    if staff.user_id:
        raise ValidationError(_("This staff member already has an account."))
    if staff.employment_status == Staff.Status.TERMINATED:
        raise ValidationError(_("A terminated staff member gets no account."))
    user = accounts.user_invite(
        request=request,
        email=staff.email,
        first_name=staff.first_name,
        last_name=staff.last_name,
        role=role,
        actor=actor,
    )
    staff.user = user
    staff.save(update_fields=["user", "updated_at"])
    return user


def reveal_ssn(*, staff: Staff, actor, request=None) -> str:
    from apps.audit.services import access_record

    if not can(actor, "staff.reveal_ssn"):
        raise PermissionDenied
    access_record(obj=staff, via="reveal ssn", request=request, user=actor)
    return staff.ssn


# --- certifications ---------------------------------------------------------------------------


def _check_certification(cert: Certification) -> None:
    errors = {}
    if cert.expiry_date and cert.expiry_date < cert.issue_date:
        errors["expiry_date"] = _("The expiry date cannot be before the issue date.")
    if cert.renewal_required and not cert.expiry_date:
        errors["expiry_date"] = _("A certification that must be renewed needs an expiry date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def certification_save(
    *,
    certification: Certification | None = None,
    staff: Staff,
    certification_type: str,
    certification_name: str,
    issuing_organization: str,
    issue_date: dt.date,
    certification_number: str = "",
    expiry_date: dt.date | None = None,
    renewal_required: bool = True,
    renewal_period_months: int | None = None,
    reminder_days_before: int = 30,
    status: str = Certification.Status.ACTIVE,
    verification_url: str = "",
) -> Certification:
    """Add a certification to `staff` (no `certification`) or update one, every column as
    given."""
    certification = certification if certification is not None else Certification()
    certification.staff, certification.certification_type = staff, certification_type
    certification.certification_name, certification.issuing_organization = certification_name, issuing_organization
    certification.certification_number, certification.issue_date = certification_number, issue_date
    certification.expiry_date, certification.renewal_required = expiry_date, renewal_required
    certification.renewal_period_months, certification.reminder_days_before = (
        renewal_period_months,
        reminder_days_before,
    )
    certification.status, certification.verification_url = status, verification_url
    return _write_certification(certification)


def _write_certification(certification: Certification) -> Certification:
    # Types are matched against the required ones: "CPR " and "CPR" are the same.
    certification.certification_type = " ".join(certification.certification_type.split())
    required = (
        CertificationRequirement.objects.filter(certification_type__iexact=certification.certification_type)
        .values_list("certification_type", flat=True)
        .first()
    )
    if required:
        certification.certification_type = required
    _check_certification(certification)
    if certification.status not in Certification.MANUAL:
        # Stored status follows the dates (the job keeps it so); manual states stay.
        today = clock.today()
        expired = certification.expiry_date is not None and certification.expiry_date < today
        certification.status = Certification.Status.EXPIRED if expired else Certification.Status.ACTIVE
    certification.save()
    return certification


@transaction.atomic
def certification_documents_changed(certification: Certification) -> Certification:
    """document and document_url name the newest document attached to the certification
    (registered with the files app, which calls this on every attach, delete and restore)."""
    from django.urls import reverse

    from apps.files import selectors as files

    newest = files.attachments_of(certification).first()
    certification.document = newest
    certification.document_url = reverse("files:download", args=[newest.pk]) if newest else ""
    certification.save(update_fields=["document", "document_url", "updated_at"])
    return certification


@transaction.atomic
def staff_photo_from_upload(*, staff: Staff, stored, actor) -> Staff:
    """A photo streamed in through the files app's upload handler: checked and thumbnailed
    there (nothing is kept of a refused one); the thumbnail becomes the profile picture."""
    from django.urls import reverse

    from apps.files import services as files

    thumbnail = files.photo_from_upload(
        stored=stored, actor=actor, attach_to=staff, filename=f"{staff.employee_id}-photo.jpg"
    )
    staff.photo = thumbnail
    staff.profile_picture_url = reverse("files:download", args=[thumbnail.pk])
    staff.save(update_fields=["photo", "profile_picture_url", "updated_at"])
    return staff


def _months_later(day: dt.date, months: int, *, field: str) -> dt.date:
    try:
        return day + relativedelta(months=months)
    except (OverflowError, ValueError) as exc:
        # Python's dates end on 9999-12-31: a period counted from a date near it runs past the
        # end (a ValueError deep in dateutil, a 500) instead of being refused on the field.
        raise ValidationError({field: _("With this date the period would end after the year 9999.")}) from exc


@transaction.atomic
def certification_renew(
    *,
    certification: Certification,
    issue_date: dt.date,
    expiry_date: dt.date | None = None,
    certification_number: str = "",
) -> Certification:
    """A new record for the renewed certification; the old one stays, linked to it.
    `certification_number` empty keeps the old one's number."""
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    if certification.renewed_by_id:
        raise ValidationError(_("This certification was already renewed."))
    if issue_date < certification.issue_date:
        raise ValidationError({"issue_date": _("A renewal cannot be issued before the certification it renews.")})
    if expiry_date is None and certification.renewal_period_months:
        expiry_date = _months_later(issue_date, certification.renewal_period_months, field="issue_date")
    renewed = Certification(
        staff=certification.staff,
        certification_type=certification.certification_type,
        certification_name=certification.certification_name,
        issuing_organization=certification.issuing_organization,
        certification_number=certification_number or certification.certification_number,
        issue_date=issue_date,
        expiry_date=expiry_date,
        renewal_required=certification.renewal_required,
        renewal_period_months=certification.renewal_period_months,
        reminder_days_before=certification.reminder_days_before,
        verification_url=certification.verification_url,
    )
    _write_certification(renewed)
    certification.renewed_by = renewed
    certification.save(update_fields=["renewed_by", "updated_at"])
    return renewed


def certifications_expire(*, day: dt.date | None = None) -> int:
    """Stored status catches up with the dates (a daily job): active past expiry → expired."""
    day = day or clock.today()
    count = 0
    with transaction.atomic():
        for cert in Certification.objects.select_for_update().filter(
            status=Certification.Status.ACTIVE, expiry_date__lt=day
        ):
            cert.status = Certification.Status.EXPIRED
            cert.save(update_fields=["status", "updated_at"])  # one by one: audited
            count += 1
    return count


# --- training ---------------------------------------------------------------------------------


def _check_program(program: TrainingProgram) -> None:
    errors = {}
    if program.test_required and program.passing_score is None:
        errors["passing_score"] = _("A program with a test needs a passing score.")
    if program.passing_score is not None and not (Decimal(0) <= program.passing_score <= Decimal(100)):
        errors["passing_score"] = _("The passing score is from 0 to 100.")
    if program.duration_hours is not None and program.duration_hours < 0:
        errors["duration_hours"] = _("The duration cannot be negative.")
    if errors:
        raise ValidationError(errors)
    # Prerequisites: other programs, and no cycle through them.
    graph = {
        str(pk): [str(p) for p in (pre or [])] for pk, pre in TrainingProgram.objects.values_list("pk", "prerequisites")
    }
    me = str(program.pk)
    graph[me] = [str(p) for p in program.prerequisites or []]
    if me in graph[me]:
        raise ValidationError({"prerequisites": _("A program cannot be its own prerequisite.")})
    unknown = [p for p in graph[me] if p not in graph]
    if unknown:
        raise ValidationError({"prerequisites": _("A prerequisite does not exist.")})
    stack, seen = list(graph[me]), set()
    while stack:
        node = stack.pop()
        if node == me:
            raise ValidationError({"prerequisites": _("These prerequisites would make a loop.")})
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, []))


@transaction.atomic
def program_save(
    *,
    program: TrainingProgram | None = None,
    program_name: str,
    description: str = "",
    category: str = "",
    is_mandatory: bool = False,
    frequency_months: int | None = None,
    duration_hours: Decimal | None = None,
    delivery_method: str = "",
    materials_url: str = "",
    test_required: bool = False,
    passing_score: Decimal | None = None,
    is_active: bool = True,
    prerequisites: Iterable[TrainingProgram] = (),
    required_job_titles: Iterable[str] = (),
    required_roles: Iterable[Role] | None = None,
) -> TrainingProgram:
    """Create a program (no `program`) or update one, every column as given; `required_roles`
    None keeps the roles it has."""
    program = program if program is not None else TrainingProgram()
    program.program_name, program.description, program.category = program_name, description, category
    program.is_mandatory, program.frequency_months, program.duration_hours = (
        is_mandatory,
        frequency_months,
        duration_hours,
    )
    program.delivery_method, program.materials_url, program.is_active = delivery_method, materials_url, is_active
    program.test_required, program.passing_score = test_required, passing_score
    program.prerequisites = [str(other.pk) for other in prerequisites]
    program.required_job_titles = list(required_job_titles)
    _check_program(program)
    program.save()
    if required_roles is not None:
        program.required_roles.set(required_roles)
    return program


def training_record_check(record: TrainingRecord) -> None:
    """What a training record must satisfy (the admin's form asks too)."""
    program = record.program
    errors = {}
    if record.completed_on and record.completed_on > clock.today():
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if record.score is not None and not (Decimal(0) <= record.score <= Decimal(100)):
        errors["score"] = _("The score is from 0 to 100.")
    if program.test_required and record.score is None:
        errors["score"] = _("This program has a test: enter the score.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def training_record_save(
    *,
    record: TrainingRecord | None = None,
    staff: Staff,
    program: TrainingProgram,
    completed_on: dt.date,
    score: Decimal | None = None,
) -> TrainingRecord:
    """Record a completed training (no `record`) or update one. Passed follows the score
    (when the program has a test); expiry follows the program's frequency."""
    record = record if record is not None else TrainingRecord()
    record.staff, record.program, record.completed_on, record.score = staff, program, completed_on, score
    training_record_check(record)
    record.passed = not program.test_required or (
        score is not None and program.passing_score is not None and score >= program.passing_score
    )
    record.expires_on = (
        _months_later(completed_on, program.frequency_months, field="completed_on")
        if program.frequency_months and record.passed
        else None
    )
    record.save()
    return record
