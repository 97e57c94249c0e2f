"""The calendar link page and the iCalendar feed it hands out."""

import datetime as dt
import re

import icalendar
import pytest

from apps.clients.tests.conftest import make_client
from apps.core import clock
from apps.scheduling.models import Appointment, CalendarFeed, Shift
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import host_client, person, signed_in


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


def _link(org_a) -> str:
    # Over HTTPS, as in production: the link takes the request's own scheme.
    response = signed_in(org_a, "dsp").post("/scheduling/calendar-feed/create/", secure=True)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    (url,) = re.findall(r'value="(https://[^"]+\.ics)"', response.content.decode())
    return url


def test_the_link_is_shown_once_and_only_its_hash_is_kept(org_a, dana):
    url = _link(org_a)
    assert url.startswith(f"https://{org_a.primary_host}/scheduling/feed/")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with org_a:
        assert CalendarFeed.objects.get(staff=dana).token_hash == CalendarFeed.hash(token)
    page = signed_in(org_a, "dsp").get("/scheduling/calendar-feed/").content.decode()
    assert token not in page and "Revoke" in page


def test_the_feed_parses_and_holds_my_shifts_and_appointments_but_not_cancelled_ones(org_a, dana):
    house = make_location(org_a, name="Maple House")
    day = clock.today(org_a) + dt.timedelta(days=3)
    shift = make_shift(org_a, day=day, start="07:00", end="15:00", staff=dana, location=house)
    cancelled = make_shift(org_a, day=day + dt.timedelta(days=1), start="07:00", end="15:00", staff=dana)
    with org_a:
        Shift.objects.filter(pk=cancelled.pk).update(status=Shift.Status.CANCELLED)
    far = make_shift(org_a, day=day + dt.timedelta(days=120), start="07:00", end="15:00", staff=dana)
    maria = make_client(org_a, first_name="Maria", last_name="Lopez")
    start = shift.ends_at + dt.timedelta(hours=2)
    with org_a:
        ride = Appointment.objects.create(
            client=maria,
            title="Cardiology follow-up",
            appointment_type="medical",
            location="12 Main St",
            start_datetime=start,
            end_datetime=start + dt.timedelta(hours=1),
            requires_transport=True,
            transport_staff=dana,
        )
    url = _link(org_a)
    response = host_client(org_a.primary_host).get(url.split(org_a.primary_host, 1)[1])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{shift.pk}@{org_a.primary_host}", f"{ride.pk}@{org_a.primary_host}"}
    assert str(cancelled.pk) not in response.content.decode() and str(far.pk) not in response.content.decode()
    on_shift = events[f"{shift.pk}@{org_a.primary_host}"]
    assert on_shift.decoded("DTSTART") == shift.starts_at and on_shift.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert on_shift.decoded("DTEND") == shift.ends_at and str(on_shift["LOCATION"]) == "Maple House"
    trip = events[f"{ride.pk}@{org_a.primary_host}"]
    assert str(trip["SUMMARY"]) == "Medical · Maria L. · driving"
    assert "Lopez" not in response.content.decode() and "Cardiology" not in response.content.decode()
    with org_a:
        assert CalendarFeed.objects.get(staff=dana).last_used_at is not None


def test_a_revoked_or_replaced_link_is_404(org_a, dana):
    first = _link(org_a).split(org_a.primary_host, 1)[1]
    second = _link(org_a).split(org_a.primary_host, 1)[1]
    anonymous = host_client(org_a.primary_host)
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    assert signed_in(org_a, "dsp").post("/scheduling/calendar-feed/revoke/").status_code == 302
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/scheduling/feed/made-up.ics").status_code == 404


def test_a_link_from_one_organization_means_nothing_on_another(org_a, org_b, dana):
    path = _link(org_a).split(org_a.primary_host, 1)[1]
    assert host_client(org_b.primary_host).get(path).status_code == 404


def test_someone_without_a_staff_record_is_told_so(org_a):
    page = signed_in(org_a, "billing").get("/scheduling/calendar-feed/").content.decode()
    assert "not linked to a staff record" in page
    assert signed_in(org_a, "billing").post("/scheduling/calendar-feed/create/").status_code == 403


def test_a_link_stops_working_when_its_owner_is_terminated(org_a, dana):
    from apps.staff.models import Staff

    path = _link(org_a).split(org_a.primary_host, 1)[1]
    anonymous = host_client(org_a.primary_host)
    assert anonymous.get(path).status_code == 200
    with org_a:
        Staff.objects.filter(pk=dana.pk).update(employment_status="terminated", termination_date=dt.date(2026, 1, 31))
    assert anonymous.get(path).status_code == 404
