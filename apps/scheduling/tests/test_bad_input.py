"""Addresses and forms with impossible values: a client ID that is not one, dates at the ends
of the calendar. Each is a message or a 404, never a 500, and nothing is saved."""

import datetime as dt

import pytest

from apps.clients.tests.conftest import make_client
from apps.scheduling import dates, selectors
from apps.scheduling.models import Appointment, Shift
from apps.scheduling.tests.conftest import make_location, make_staff
from conftest import signed_in

EXTREMES = ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"]


@pytest.mark.parametrize("role", ["admin", "scheduler", "dsp", "billing", "auditor"])
def test_a_client_id_that_is_not_one_is_a_404_for_anyone(org_a, role):
    assert signed_in(org_a, role).get("/scheduling/appointments/?client=bad").status_code == 404


@pytest.mark.parametrize("value", EXTREMES)
def test_the_week_grid_and_a_persons_week_at_the_ends_of_the_calendar_show_this_week(org_a, value):
    house = make_location(org_a)
    lee = make_staff(org_a)
    scheduler = signed_in(org_a, "scheduler")
    with org_a:
        this_week = selectors.week_start(org_a)
    for url in (f"/scheduling/week/?location={house.pk}&week={value}", f"/scheduling/staff/{lee.pk}/?week={value}"):
        response = scheduler.get(url)
        assert response.status_code == 200, url
        assert f"week={(this_week + dt.timedelta(days=7)).isoformat()}" in response.content.decode()


@pytest.mark.parametrize("value", ["9999-12", "0001-01", "1899-12"])
def test_the_appointment_month_at_the_ends_of_the_calendar_is_this_month(org_a, value):
    maria = make_client(org_a, first_name="Maria", last_name="Lopez")
    with org_a:
        month = selectors.parse_month("", org_a)
    response = signed_in(org_a, "scheduler").get(f"/scheduling/appointments/?client={maria.pk}&month={value}")
    assert response.status_code == 200
    assert f"month={(month + dt.timedelta(days=32)).strftime('%Y-%m')}" in response.content.decode()


@pytest.mark.parametrize("value", EXTREMES)
def test_a_shift_dated_at_the_ends_of_the_calendar_gets_a_message_on_its_date(org_a, value):
    house = make_location(org_a)
    scheduler = signed_in(org_a, "scheduler")
    form = {
        "shift_date": value,
        "start_time": "22:00",
        "end_time": "06:00",
        "location": str(house.pk),
        "status": "scheduled",
        "shift_type": "regular",
    }
    response = scheduler.post("/scheduling/shifts/new/", form)
    assert response.status_code == 400
    assert "Choose a date between 1900 and 2200." in response.content.decode()
    quick = {k: form[k] for k in ("shift_date", "start_time", "end_time", "location")}
    response = scheduler.post("/scheduling/shifts/quick-add/", quick, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400)
    response = scheduler.post("/scheduling/shifts/quick-add/", quick)
    assert response.status_code == 302
    with org_a:
        assert not Shift.objects.exists()


@pytest.mark.parametrize("value", EXTREMES)
def test_an_appointment_dated_at_the_ends_of_the_calendar_gets_a_message(org_a, value):
    maria = make_client(org_a, first_name="Maria", last_name="Lopez")
    lee = make_staff(org_a)
    response = signed_in(org_a, "scheduler").post(
        "/scheduling/appointments/new/",
        {
            "client": maria.pk,
            "title": "Dentist",
            "appointment_type": "medical",
            "start_datetime": f"{value}T22:00",
            "end_datetime": f"{value}T23:30",
            "staff": lee.pk,
            "status": "scheduled",
        },
    )
    assert response.status_code == 400
    assert "Choose a date between 1900 and 2200." in response.content.decode()
    with org_a:
        assert not Appointment.objects.exists()


def test_the_range_is_checked_in_one_place():
    assert dates.parse_day("2026-12-06") == dt.date(2026, 12, 6)
    assert dates.parse_day("9999-12-31") is None and dates.parse_day("nonsense") is None
    assert dates.in_range(dates.FIRST) and dates.in_range(dates.LAST)
    assert not dates.in_range(dates.LAST + dt.timedelta(days=1))
