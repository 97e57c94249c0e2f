"""The staff panels of the home page: HR's certifications expiring and expired and overdue
training; a supervisor's team certifications."""

from __future__ import annotations

import datetime as dt

from apps.core import clock
from apps.staff.models import Certification, Staff, TrainingProgram, TrainingRecord
from apps.tenants.tests.home_data import make_staff
from conftest import person, signed_in


def _panel(response, key: str) -> dict:
    assert response.status_code == 200
    found = [p for p in response.context["panels"] if p["key"] == key]
    assert found, [p["key"] for p in response.context["panels"]]
    return found[0]["context"]


def _cert(org, staff, expiry: dt.date, **fields) -> Certification:
    with org:
        return Certification.objects.create(
            staff=staff,
            certification_type="CPR",
            certification_name="CPR",
            issuing_organization="Red Cross",
            issue_date=expiry - dt.timedelta(days=700),
            expiry_date=expiry,
            **fields,
        )


def test_hr_sees_certifications_expiring_soon_and_expired_but_not_renewed_or_of_people_who_left(org_a):
    today = clock.today(org_a)
    dana = make_staff(org_a)
    gone = make_staff(org_a, employment_status=Staff.Status.TERMINATED)
    expiring = _cert(org_a, dana, today + dt.timedelta(days=5))
    expired = _cert(org_a, dana, today - dt.timedelta(days=3))
    _cert(org_a, dana, today + dt.timedelta(days=200))  # far off
    _cert(org_a, gone, today - dt.timedelta(days=3))
    renewal = _cert(org_a, dana, today + dt.timedelta(days=700))
    _cert(org_a, dana, today - dt.timedelta(days=1), renewed_by=renewal)
    context = _panel(signed_in(org_a, "hr").get("/"), "certifications")
    assert context["expiring"]["rows"] == [expiring]
    assert context["expired"]["rows"] == [expired]


def test_hr_sees_training_overdue_unless_it_was_completed_again(org_a):
    today = clock.today(org_a)
    dana, lee = make_staff(org_a), make_staff(org_a)
    with org_a:
        program = TrainingProgram.objects.create(program_name="Medication administration", frequency_months=12)
        overdue = TrainingRecord.objects.create(
            staff=dana,
            program=program,
            completed_on=today - dt.timedelta(days=400),
            expires_on=today - dt.timedelta(days=35),
        )
        TrainingRecord.objects.create(
            staff=lee,
            program=program,
            completed_on=today - dt.timedelta(days=400),
            expires_on=today - dt.timedelta(days=35),
        )
        TrainingRecord.objects.create(
            staff=lee,
            program=program,
            completed_on=today - dt.timedelta(days=20),
            expires_on=today + dt.timedelta(days=345),
        )
    response = signed_in(org_a, "hr").get("/")
    assert _panel(response, "overdue_training")["rows"] == [overdue]
    assert "Medication administration" in response.content.decode()


def test_a_manager_sees_the_certifications_of_the_people_they_supervise_only(org_a):
    today = clock.today(org_a)
    boss = make_staff(org_a, user=person(org_a, "manager"))
    report, stranger = make_staff(org_a, supervisor=boss), make_staff(org_a)
    theirs = _cert(org_a, report, today + dt.timedelta(days=5))
    _cert(org_a, stranger, today + dt.timedelta(days=5))
    response = signed_in(org_a, "manager").get("/")
    assert _panel(response, "team_certifications")["rows"] == [theirs]
    assert stranger.last_name not in response.content.decode()


def test_a_manager_who_supervises_nobody_has_no_team_panel(org_a):
    make_staff(org_a, user=person(org_a, "manager"))
    keys = [p["key"] for p in signed_in(org_a, "manager").get("/").context["panels"]]
    assert "team_certifications" not in keys and "certifications" not in keys


def test_a_nurse_is_told_of_her_own_certifications_lapsing_or_lapsed_and_of_no_one_elses(org_a):
    today = clock.today(org_a)
    nurse = make_staff(org_a, user=person(org_a, "nurse"))
    expired = _cert(org_a, nurse, today - dt.timedelta(days=3))
    expiring = _cert(org_a, nurse, today + dt.timedelta(days=10))
    _cert(org_a, nurse, today + dt.timedelta(days=200))  # far off
    _cert(org_a, make_staff(org_a), today - dt.timedelta(days=3))  # a colleague's
    response = signed_in(org_a, "nurse").get("/")
    assert _panel(response, "my_certifications")["rows"] == [expired, expiring]
    assert "Renew them before they lapse" in response.content.decode()


def test_staff_with_nothing_to_renew_and_people_without_a_staff_record_have_no_such_panel(org_a):
    today = clock.today(org_a)
    _cert(org_a, make_staff(org_a, user=person(org_a, "dsp")), today + dt.timedelta(days=200))
    for local in ("dsp", "admin"):
        keys = [p["key"] for p in signed_in(org_a, local).get("/").context["panels"]]
        assert "my_certifications" not in keys, local
