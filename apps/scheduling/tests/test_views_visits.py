"""Clocking in and out from the browser, the visits list, a visit's page and its corrections,
and the CSV export of verified visits."""

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.clients.tests.conftest import make_client
from apps.core import clock
from apps.scheduling import services
from apps.scheduling.models import Visit, VisitCorrection
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person, signed_in

SITE = (Decimal("41.878876"), Decimal("-87.635915"))
NEAR = ("41.879776", "-87.635915")  # about 100 m north
FAR = ("41.882476", "-87.635915")  # about 400 m


def _starting_now(org_a, *, staff, hours_ago: float = 0, length: float = 8, **fields):
    """A shift starting a few minutes (or `hours_ago` hours) ago; conflicts overridden, as
    tests put shifts close together."""
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(org_a.timezone))
    start = (now - dt.timedelta(minutes=5, hours=hours_ago)).replace(second=0, microsecond=0)
    end = start + dt.timedelta(hours=length)
    return make_shift(
        org_a,
        day=start.date(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        staff=staff,
        override="Test",
        **fields,
    )


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


@pytest.fixture
def house(org_a):
    return make_location(org_a, name="Maple House", latitude=SITE[0], longitude=SITE[1])


@pytest.fixture
def shift(org_a, dana, house):
    return _starting_now(org_a, staff=dana, location=house)


def _position(lat_lon, accuracy="12"):
    return {"latitude": lat_lon[0], "longitude": lat_lon[1], "accuracy": accuracy}


def _visit(org_a, staff, *, hours_ago: float, lat_lon=NEAR, reason="", length=2, **fields):
    """A finished visit of a shift that started `hours_ago` hours ago, clocked in on time."""
    shift = _starting_now(org_a, staff=staff, hours_ago=hours_ago, length=length, **fields)
    at = shift.starts_at
    with org_a:
        visit = services.visit_clock_in(
            staff=staff,
            organization=org_a,
            shift=shift,
            latitude=lat_lon[0],
            longitude=lat_lon[1],
            accuracy=10,
            reason_code=reason,
            at=at,
        )
        return services.visit_clock_out(
            visit=visit,
            staff=staff,
            organization=org_a,
            latitude=lat_lon[0],
            longitude=lat_lon[1],
            accuracy=10,
            reason_code=reason,
            # The scheduled end, not `length` hours later: on a clock-change day they differ.
            at=shift.ends_at - dt.timedelta(minutes=1),
        )


def test_the_clock_block_offers_clock_in_on_my_own_shift_with_the_position_script(org_a, shift):
    page = signed_in(org_a, "dsp").get(f"/scheduling/shifts/{shift.pk}/").content.decode()
    assert f'action="/scheduling/shifts/{shift.pk}/clock-in/"' in page
    assert 'name="latitude"' in page and "js/clock.js" in page and "Clock in" in page
    other = signed_in(org_a, "scheduler").get(f"/scheduling/shifts/{shift.pk}/").content.decode()
    assert "clock-in/" not in other


def test_clocking_in_inside_the_geofence_and_out_verifies_the_visit(org_a, dana, house):
    # A quarter-hour shift, so clocking out now is on time too.
    shift = _starting_now(org_a, staff=dana, location=house, length=0.25)
    dsp = signed_in(org_a, "dsp")
    response = dsp.post(f"/scheduling/shifts/{shift.pk}/clock-in/", _position(NEAR))
    assert response.status_code == 302 and response["Location"] == f"/scheduling/shifts/{shift.pk}/"
    with org_a:
        visit = Visit.objects.get(shift=shift)
    assert visit.status == Visit.Status.OPEN and visit.clock_in_distance_m == pytest.approx(100.1, abs=1)
    page = dsp.get(f"/scheduling/shifts/{shift.pk}/").content.decode()
    assert f'action="/scheduling/visits/{visit.pk}/clock-out/"' in page and "Clock out" in page
    # Twenty minutes on: a visit shorter than the minimum (15) would be an exception.
    with org_a:
        Visit.objects.filter(pk=visit.pk).update(clock_in_at=visit.clock_in_at - dt.timedelta(minutes=20))
    response = dsp.post(f"/scheduling/visits/{visit.pk}/clock-out/", _position(NEAR))
    assert response.status_code == 302
    with org_a:
        visit.refresh_from_db()
        shift.refresh_from_db()
    assert visit.status == Visit.Status.VERIFIED and visit.exception_codes == []
    assert shift.status == "completed"


def test_clocking_in_outside_the_geofence_asks_for_a_reason_and_keeps_the_position(org_a, shift):
    dsp = signed_in(org_a, "dsp")
    url = f"/scheduling/shifts/{shift.pk}/clock-in/"
    response = dsp.post(url, _position(FAR))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Outside the geofence" in page and 'name="reason_code"' in page
    assert f'value="{FAR[0]}"' in page and 'data-located="1"' in page
    with org_a:
        assert not Visit.objects.exists()
    missing = dsp.post(url, {**_position(FAR), "reason_code": ""})
    assert missing.status_code == 400
    response = dsp.post(url, {**_position(FAR), "reason_code": "community_activity", "reason_note": "Park walk"})
    assert response.status_code == 302
    with org_a:
        visit = Visit.objects.get(shift=shift)
    assert visit.exception_codes == ["outside_geofence"] and visit.reason_code == "community_activity"
    assert visit.reason_note == "Park walk"


def test_clocking_in_without_a_position_is_an_exception_that_needs_a_reason(org_a, shift):
    response = signed_in(org_a, "dsp").post(f"/scheduling/shifts/{shift.pk}/clock-in/", {})
    assert response.status_code == 200 and "No location from the device" in response.content.decode()


def test_nobody_clocks_in_on_another_persons_shift(org_a, house):
    lee = make_staff(org_a, first_name="Lee", last_name="Park", user=person(org_a, "nurse"))
    theirs = _starting_now(org_a, staff=lee, location=house)
    make_staff(org_a, user=person(org_a, "dsp"))
    response = signed_in(org_a, "dsp").post(f"/scheduling/shifts/{theirs.pk}/clock-in/", _position(NEAR))
    assert response.status_code in (403, 404)
    # A scheduler sees the shift but it is still not theirs to clock.
    make_staff(org_a, user=person(org_a, "scheduler"))
    assert signed_in(org_a, "scheduler").post(f"/scheduling/shifts/{theirs.pk}/clock-in/").status_code == 403
    with org_a:
        assert not Visit.objects.exists()


def test_nobody_clocks_out_of_someone_elses_visit(org_a, dana, house):
    visit = _visit(org_a, dana, hours_ago=0, location=house)
    make_staff(org_a, user=person(org_a, "nurse"))
    assert signed_in(org_a, "nurse").post(f"/scheduling/visits/{visit.pk}/clock-out/").status_code == 404


def test_the_visits_page_filters_exceptions_and_a_dsp_sees_only_their_own(org_a, dana, house):
    good = _visit(org_a, dana, hours_ago=30, location=house)
    odd = _visit(org_a, dana, hours_ago=20, lat_lon=FAR, reason="client_elsewhere", location=house)
    lee = make_staff(org_a, first_name="Lee", last_name="Park")
    theirs = _visit(org_a, lee, hours_ago=10, location=house)
    scheduler = signed_in(org_a, "scheduler")
    page = scheduler.get("/scheduling/visits/").content.decode()
    assert all(str(v.pk) in page for v in (good, odd, theirs))
    page = scheduler.get("/scheduling/visits/?status=exceptions").content.decode()
    assert str(odd.pk) in page and str(good.pk) not in page and str(theirs.pk) not in page
    assert "Outside the geofence" in page
    page = scheduler.get(f"/scheduling/visits/?staff={lee.pk}").content.decode()
    assert str(theirs.pk) in page and str(good.pk) not in page
    page = scheduler.get("/scheduling/visits/?q=Park").content.decode()
    assert str(theirs.pk) in page and str(good.pk) not in page
    mine = signed_in(org_a, "dsp").get("/scheduling/visits/").content.decode()
    assert str(good.pk) in mine and str(theirs.pk) not in mine
    assert signed_in(org_a, "dsp").get(f"/scheduling/visits/{theirs.pk}/").status_code == 404
    empty = scheduler.get("/scheduling/visits/?status=open").content.decode()
    assert "No visits match" in empty


def test_the_visits_page_takes_a_constant_number_of_queries(
    one_minute, org_a, dana, house, django_assert_max_num_queries
):
    scheduler = signed_in(org_a, "scheduler")
    _visit(org_a, dana, hours_ago=40, location=house)
    with django_assert_max_num_queries(40) as few:
        scheduler.get("/scheduling/visits/")
    for hours in (30, 20, 10):
        _visit(org_a, dana, hours_ago=hours, length=1, location=house, client=make_client(org_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert scheduler.get("/scheduling/visits/").status_code == 200


def test_a_visit_shows_the_six_evv_elements_and_its_exceptions(org_a, dana, house):
    maria = make_client(org_a, first_name="Maria", last_name="Lopez", latitude=SITE[0], longitude=SITE[1])
    visit = _visit(org_a, dana, hours_ago=3, lat_lon=FAR, reason="community_activity", client=maria)
    response = signed_in(org_a, "scheduler").get(f"/scheduling/visits/{visit.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Maria Lopez", maria.client_id, "Dana Okafor", dana.employee_id, "m from the site at clock-in"):
        assert text in page
    assert "Outside the geofence" in page and "Service delivered in the community" in page


def test_a_correction_needs_a_reason_and_is_kept_in_the_history(org_a, dana, house):
    visit = _visit(org_a, dana, hours_ago=5, location=house)
    scheduler = signed_in(org_a, "scheduler")
    later = timezone.localtime(visit.clock_out_at, zoneinfo.ZoneInfo(org_a.timezone)) + dt.timedelta(minutes=30)
    data = {"clock_in_at": "", "clock_out_at": later.strftime("%Y-%m-%dT%H:%M"), "reason": ""}
    assert scheduler.post(f"/scheduling/visits/{visit.pk}/correct/", data).status_code == 400
    with org_a:
        assert not VisitCorrection.objects.exists()
    response = scheduler.post(f"/scheduling/visits/{visit.pk}/correct/", {**data, "reason": "Forgot to clock out"})
    assert response.status_code == 302
    with org_a:
        correction = VisitCorrection.objects.get(visit=visit)
        visit.refresh_from_db()
    assert correction.reason == "Forgot to clock out" and correction.field == "clock_out_at"
    assert visit.status == Visit.Status.EXCEPTION and "manual_entry" in visit.exception_codes
    page = scheduler.get(f"/scheduling/visits/{visit.pk}/").content.decode()
    assert "Forgot to clock out" in page and "Times entered or corrected by hand" in page
    # The DSP may look at their own visit but not correct it.
    assert signed_in(org_a, "dsp").post(f"/scheduling/visits/{visit.pk}/correct/", data).status_code == 403


def test_a_correction_to_a_time_in_the_future_is_refused_by_its_field(org_a, dana, house):
    visit = _visit(org_a, dana, hours_ago=5, location=house)
    next_year = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(org_a.timezone)) + dt.timedelta(days=365)
    data = {
        "clock_in_at": next_year.strftime("%Y-%m-%dT%H:%M"),
        "clock_out_at": (next_year + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "Typed the wrong year",
    }
    response = signed_in(org_a, "scheduler").post(f"/scheduling/visits/{visit.pk}/correct/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["clock_in_at"] == errors["clock_out_at"] == ["A visit's times cannot be in the future."]
    with org_a:
        assert not VisitCorrection.objects.exists()
        assert Visit.objects.get(pk=visit.pk).clock_out_at == visit.clock_out_at


def test_the_export_lists_verified_visits_in_the_documented_columns(org_a, dana, house):
    maria = make_client(org_a, first_name="Maria", last_name="Lopez", latitude=SITE[0], longitude=SITE[1])
    verified = _visit(org_a, dana, hours_ago=26, client=maria, location=house)
    odd = _visit(org_a, dana, hours_ago=5, lat_lon=FAR, reason="other", client=maria, location=house)
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(org_a.timezone)).date()
    response = signed_in(org_a, "billing").get(
        f"/scheduling/visits/export.csv?from={today - dt.timedelta(days=3)}&to={today}"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["visit_id"] for r in rows] == [str(verified.pk)] and str(odd.pk) not in str(rows)
    (row,) = rows
    assert list(row) == [
        "visit_id",
        "service_code",
        "client_id",
        "client_name",
        "date",
        "location",
        "latitude",
        "longitude",
        "distance_m",
        "staff_employee_id",
        "staff_name",
        "start",
        "end",
        "status",
        "exception_codes",
        "reason_code",
        "clock_out_reason_code",
        "resolved_by",
        "resolved_at",
    ]
    start = dt.datetime.fromisoformat(row["start"])
    assert start.utcoffset() == start.astimezone(clock.zone(org_a)).utcoffset()
    assert start == verified.clock_in_at.replace(microsecond=0)
    assert row["client_id"] == maria.client_id and row["client_name"] == "Maria Lopez"
    assert row["staff_employee_id"] == dana.employee_id and row["location"] == "Maple House"
    assert row["status"] == "verified" and float(row["distance_m"]) == pytest.approx(100.1, abs=1)
    assert row["date"] == start.date().isoformat()
    before = signed_in(org_a, "billing").get("/scheduling/visits/export.csv?from=2020-01-01&to=2020-01-31")
    assert b"".join(before.streaming_content).decode("utf-8-sig").count("\n") == 1
    assert signed_in(org_a, "billing").get("/scheduling/visits/export.csv?from=nope&to=2020").status_code == 400


def test_a_dsp_cannot_export_visits(org_a, dana):
    assert signed_in(org_a, "dsp").get("/scheduling/visits/export.csv").status_code == 403


def test_another_organization_gets_404_for_a_visit(org_a, org_b, dana, shift, house):
    visit = _visit(org_a, dana, hours_ago=5, location=house)
    for url in (f"/scheduling/visits/{visit.pk}/", f"/scheduling/visits/{visit.pk}/correct/"):
        assert signed_in(org_b, "admin").get(url).status_code in (404, 405)
    assert signed_in(org_b, "admin").get(f"/scheduling/visits/{visit.pk}/").status_code == 404
    assert signed_in(org_b, "admin").post(f"/scheduling/shifts/{shift.pk}/clock-in/").status_code == 404
