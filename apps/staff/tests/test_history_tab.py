"""A staff member's History tab opens inside their page, for the log's readers only."""

from apps.staff.tests.test_staff import make_staff
from conftest import signed_in


def test_the_history_opens_inside_the_staff_members_page_with_its_header_and_tabs(org_a):
    staff = make_staff(org_a, first_name="Rosa", last_name="Diaz")
    auditor = signed_in(org_a, "auditor")
    response = auditor.get(f"/audit/history/staff.staff/{staff.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/staff/{staff.pk}/history/"
    page = auditor.get(f"/staff/{staff.pk}/history/").content.decode()
    assert f'href="/staff/{staff.pk}/certifications/"' in page and staff.employee_id in page
    assert f'href="/staff/{staff.pk}/history/" aria-current="page"' in page
    assert "Rosa" in page and "Created" in page


def test_people_who_read_no_log_and_other_organizations_get_no_staff_history(org_a, org_b):
    staff = make_staff(org_a)
    # HR sees the person but reads no audit log; a DSP sees no staff at all.
    assert signed_in(org_a, "hr").get(f"/staff/{staff.pk}/history/").status_code == 403
    assert signed_in(org_a, "dsp").get(f"/staff/{staff.pk}/history/").status_code in (403, 404)
    assert signed_in(org_b, "auditor").get(f"/staff/{staff.pk}/history/").status_code == 404
    assert signed_in(org_b, "admin").get(f"/audit/history/staff.staff/{staff.pk}/").status_code == 404
