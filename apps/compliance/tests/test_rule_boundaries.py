"""Each rule type finds what it should and nothing more, at the edges of its parameters, with
the clock set (alpha is in Chicago: "today" is the organization's date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from apps.accounts.models import Role, User
from apps.billing.models import ServiceAuthorization
from apps.billing.tests import claims_support as billing
from apps.clients.models import CarePlan, Client
from apps.compliance.tests.support import (
    NOON,
    TODAY,
    found,
    make_certification,
    make_client,
    make_location,
    make_plan,
    make_service,
    make_shift,
    make_staff,
    make_visit,
)
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate
from apps.scheduling.models import Shift, Visit
from apps.staff.models import Staff, TrainingProgram, TrainingRecord

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def at_noon(org_a):
    with time_machine.travel(NOON, tick=False), org_a:
        yield org_a


# --- staff ----------------------------------------------------------------------------------------------


def test_certification_expiring_counts_the_last_day_of_the_window_and_not_the_day_after(at_noon):
    staff = make_staff()
    last_day = make_certification(staff, expires=TODAY + 30 * DAY)
    after = make_certification(make_staff(), expires=TODAY + 31 * DAY)
    expired = make_certification(make_staff(), expires=TODAY - DAY)
    assert found("certification_expiring", certification_type="CPR", within_days=30) >= {last_day.pk, expired.pk}
    assert after.pk not in found("certification_expiring", certification_type="CPR", within_days=30)
    assert last_day.pk not in found("certification_expiring", certification_type="CPR", within_days=29)


def test_certification_expiring_leaves_out_renewed_suspended_other_types_and_former_staff(at_noon):
    renewed = make_certification(make_staff(), expires=TODAY + DAY)
    renewed.renewed_by = make_certification(renewed.staff, expires=TODAY + 700 * DAY)
    renewed.save(update_fields=["renewed_by"])
    suspended = make_certification(make_staff(), expires=TODAY + DAY, status="suspended")
    first_aid = make_certification(make_staff(), "First Aid", expires=TODAY + DAY)
    gone = make_certification(make_staff(employment_status=Staff.Status.TERMINATED), expires=TODAY + DAY)
    cpr = found("certification_expiring", certification_type="CPR", within_days=30)
    assert not {renewed.pk, suspended.pk, first_aid.pk, gone.pk} & cpr
    assert first_aid.pk in found("certification_expiring", certification_type="", within_days=30)


def test_certification_missing_finds_staff_of_the_roles_without_a_valid_one_today(at_noon):
    dsp_role = Role.objects.get(name="Direct Support Professional")
    user = User.objects.create(email="cm-dsp@example.org", role=dsp_role, status=User.Status.ACTIVE)
    expires_today = make_staff(user=user)
    make_certification(expires_today, expires=TODAY)
    expired_yesterday = make_staff(
        user=User.objects.create(email="cm-dsp2@example.org", role=dsp_role, status=User.Status.ACTIVE)
    )
    make_certification(expired_yesterday, expires=TODAY - DAY)
    not_yet_issued = make_staff(
        user=User.objects.create(email="cm-dsp3@example.org", role=dsp_role, status=User.Status.ACTIVE)
    )
    make_certification(not_yet_issued, expires=None, issue_date=TODAY + DAY)
    no_account = make_staff()
    dsps = found("certification_missing", certification_type="CPR", roles=["Direct Support Professional"])
    assert expires_today.pk not in dsps
    assert {expired_yesterday.pk, not_yet_issued.pk} <= dsps
    assert no_account.pk not in dsps
    assert no_account.pk in found("certification_missing", certification_type="CPR", roles=[])


def test_training_overdue_follows_expiry_and_who_the_program_applies_to(at_noon):
    program = TrainingProgram.objects.create(program_name="Abuse reporting", is_mandatory=True)
    nurses_only = TrainingProgram.objects.create(
        program_name="Wound care", is_mandatory=True, required_job_titles=["Nurse"]
    )
    current = make_staff()
    TrainingRecord.objects.create(staff=current, program=program, completed_on=TODAY - DAY, expires_on=TODAY)
    lapsed = make_staff()
    TrainingRecord.objects.create(staff=lapsed, program=program, completed_on=TODAY - 400 * DAY, expires_on=TODAY - DAY)
    never = make_staff(job_title="nurse ")
    overdue = found("training_overdue", program="Abuse reporting")
    assert current.pk not in overdue
    assert {lapsed.pk, never.pk} <= overdue
    wound = found("training_overdue", program="Wound care")
    assert never.pk in wound and lapsed.pk not in wound
    TrainingProgram.objects.filter(pk=nurses_only.pk).update(is_mandatory=False)
    assert never.pk not in found("training_overdue", program="Wound care")


# --- clients --------------------------------------------------------------------------------------------


def test_care_plan_review_due_within_the_days_or_past(at_noon):
    client = make_client()
    due_last_day = make_plan(client, review_date=TODAY + 30 * DAY)
    due_later = make_plan(make_client(), review_date=TODAY + 31 * DAY)
    overdue = make_plan(make_client(), review_date=TODAY - DAY)
    draft = make_plan(make_client(), review_date=TODAY, status=CarePlan.Status.DRAFT)
    discharged = make_plan(make_client(status=Client.Status.DISCHARGED), review_date=TODAY)
    due = found("care_plan_review_due", days=30)
    assert {due_last_day.pk, overdue.pk} <= due
    assert not {due_later.pk, draft.pk, discharged.pk} & due
    assert due_last_day.pk not in found("care_plan_review_due", days=29)


def test_care_plan_missing_for_active_clients_without_one_in_force(at_noon):
    covered = make_client()
    make_plan(covered, end_date=TODAY)
    ended_yesterday = make_client()
    make_plan(ended_yesterday, end_date=TODAY - DAY)
    draft_only = make_client()
    make_plan(draft_only, status=CarePlan.Status.DRAFT)
    other_type = make_client()
    make_plan(other_type, plan_type=CarePlan.Type.BEHAVIOR)
    on_hold = make_client(status=Client.Status.ON_HOLD)
    missing = found("care_plan_missing", plan_type="ISP")
    assert covered.pk not in missing
    assert {ended_yesterday.pk, draft_only.pk, other_type.pk} <= missing
    assert on_hold.pk not in missing
    assert other_type.pk not in found("care_plan_missing", plan_type="behavior")


# --- billing --------------------------------------------------------------------------------------------


def _authorization(number: str, **fields) -> ServiceAuthorization:
    payer = billing.make_payer()
    values = {
        "client": fields.get("client") or billing.make_client(payer),
        "payer": payer,
        "service": billing.make_service(),
        "authorization_number": number,
        # In force around the test's today, whatever day the suite runs (make test-times).
        "start_date": TODAY - 180 * DAY,
        "end_date": TODAY + 180 * DAY,
        "units_authorized": Decimal("100"),
    } | fields
    return ServiceAuthorization.objects.create(**values)


def test_authorization_utilization_at_the_threshold_and_just_under(at_noon):
    at_80 = _authorization("U-80")
    billing.make_billables(
        at_80.client, at_80.payer, at_80.service, [TODAY - 10 * DAY], units="80", authorization=at_80
    )
    under = _authorization("U-79")
    billing.make_billables(
        under.client, under.payer, under.service, [TODAY - 10 * DAY], units="79.99", authorization=under
    )
    void = _authorization("U-void")
    billing.make_billables(
        void.client, void.payer, void.service, [TODAY - 10 * DAY], units="90", authorization=void, status="void"
    )
    near = found("authorization_utilization", threshold=80)
    assert at_80.pk in near
    assert not {under.pk, void.pk} & near
    assert at_80.pk not in found("authorization_utilization", threshold=80.5)


def test_authorization_expiring_within_the_days_unless_renewed(at_noon):
    last_day = _authorization("E-30", end_date=TODAY + 30 * DAY)
    later = _authorization("E-31", end_date=TODAY + 31 * DAY)
    renewed = _authorization("E-renewed", end_date=TODAY + 5 * DAY)
    _authorization(
        "E-renewal",
        client=renewed.client,
        service=renewed.service,
        start_date=TODAY + 6 * DAY,
        end_date=TODAY + 200 * DAY,
        status=ServiceAuthorization.Status.PENDING,
    )
    gap = _authorization("E-gap", end_date=TODAY + 5 * DAY)
    _authorization(
        "E-after-gap", client=gap.client, service=gap.service, start_date=TODAY + 7 * DAY, end_date=TODAY + 90 * DAY
    )
    ended = _authorization("E-ended", end_date=TODAY - DAY)
    ending = found("authorization_expiring", days=30)
    assert {last_day.pk, gap.pk} <= ending
    assert not {later.pk, renewed.pk, ended.pk} & ending


# --- visits ---------------------------------------------------------------------------------------------


def test_evv_exception_unresolved_after_the_days_given(at_noon):
    exactly = make_visit(clock_out_at=NOON - 3 * DAY, status=Visit.Status.EXCEPTION)
    recent = make_visit(clock_out_at=NOON - 3 * DAY + HOUR, status=Visit.Status.EXCEPTION)
    verified = make_visit(clock_out_at=NOON - 10 * DAY, status=Visit.Status.VERIFIED)
    unresolved = found("evv_exception_unresolved", days=3)
    assert exactly.pk in unresolved
    assert not {recent.pk, verified.pk} & unresolved


def test_visit_note_missing_after_the_hours_given_until_a_note_is_submitted(at_noon):
    client = make_client()
    due = make_visit(clock_out_at=NOON - 48 * HOUR, client=client)
    early = make_visit(clock_out_at=NOON - 47 * HOUR, client=client)
    no_client = make_visit(clock_out_at=NOON - 100 * HOUR)
    assert due.pk in found("visit_note_missing", hours=48)
    assert not {early.pk, no_client.pk} & found("visit_note_missing", hours=48)
    note = _submission("progress_note", status=FormSubmission.Status.DRAFT, visit=due, client=client)
    assert due.pk in found("visit_note_missing", hours=48)
    FormSubmission.objects.filter(pk=note.pk).update(status=FormSubmission.Status.SUBMITTED)
    assert due.pk not in found("visit_note_missing", hours=48)


# --- documentation --------------------------------------------------------------------------------------


def _submission(starter: str, **fields) -> FormSubmission:
    template = FormTemplate.objects.get(starter=starter)
    values = {
        "staff": User.objects.get(email="dsp@alpha.test"),
        "status": FormSubmission.Status.SUBMITTED,
        "service_date": TODAY,
    } | fields
    return FormSubmission.objects.create(
        form_template=template, template_version=template.versions.order_by("-version")[0], **values
    )


def _sign(submission: FormSubmission, **fields) -> None:
    values = {
        "step": 1,
        "signer_name": "Dana",
        "signer_role": "author",
        "method": "typed",
        "signature_data": "Dana",
        "signed_at": NOON,
        "consent_text": "I agree",
        "content_hash": "0" * 64,
        "record_hash": "0" * 64,
    } | fields
    ElectronicSignature.objects.create(form_submission=submission, **values)


def test_unsigned_submission_after_the_days_given_until_every_signature_is_there(at_noon):
    template = FormTemplate.objects.get(starter="progress_note")
    FormTemplate.objects.filter(pk=template.pk).update(requires_signature=True, signers=["author", "approver"])
    old = _submission("progress_note", submitted_at=NOON - 7 * DAY)
    recent = _submission("progress_note", submitted_at=NOON - 7 * DAY + HOUR)
    draft = _submission("progress_note", status=FormSubmission.Status.DRAFT, submitted_at=NOON - 30 * DAY)
    unsigned = found("unsigned_submission", template="progress_note", days=7)
    assert old.pk in unsigned
    assert not {recent.pk, draft.pk} & unsigned
    _sign(old)
    assert old.pk in found("unsigned_submission", template="", days=7), "one of two signatures"
    _sign(old, voided_at=NOON)
    assert old.pk in found("unsigned_submission", template="", days=7), "a voided signature does not count"
    _sign(old, step=2)
    assert old.pk not in found("unsigned_submission", template="", days=7)
    assert old.pk not in found("unsigned_submission", template="incident_report", days=0)


def test_incident_not_reviewed_after_the_hours_given(at_noon):
    waiting = _submission("incident_report", submitted_at=NOON - 24 * HOUR)
    recent = _submission("incident_report", submitted_at=NOON - 23 * HOUR)
    approved = _submission("incident_report", submitted_at=NOON - 50 * HOUR, status=FormSubmission.Status.APPROVED)
    note = _submission("progress_note", submitted_at=NOON - 50 * HOUR)
    unreviewed = found("incident_not_reviewed", hours=24)
    assert waiting.pk in unreviewed
    assert not {recent.pk, approved.pk, note.pk} & unreviewed


# --- shifts ---------------------------------------------------------------------------------------------


def test_shift_without_qualified_staff_in_the_days_ahead(at_noon):
    home = make_location(required_certifications=["CPR"])
    qualified = make_staff()
    make_certification(qualified, expires=TODAY + 7 * DAY)
    lapses = make_staff()
    make_certification(lapses, expires=TODAY + 2 * DAY)
    last_day = NOON + 7 * DAY - 2 * HOUR  # the morning of the 7th day ahead, in Chicago
    ok = make_shift(starts_at=last_day, staff=qualified, location=home)
    lapsed = make_shift(starts_at=last_day, staff=lapses, location=home)
    open_shift = make_shift(starts_at=NOON + DAY, location=home)
    beyond = make_shift(starts_at=NOON + 8 * DAY, location=home)
    started = make_shift(starts_at=NOON - HOUR, location=home)
    cancelled = make_shift(starts_at=NOON + DAY, location=home, status=Shift.Status.CANCELLED)
    needs_service = make_shift(
        starts_at=NOON + DAY, staff=qualified, location=home, service=make_service(required_certifications=["CPI"])
    )
    gone = make_shift(starts_at=NOON + DAY, staff=make_staff(employment_status=Staff.Status.TERMINATED))
    unqualified = found("shift_without_qualified_staff", days_ahead=7)
    assert {lapsed.pk, open_shift.pk, needs_service.pk, gone.pk} <= unqualified
    assert not {ok.pk, beyond.pk, started.pk, cancelled.pk} & unqualified
    assert lapsed.pk not in found("shift_without_qualified_staff", days_ahead=6)
