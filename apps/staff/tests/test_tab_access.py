"""Each tab of a staff member's page answers each system role as its permissions say."""

import pytest

from apps.staff.tests.test_staff import make_staff
from conftest import person, signed_in

ROLES = ["admin", "manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"]
TABS = ["", "certifications/", "training/", "documents/"]


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("local", ROLES)
def test_each_staff_tab_answers_each_role_as_its_permissions_say(org_a, local, tab):
    dana = make_staff(org_a)
    user = person(org_a, local)
    with org_a:
        expected = 200 if user.has_perm("staff.view_staff") else 403
    assert signed_in(org_a, local).get(f"/staff/{dana.pk}/{tab}").status_code == expected


@pytest.mark.parametrize("tab", TABS)
def test_another_organizations_hr_gets_404_on_every_staff_tab(org_a, org_b, tab):
    dana = make_staff(org_a)
    assert signed_in(org_b, "hr").get(f"/staff/{dana.pk}/{tab}").status_code == 404
