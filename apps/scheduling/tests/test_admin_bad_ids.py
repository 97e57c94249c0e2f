"""A value that cannot be an id, posted to an admin autocomplete field (a shift's staff, a
coverage's client), is refused next to the field ("“z” is not a valid UUID."): redrawing the
refused form used to look the value up in the related table and answer 500."""

import pytest

from apps.billing.models import Coverage
from apps.scheduling.models import Shift
from apps.scheduling.tests.test_admin import DAY
from conftest import signed_in


@pytest.mark.parametrize("value", ["z", "1e-400", "00000000-0000-0000-0000-00000000000g"])
def test_a_shift_posted_with_a_staff_that_is_no_id_is_refused_on_the_form(org_a, value):
    with org_a:
        shifts = Shift.objects.count()
    form = {"staff": value, "location": value, "shift_date": DAY.isoformat(), "start_time": "12:00"}
    response = signed_in(org_a, "admin").post("/admin/scheduling/shift/add/", form | {"end_time": "20:00"})
    assert response.status_code == 200
    assert f"<li>“{value}” is not a valid UUID.</li>" in response.content.decode()
    with org_a:
        assert Shift.objects.count() == shifts


def test_a_coverage_posted_with_a_client_that_is_no_id_is_refused_on_the_form(org_a):
    with org_a:
        coverages = Coverage.objects.count()
    response = signed_in(org_a, "admin").post(
        "/admin/billing/coverage/add/", {"client": "z", "payer": "", "rank": "1", "start_date": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "<li>“z” is not a valid UUID.</li>" in response.content.decode()
    with org_a:
        assert Coverage.objects.count() == coverages
