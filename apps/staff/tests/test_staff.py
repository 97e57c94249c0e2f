"""Staff records, certifications, training and the compliance matrix."""

import codecs
import csv
import datetime as dt
import io
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from apps.accounts.models import Role, User, UserSession
from apps.core import clock, fragments
from apps.staff import selectors, services
from apps.staff.models import Certification, CertificationRequirement, Staff
from apps.staff.tests.conftest import resave, save_staff
from conftest import person, signed_in

TODAY = dt.date(2026, 6, 15)


def save_cert(**fields) -> Certification:
    """A certification through the service; its name is its type unless given."""
    fields.setdefault("certification_name", fields["certification_type"].strip())
    fields.setdefault("issuing_organization", "X")
    return services.certification_save(**fields)


def make_staff(organization, **fields) -> Staff:
    n = fields.pop("n", 1)
    values: dict[str, Any] = {
        "employee_id": f"E{n:04d}",
        "first_name": "Dana",
        "last_name": "Okafor",
        "email": f"dana{n}@example.org",
        "hire_date": dt.date(2020, 1, 6),
        "hourly_rate": Decimal("21.50"),
        "pay_type": "hourly",
    } | fields
    ssn = values.pop("ssn", None)
    with organization:
        return save_staff(actor=person(organization, "hr"), ssn=ssn, **values)


def test_supervision_cannot_loop(org_a):
    boss = make_staff(org_a, n=1)
    middle = make_staff(org_a, n=2, supervisor=boss)
    with org_a:
        boss.supervisor = middle
        with pytest.raises(ValidationError, match="supervision loop"):
            resave(boss, actor=person(org_a, "hr"))
        boss.supervisor = boss
        with pytest.raises(ValidationError, match="supervision loop"):
            resave(boss, actor=person(org_a, "hr"))


def test_dates_and_percentages_are_checked(org_a):
    with pytest.raises(ValidationError) as raised:
        make_staff(org_a, employment_status="terminated")
    assert "termination_date" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make_staff(org_a, termination_date=dt.date(2019, 1, 1))
    assert "termination_date" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make_staff(org_a, fte_percentage=Decimal("120"))
    assert "fte_percentage" in raised.value.message_dict
    make_staff(org_a, n=5)
    with pytest.raises(ValidationError) as raised:
        make_staff(org_a, n=5, email="other@example.org")
    assert "employee_id" in raised.value.message_dict


def test_terminating_deactivates_the_account_and_ends_its_sessions(org_a):
    user = person(org_a, "dsp")
    client = signed_in(org_a, "dsp")
    assert client.get("/").status_code == 200
    staff = make_staff(org_a, user=user)
    with org_a:
        staff.employment_status, staff.termination_date = "terminated", clock.today(org_a)
        resave(staff, actor=person(org_a, "hr"))
        user.refresh_from_db()
        assert user.status == User.Status.INACTIVE
        assert not UserSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    response = client.get("/clients/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_pay_is_visible_and_editable_only_by_hr_and_admins(org_a):
    staff = make_staff(org_a)
    hr, manager, auditor = signed_in(org_a, "hr"), signed_in(org_a, "manager"), signed_in(org_a, "auditor")
    assert "21.50" in hr.get(f"/staff/{staff.pk}/").content.decode()
    for viewer in (manager, auditor):
        page = viewer.get(f"/staff/{staff.pk}/").content.decode()
        assert page and "21.50" not in page and "Hourly rate" not in page
    assert 'name="hourly_rate"' in hr.get(f"/staff/{staff.pk}/edit/").content.decode()
    csv_text = b"".join(hr.get("/staff/compliance/?format=csv").streaming_content).decode("utf-8-sig")
    assert "21.5" not in csv_text
    with org_a, pytest.raises(PermissionDenied):
        staff.hourly_rate = Decimal("99")
        resave(staff, actor=person(org_a, "manager"))
    admin_page = signed_in(org_a, "admin").get(f"/admin/staff/staff/{staff.pk}/change/").content.decode()
    assert 'name="hourly_rate"' in admin_page


def test_the_ssn_is_encrypted_and_masked(org_a):
    staff = make_staff(org_a, ssn="219-09-9999")
    with org_a, connection.cursor() as cursor:
        cursor.execute("SELECT ssn_encrypted FROM staff_staff WHERE id = %s", [staff.pk])
        assert "219-09-9999" not in cursor.fetchone()[0]
    page = signed_in(org_a, "manager").get(f"/staff/{staff.pk}/").content.decode()
    assert "***-**-9999" in page and "219-09-9999" not in page
    assert signed_in(org_a, "manager").post(f"/staff/{staff.pk}/ssn/").status_code == 403
    assert "219-09-9999" in signed_in(org_a, "hr").post(f"/staff/{staff.pk}/ssn/").content.decode()


@pytest.mark.parametrize(
    ("expiry", "status", "state"),
    [
        (TODAY - dt.timedelta(days=1), "active", "expired"),
        (TODAY, "active", "expiring"),
        (TODAY + dt.timedelta(days=30), "active", "expiring"),
        (TODAY + dt.timedelta(days=31), "active", "current"),
        (TODAY + dt.timedelta(days=300), "suspended", "suspended"),
        (TODAY - dt.timedelta(days=5), "pending_renewal", "pending_renewal"),
    ],
)
def test_certification_state_at_the_boundaries(expiry, status, state):
    cert = Certification(status=status, expiry_date=expiry, reminder_days_before=30)
    assert cert.state(TODAY) == state


def test_state_follows_the_organizations_own_date(org_a):
    org_a.timezone = "Pacific/Kiritimati"  # UTC+14: its day starts before UTC's
    org_a.save(update_fields=["timezone"])
    local_today = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    staff = make_staff(org_a)
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
        Certification.objects.create(
            staff=staff,
            certification_type="CPR",
            certification_name="CPR",
            issuing_organization="Red Cross",
            issue_date=local_today - dt.timedelta(days=700),
            expiry_date=local_today - dt.timedelta(days=1),
            reminder_days_before=0,
        )
    html = signed_in(org_a, "hr").get("/staff/compliance/").content.decode()
    assert 'class="cell-expired"' in html and date_format(local_today) in html


def test_renewing_keeps_the_old_certification(org_a):
    staff = make_staff(org_a)
    with org_a:
        old = save_cert(
            staff=staff,
            certification_type="CPR",
            issuing_organization="Red Cross",
            issue_date=dt.date(2024, 1, 1),
            expiry_date=dt.date(2026, 1, 1),
            renewal_period_months=24,
        )
        new = services.certification_renew(certification=old, issue_date=dt.date(2026, 1, 2))
        old.refresh_from_db()
        assert old.renewed_by == new and new.expiry_date == dt.date(2028, 1, 2)
        with pytest.raises(ValidationError, match="already renewed"):
            services.certification_renew(certification=old, issue_date=dt.date(2026, 1, 3))
        with pytest.raises(ValidationError) as raised:
            services.certification_save(
                staff=staff,
                certification_type="X",
                certification_name="X",
                issuing_organization="Y",
                issue_date=dt.date(2026, 1, 1),
                expiry_date=dt.date(2025, 1, 1),
            )
        assert "expiry_date" in raised.value.message_dict


def test_training_scores_decide_passing_and_frequency_decides_expiry(org_a):
    staff = make_staff(org_a)
    with org_a:
        program = services.program_save(
            program_name="Meds", test_required=True, passing_score=Decimal("80"), frequency_months=12
        )
        passed = services.training_record_save(
            staff=staff, program=program, completed_on=dt.date(2026, 1, 10), score=Decimal("80")
        )
        failed = services.training_record_save(
            staff=staff, program=program, completed_on=dt.date(2026, 1, 11), score=Decimal("79.5")
        )
        assert (passed.passed, passed.expires_on) == (True, dt.date(2027, 1, 10))
        assert (failed.passed, failed.expires_on) == (False, None)
        for score in (None, Decimal("101")):
            with pytest.raises(ValidationError):
                services.training_record_save(
                    staff=staff, program=program, completed_on=dt.date(2026, 1, 12), score=score
                )


def test_prerequisites_cannot_loop(org_a):
    with org_a:
        first = services.program_save(program_name="First")
        second = services.program_save(program_name="Second", prerequisites=[first])
        with pytest.raises(ValidationError, match="loop"):
            services.program_save(program=first, program_name="First", prerequisites=[second])
        with pytest.raises(ValidationError, match="own prerequisite"):
            services.program_save(program=first, program_name="First", prerequisites=[first])
        with pytest.raises(ValidationError):
            services.program_save(program_name="Tested", test_required=True)


def test_the_matrix_applies_rules_by_role_and_job_title(org_a):
    dsp_user = person(org_a, "dsp")
    worker = make_staff(org_a, n=1, user=dsp_user, job_title="Direct Support Professional")
    cook = make_staff(org_a, n=2, job_title="Cook")
    nurse = make_staff(org_a, n=3, job_title="Nurse")
    with org_a:
        meds = services.program_save(
            program_name="Meds",
            is_mandatory=True,
            required_job_titles=["nurse"],
            required_roles=[Role.objects.get(name="Direct Support Professional")],
        )
        hipaa = services.program_save(program_name="HIPAA", is_mandatory=True, frequency_months=12)
        services.training_record_save(staff=worker, program=meds, completed_on=clock.today(org_a))
        data = selectors.compliance_matrix()
    labels = [c.label for c in data["columns"]]
    cells = {row["staff"].pk: dict(zip(labels, row["cells"], strict=True)) for row in data["rows"]}
    cells = {uuid.UUID(pk): value for pk, value in cells.items()}
    assert cells[worker.pk] == {"Meds": "current", "HIPAA": "missing"}
    assert cells[cook.pk] == {"Meds": "", "HIPAA": "missing"}
    assert cells[nurse.pk] == {"Meds": "missing", "HIPAA": "missing"}
    assert hipaa.pk


def test_the_directory_searches_and_the_matrix_exports(org_a):
    make_staff(org_a, n=1, first_name="Maria", last_name="Gonzalez", department="Nursing")
    make_staff(org_a, n=2, first_name="Marcus", last_name="Lee", department="Residential")
    hr = signed_in(org_a, "hr")
    html = hr.get("/staff/", {"q": "mar"}).content.decode()
    assert "Gonzalez" in html and "Lee" in html
    html = hr.get("/staff/", {"q": "mar", "department": "Nursing"}).content.decode()
    assert "Gonzalez" in html and "Lee" not in html
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
    csv_text = b"".join(hr.get("/staff/compliance/?format=csv").streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0].endswith("CPR") and "Gonzalez, Maria" in csv_text and "missing" in csv_text


def test_the_matrix_csv_opens_accented_names_right_in_excel(org_a):
    # Excel on Windows reads a CSV as UTF-8 only when it starts with the byte order mark.
    make_staff(org_a, n=3, first_name="José", last_name="Peña", department="Nursing")
    raw = b"".join(signed_in(org_a, "hr").get("/staff/compliance/?format=csv").streaming_content)
    assert raw.startswith(codecs.BOM_UTF8) and raw.count(codecs.BOM_UTF8) == 1
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Employee ID", "Name", "Department"]
    assert ["E0003", "Peña, José", "Nursing"] in [line[:3] for line in lines[1:]]


def test_query_counts_do_not_grow(one_minute, org_a, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
        services.program_save(program_name="HIPAA", is_mandatory=True)
    for n in range(3):
        make_staff(org_a, n=n + 1)
    from django.core.cache import cache

    hr = signed_in(org_a, "hr")
    counts = {}
    for url in ("/staff/", "/staff/compliance/"):
        hr.get(url)
        # As built, not as cached (the same before each measure).
        cache.clear()
        fragments.clear()
        with CaptureQueriesContext(connection) as few:
            hr.get(url)
        counts[url] = len(few)
    for n in range(10):
        make_staff(org_a, n=n + 10)
    for url, baseline in counts.items():
        cache.clear()
        fragments.clear()
        with django_assert_max_num_queries(baseline):
            assert hr.get(url).status_code == 200


def test_other_organizations_and_roles_without_permission(org_a, org_b):
    staff = make_staff(org_a)
    beta = signed_in(org_b, "hr")
    for url in (f"/staff/{staff.pk}/", f"/staff/{staff.pk}/certifications/", f"/staff/{staff.pk}/edit/"):
        assert beta.get(url).status_code == 404
    dsp = signed_in(org_a, "dsp")
    assert dsp.get("/staff/").status_code == 403 and dsp.get(f"/staff/{staff.pk}/").status_code == 403
    assert signed_in(org_a, "manager").get(f"/staff/{staff.pk}/edit/").status_code == 403


def test_creating_an_account_sends_an_invitation(org_a, mailoutbox, django_capture_on_commit_callbacks):
    staff = make_staff(org_a, email="newhire@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(org_a, "hr").post(f"/staff/{staff.pk}/account/", {"role": ""})
    assert response.status_code == 302
    with org_a:
        staff.refresh_from_db()
        assert staff.user.email == "newhire@example.org" and staff.user.status == User.Status.PENDING
    assert [m.to for m in mailoutbox] == [["newhire@example.org"]]


def test_csv_import_is_all_or_nothing(org_a):
    hr = signed_in(org_a, "hr")
    bad = (
        "employee_id,first_name,last_name,email,hire_date\nE1,A,B,a@x.org,2024-01-01\nE1,C,D,not-an-email,2024-01-01\n"
    )
    response = hr.post("/staff/import/", {"content": bad, "action": "import"})
    assert response.status_code == 400 and "Same employee_id as line 2" in response.content.decode()
    with org_a:
        assert not Staff.objects.exists()
    good = "employee_id,first_name,last_name,email,hire_date\nE1,A,B,a@x.org,2024-01-01\nE2,C,D,c@x.org,2024-01-01\n"
    assert hr.post("/staff/import/", {"content": good, "action": "import"}).status_code == 302
    with org_a:
        assert Staff.objects.count() == 2


def test_certification_reminders_go_once_to_the_person_their_supervisor_and_hr(
    org_a, django_capture_on_commit_callbacks
):
    from apps.notifications.models import Notification
    from apps.staff import jobs

    boss = make_staff(org_a, n=1, user=person(org_a, "manager"))
    staff = make_staff(org_a, n=2, user=person(org_a, "dsp"), supervisor=boss)
    with org_a:
        save_cert(
            staff=staff,
            certification_type="CPR",
            issuing_organization="Red Cross",
            issue_date=clock.today(org_a) - dt.timedelta(days=700),
            expiry_date=clock.today(org_a) + dt.timedelta(days=10),
            reminder_days_before=30,
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.certification_reminders() == 1
            assert jobs.certification_reminders() == 0
        told = set(
            Notification.objects.filter(notification_type="certification.expiring").values_list(
                "user__email", flat=True
            )
        )
    assert {person(org_a, "dsp").email, person(org_a, "manager").email, person(org_a, "hr").email} <= told


def test_training_evidence_attaches_to_the_record(org_a, settings, tmp_path):
    from apps.files import storage
    from apps.files.models import File
    from apps.files.tests.conftest import PDF, upload

    settings.PRIVATE_FILES_ROOT = tmp_path
    storage._store.cache_clear()
    staff = make_staff(org_a)
    with org_a:
        program = services.program_save(program_name="HIPAA")
        record = services.training_record_save(staff=staff, program=program, completed_on=dt.date(2026, 1, 10))
    hr = signed_in(org_a, "hr")
    assert f"/files/on/staff.trainingrecord/{record.pk}/" in hr.get(f"/staff/{staff.pk}/training/").content.decode()
    assert upload(hr, "certificate.pdf", PDF, to=f"staff.trainingrecord:{record.pk}").status_code == 302
    with org_a:
        assert File.objects.get().attached_to == record
    assert signed_in(org_a, "dsp").get(f"/files/on/staff.trainingrecord/{record.pk}/").status_code == 404
    storage._store.cache_clear()


def test_pay_never_reaches_the_audit_log_in_clear(org_a):
    staff = make_staff(org_a, hourly_rate=Decimal("33.33"))
    with org_a:
        staff.hourly_rate = Decimal("44.44")
        resave(staff, actor=person(org_a, "hr"))
    response = signed_in(org_a, "auditor").get(f"/staff/{staff.pk}/history/")
    page = response.content.decode()
    assert response.status_code == 200 and "Hourly rate" in page
    assert "33.33" not in page and "44.44" not in page


def test_filtering_by_pay_in_the_admin_is_refused_without_pay(org_a):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    assert signed_in(org_a, "admin").get("/admin/staff/staff/?hourly_rate__gte=20").status_code == 200
    model_admin = django_admin.site._registry[Staff]
    with org_a:
        for local, allowed in (("admin", True), ("hr", True), ("manager", False), ("auditor", False)):
            request = RequestFactory().get("/")
            request.user = person(org_a, local)
            assert model_admin.lookup_allowed("hourly_rate__gte", "20", request) is allowed, local


def test_hr_cannot_terminate_an_administrators_account_through_a_staff_record(org_a):
    staff = make_staff(org_a, user=person(org_a, "admin"))
    with org_a:
        staff.employment_status, staff.termination_date = "terminated", clock.today(org_a)
        with pytest.raises(ValidationError, match="cannot deactivate"):
            resave(staff, actor=person(org_a, "hr"))
        assert person(org_a, "admin").status == User.Status.ACTIVE


def test_account_creation_refuses_bad_input_cleanly(org_a):
    staff = make_staff(org_a, employment_status="terminated", termination_date=clock.today(org_a))
    hr = signed_in(org_a, "hr")
    response = hr.post(f"/staff/{staff.pk}/account/", {"role": "not-a-uuid"}, follow=True)
    assert response.status_code == 200 and "A terminated staff member gets no account." in response.content.decode()
    with org_a:
        staff.refresh_from_db()
        assert staff.user_id is None


def test_the_import_preview_finds_what_only_the_save_checks(org_a):
    hr = signed_in(org_a, "hr")
    header = "employee_id,first_name,last_name,email,hire_date\n"
    extra = hr.post("/staff/import/", {"content": header + "E3,E,F,e@x.org,2024-01-01,extra\n", "action": "check"})
    assert extra.status_code == 400 and "more cells than the header" in extra.content.decode()
    twins = header + "E1,A,B,same@x.org,2024-01-01\nE2,C,D,SAME@x.org,2024-01-01\n"
    response = hr.post("/staff/import/", {"content": twins, "action": "check"})
    assert response.status_code == 400
    assert "Another staff member already has this email address." in response.content.decode()
    with org_a:
        assert not Staff.objects.exists()


def test_the_matrix_counts_suspended_as_expired_and_ignores_renewed(org_a):
    staff = make_staff(org_a)
    today = clock.today(org_a)
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
        CertificationRequirement.objects.create(certification_type="CPI")
        old = save_cert(
            staff=staff,
            certification_type="cpr ",
            issue_date=today - dt.timedelta(days=800),
            expiry_date=today - dt.timedelta(days=70),
        )
        assert old.certification_type == "CPR"  # matched to the requirement
        services.certification_renew(
            certification=old, issue_date=today - dt.timedelta(days=60), expiry_date=today + dt.timedelta(days=600)
        )
        save_cert(
            staff=staff,
            certification_type="CPI",
            issue_date=today - dt.timedelta(days=10),
            expiry_date=today + dt.timedelta(days=300),
            status="suspended",
        )
        data = selectors.compliance_matrix()
    (row,) = data["rows"]
    assert dict(zip([c.label for c in data["columns"]], row["cells"], strict=True)) == {
        "CPI": "expired",
        "CPR": "current",
    }


def test_jobs_run_in_the_organizations_own_day(org_a, monkeypatch):
    from apps.core.jobs import JOBS, Job
    from apps.tenants import services as tenants

    org_a.timezone = "Pacific/Kiritimati"
    org_a.save(update_fields=["timezone"])
    seen = {}

    def run(*, day=None):
        from django.db import connection as conn

        seen[conn.schema_name] = timezone.localdate()
        return 0

    monkeypatch.setitem(JOBS, "test.day", Job(name="test.day", description="", run=run))
    list(tenants.run_job_everywhere("test.day"))
    assert seen[org_a.schema_name] == timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()


def test_the_matrix_sql_agrees_with_the_python_rules_at_every_boundary(org_a):
    today = clock.today(org_a)
    cases = [
        (today - dt.timedelta(days=1), "active"),
        (today, "active"),
        (today + dt.timedelta(days=30), "active"),
        (today + dt.timedelta(days=31), "active"),
        (None, "active"),
        (today + dt.timedelta(days=300), "suspended"),
        (today - dt.timedelta(days=5), "pending_renewal"),
        (today + dt.timedelta(days=10), "pending_renewal"),
    ]
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
    expected = {}
    for n, (expiry, status) in enumerate(cases, start=1):
        staff = make_staff(org_a, n=n)
        with org_a:
            Certification.objects.create(
                staff=staff,
                certification_type="CPR",
                certification_name="CPR",
                issuing_organization="X",
                issue_date=today - dt.timedelta(days=400),
                expiry_date=expiry,
                status=status,
                reminder_days_before=30,
            )
        expected[str(staff.pk)] = selectors.cert_matrix_state(status, expiry, 30, today)
    with org_a:
        data = selectors.compliance_matrix(today=today)
    assert {row["staff"].pk: row["cells"][0] for row in data["rows"]} == expected
    assert sorted(set(expected.values())) == ["current", "expired", "expiring"]


def test_every_staff_page_is_closed_to_other_organizations_and_roles_without_permission(org_a, org_b):
    staff = make_staff(org_a)
    with org_a:
        program = services.program_save(program_name="HIPAA")
        cert = save_cert(
            staff=staff, certification_type="CPR", issue_date=dt.date(2025, 1, 1), expiry_date=dt.date(2027, 1, 1)
        )
    urls = [
        f"/staff/training-programs/{program.pk}/",
        f"/staff/{staff.pk}/certifications/{cert.pk}/",
        f"/staff/{staff.pk}/training/",
    ]
    beta = signed_in(org_b, "hr")
    for url in urls:
        assert beta.get(url).status_code == 404, url
    assert (
        beta.post(f"/staff/{staff.pk}/training/add/", {"program": program.pk, "completed_on": "2026-01-01"}).status_code
        == 404
    )
    dsp = signed_in(org_a, "dsp")
    for url in [*urls, "/staff/compliance/", "/staff/training-programs/", "/staff/import/", "/staff/new/"]:
        assert dsp.get(url).status_code == 403, url
    manager = signed_in(org_a, "manager")
    assert manager.get(f"/staff/{staff.pk}/certifications/{cert.pk}/").status_code == 403
    assert (
        manager.post(
            f"/staff/{staff.pk}/training/add/", {"program": program.pk, "completed_on": "2026-01-01"}
        ).status_code
        == 403
    )


def test_the_cached_matrix_follows_every_change(org_a):
    staff = make_staff(org_a)
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
        assert selectors.compliance_matrix()["rows"][0]["cells"] == ["missing"]
        cert = save_cert(
            staff=staff,
            certification_type="CPR",
            issue_date=dt.date(2025, 1, 1),
            expiry_date=clock.today(org_a) + dt.timedelta(days=400),
        )
        assert selectors.compliance_matrix()["rows"][0]["cells"] == ["current"]
        Certification.objects.filter(pk=cert.pk).delete()
        assert selectors.compliance_matrix()["rows"][0]["cells"] == ["missing"]
        staff.job_title = "Cook"
        resave(staff, actor=person(org_a, "hr"))
        requirement = CertificationRequirement.objects.get()
        requirement.required_job_titles = ["Nurse"]
        requirement.save()
        assert selectors.compliance_matrix()["rows"][0]["cells"] == [""]


def test_who_must_hold_what_is_read_again_once_a_requirement_changes(org_a):
    # Kept per organization while its tables stand still (every conflict check reads it): a
    # new mandatory program, and a role it is limited to, show at once.
    from apps.accounts import roles
    from apps.accounts.models import Role
    from apps.staff import selectors
    from apps.staff.models import TrainingProgram

    with org_a:
        before = {c.key for c in selectors.requirement_columns()}
        program = TrainingProgram.objects.create(program_name="Abuse reporting", is_mandatory=True)
        columns = {c.key: c for c in selectors.requirement_columns()}
        assert set(columns) == before | {f"training:{program.pk}"}
        assert columns[f"training:{program.pk}"].roles == set()
        role = Role.objects.get(name=roles.DIRECT_SUPPORT)
        program.required_roles.add(role)
        assert {c.key: c for c in selectors.requirement_columns()}[f"training:{program.pk}"].roles == {role.pk}
        program.is_active = False
        program.save()
        assert {c.key for c in selectors.requirement_columns()} == before
