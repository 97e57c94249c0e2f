"""People with the same name: quick-add takes a name or an employee ID and asks which person a
shared name means; pickers and lists show the employee ID and job title (or department)."""

import datetime as dt

import pytest

from apps.core import clock
from apps.scheduling import selectors
from apps.scheduling.models import Shift
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import signed_in


@pytest.fixture
def week(org_a):
    with org_a:
        return selectors.week_start(org_a, clock.today(org_a) + dt.timedelta(days=14))


@pytest.fixture
def house(org_a):
    return make_location(org_a, name="Maple House")


@pytest.fixture
def namesakes(org_a):
    return (
        make_staff(org_a, first_name="Dana", last_name="Okafor", job_title="Direct Support Professional"),
        make_staff(org_a, first_name="Dana", last_name="Okafor", job_title="", department="Day Program"),
    )


def _quick(week, house, staff: str) -> dict:
    return {
        "shift_date": week.isoformat(),
        "location": str(house.pk),
        "start_time": "07:00",
        "end_time": "15:00",
        "staff": staff,
    }


def test_quick_add_with_a_shared_name_lists_the_candidates_and_saves_nothing(org_a, week, house, namesakes):
    first, second = namesakes
    scheduler = signed_in(org_a, "scheduler")
    response = scheduler.post(
        "/scheduling/shifts/quick-add/", _quick(week, house, "dana okafor"), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert "Several people are called dana okafor" in page
    assert f"Dana Okafor ({first.employee_id} · Direct Support Professional)" in page
    assert f"Dana Okafor ({second.employee_id} · Day Program)" in page
    with org_a:
        assert not Shift.objects.exists()
    # Without htmx: back to the week with the same message.
    plain = scheduler.post("/scheduling/shifts/quick-add/", _quick(week, house, "Okafor, Dana"), follow=True)
    assert "Several people are called Okafor, Dana" in plain.content.decode()
    with org_a:
        assert not Shift.objects.exists()


def test_quick_add_takes_a_unique_name_or_an_employee_id(org_a, week, house, namesakes):
    lee = make_staff(org_a, first_name="Lee", last_name="Park")
    scheduler = signed_in(org_a, "scheduler")
    assert scheduler.post("/scheduling/shifts/quick-add/", _quick(week, house, " lee  PARK ")).status_code == 302
    second_day = week + dt.timedelta(days=1)
    data = _quick(second_day, house, namesakes[1].employee_id.lower())
    assert scheduler.post("/scheduling/shifts/quick-add/", data).status_code == 302
    with org_a:
        assert Shift.objects.get(shift_date=week).staff_id == lee.pk
        assert Shift.objects.get(shift_date=second_day).staff_id == namesakes[1].pk
    unknown = scheduler.post(
        "/scheduling/shifts/quick-add/", _quick(week, house, "Nobody Here"), HTTP_HX_REQUEST="true"
    )
    assert "No current staff member has this name or employee ID." in unknown.content.decode()


def test_pickers_and_lists_show_the_employee_id_and_job_title(org_a, week, house, namesakes):
    first, second = namesakes
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=first, location=house)
    scheduler = signed_in(org_a, "scheduler")
    for url in ("/scheduling/shifts/new/", "/scheduling/appointments/new/"):
        page = scheduler.get(url).content.decode()
        assert f"Dana Okafor ({first.employee_id} · Direct Support Professional)" in page, url
        assert f"Dana Okafor ({second.employee_id} · Day Program)" in page, url
    grid = scheduler.get(f"/scheduling/week/?location={house.pk}&week={week}").content.decode()
    assert f'<option value="{second.employee_id}">Dana Okafor ({second.employee_id} · Day Program)</option>' in grid
    assert f"({first.employee_id} · Direct Support Professional)</small>" in grid
