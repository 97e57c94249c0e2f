"""The scheduling panels of the home page: a DSP's today and next shift with the clock, the
open shifts they may take and their clients; a scheduler's open shifts this week, drafts
and today's EVV exceptions."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.clients import services as client_services
from apps.core import clock
from apps.scheduling.models import Schedule, Visit
from apps.tenants.tests.home_data import make_client, make_shift, make_staff, published_schedule
from conftest import person, signed_in


def _panel(response, key: str) -> dict:
    assert response.status_code == 200
    found = [p for p in response.context["panels"] if p["key"] == key]
    assert found, [p["key"] for p in response.context["panels"]]
    return found[0]["context"]


def _dsp(org):
    return make_staff(org, user=person(org, "dsp"))


def test_a_dsp_sees_todays_shift_with_clock_in_and_the_next_one(org_a):
    staff = _dsp(org_a)
    now = timezone.now()
    today_shift = make_shift(org_a, start=now - dt.timedelta(minutes=30), hours=4, staff=staff)
    later = make_shift(org_a, start=now + dt.timedelta(days=2), staff=staff)
    response = signed_in(org_a, "dsp").get("/")
    context = _panel(response, "my_shifts")
    assert context["todays"] == [today_shift]
    assert context["following"] == later
    assert context["clock_shift"] == today_shift
    html = response.content.decode()
    assert f'action="{reverse("scheduling:shift_clock_in", args=[today_shift.pk])}"' in html
    assert "data-clock" in html and "js/clock.js" in html
    assert reverse("scheduling:shift", args=[later.pk]) in html


def test_once_clocked_in_the_home_offers_clock_out_of_that_visit(org_a):
    staff = _dsp(org_a)
    now = timezone.now()
    shift = make_shift(org_a, start=now - dt.timedelta(minutes=30), hours=4, staff=staff)
    with org_a:
        visit = Visit.objects.create(shift=shift, staff=staff, clock_in_at=now - dt.timedelta(minutes=25))
    html = signed_in(org_a, "dsp").get("/").content.decode()
    assert f'action="{reverse("scheduling:clock_out", args=[visit.pk])}"' in html
    assert reverse("scheduling:shift_clock_in", args=[shift.pk]) not in html


def test_a_night_shift_begun_yesterday_is_todays_in_the_organizations_zone(org_a):
    staff = _dsp(org_a)
    zone = clock.zone(org_a)
    # 05:00 in Chicago is 11:00 UTC: the UTC date and the local one agree, the shift began on
    # the local yesterday at 23:00 and runs until 07:00.
    tomorrow = clock.today(org_a) + dt.timedelta(days=1)
    at = dt.datetime.combine(tomorrow, dt.time(5, 0), tzinfo=zone)
    shift = make_shift(org_a, start=at - dt.timedelta(hours=6), hours=8, staff=staff)
    with time_machine.travel(at, tick=False):
        context = _panel(signed_in(org_a, "dsp").get("/"), "my_shifts")
    assert context["today"] == tomorrow
    assert context["todays"] == [shift] and context["clock_shift"] == shift


def test_shifts_of_a_draft_schedule_are_not_on_the_dsps_home(org_a):
    staff = _dsp(org_a)
    draft = published_schedule(org_a, clock.today(org_a), status=Schedule.Status.DRAFT)
    make_shift(org_a, start=timezone.now() + dt.timedelta(hours=1), staff=staff, schedule=draft)
    context = _panel(signed_in(org_a, "dsp").get("/"), "my_shifts")
    assert context["todays"] == [] and context["following"] is None and context["clock_shift"] is None


def test_a_dsp_sees_open_shifts_to_take_and_only_their_care_teams_clients(org_a):
    staff = _dsp(org_a)
    open_shift = make_shift(org_a, start=timezone.now() + dt.timedelta(days=1))
    mine, other = make_client(org_a), make_client(org_a)
    with org_a:
        client_services.care_team_add(client=mine, user=staff.user)
    response = signed_in(org_a, "dsp").get("/")
    assert _panel(response, "shifts_to_take")["rows"] == [open_shift]
    assert _panel(response, "my_clients")["rows"] == [mine]
    html = response.content.decode()
    assert reverse("scheduling:shift_claim", args=[open_shift.pk]) in html
    assert other.last_name not in html


def test_a_dsp_without_a_staff_record_or_a_care_team_gets_no_panels(org_a):
    keys = [p["key"] for p in signed_in(org_a, "dsp").get("/").context["panels"]]
    assert keys == []


def test_a_scheduler_sees_this_weeks_open_shifts_drafts_and_todays_evv_exceptions(org_a):
    # The organization's next noon (whichever day the clock is set to): a shift five minutes
    # ahead is still this week's and a visit forty minutes ago still today's, as they would not
    # be in the minutes around midnight or the week's turn. Forward only: the audit log has
    # partitions for the months from now on, not for the month that just ended.
    here = timezone.now().astimezone(clock.zone(org_a))
    noon = here.replace(hour=12, minute=0, second=0, microsecond=0)
    if noon <= here:
        noon += dt.timedelta(days=1)
    with time_machine.travel(noon, tick=True):
        _scheduler_panels(org_a)


def _scheduler_panels(org_a):
    now = timezone.now()
    this_week = make_shift(org_a, start=now + dt.timedelta(minutes=5))
    next_week = make_shift(org_a, start=now + dt.timedelta(days=8))  # not this week's work
    draft = published_schedule(org_a, clock.today(org_a), status=Schedule.Status.DRAFT)
    worker = make_staff(org_a)
    shift = make_shift(org_a, start=now - dt.timedelta(minutes=40), staff=worker)
    with org_a:
        flagged = Visit.objects.create(
            shift=shift,
            staff=worker,
            clock_in_at=now - dt.timedelta(minutes=35),
            status=Visit.Status.EXCEPTION,
            exception_codes=[Visit.Exception.OUTSIDE_GEOFENCE],
        )
        Visit.objects.create(
            shift=make_shift(org_a, start=now - dt.timedelta(days=2), staff=worker),
            staff=worker,
            clock_in_at=now - dt.timedelta(days=2),
            clock_out_at=now - dt.timedelta(days=2) + dt.timedelta(hours=8),
            status=Visit.Status.EXCEPTION,
            exception_codes=[Visit.Exception.NO_LOCATION],
        )
    response = signed_in(org_a, "scheduler").get("/")
    open_rows = _panel(response, "week_open_shifts")["rows"]
    today = clock.today(org_a)
    assert this_week in open_rows and next_week not in open_rows
    assert draft in _panel(response, "unpublished_weeks")["rows"]
    assert _panel(response, "evv_exceptions")["rows"] == [flagged]
    html = response.content.decode()
    assert "Outside the geofence" in html
    assert f"status=exception&amp;date_from={today.isoformat()}" in html


def test_the_scheduling_panels_are_not_shown_to_the_other_organizations_people(org_a, org_b):
    make_shift(org_a, start=timezone.now() + dt.timedelta(minutes=5))
    response = signed_in(org_b, "scheduler").get("/")
    assert _panel(response, "week_open_shifts")["rows"] == []


def test_at_eight_in_the_evening_in_chicago_the_mornings_shift_is_still_today_s(org_a):
    # 20:00 in Chicago is 02:00 UTC the next day: "today" read in UTC would drop the morning.
    staff = _dsp(org_a)
    zone = clock.zone(org_a)
    day = clock.today(org_a) + dt.timedelta(days=1)
    morning = make_shift(org_a, start=dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone), hours=4, staff=staff)
    next_day = make_shift(
        org_a, start=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9, 0), tzinfo=zone), staff=staff
    )
    with time_machine.travel(dt.datetime.combine(day, dt.time(20, 0), tzinfo=zone), tick=False):
        context = _panel(signed_in(org_a, "dsp").get("/"), "my_shifts")
    assert context["today"] == day
    assert context["todays"] == [morning] and context["following"] == next_day
    assert context["clock_shift"] is None  # over: nothing left to clock into today


def test_someone_on_a_care_team_sees_their_clients_even_without_a_staff_record(org_a):
    mine = make_client(org_a)
    with org_a:
        client_services.care_team_add(client=mine, user=person(org_a, "nurse"))
    keys_and_rows = {p["key"]: p["context"].get("rows") for p in signed_in(org_a, "nurse").get("/").context["panels"]}
    assert keys_and_rows == {"my_clients": [mine]}


def test_unresolved_visits_from_earlier_days_are_counted_with_a_link_to_review_them(org_a):
    now = timezone.now()
    worker = make_staff(org_a)
    with org_a:
        for days in (2, 3):
            Visit.objects.create(
                shift=make_shift(org_a, start=now - dt.timedelta(days=days), staff=worker),
                staff=worker,
                clock_in_at=now - dt.timedelta(days=days),
                clock_out_at=now - dt.timedelta(days=days) + dt.timedelta(hours=8),
                status=Visit.Status.EXCEPTION,
                exception_codes=[Visit.Exception.NO_LOCATION],
            )
    response = signed_in(org_a, "scheduler").get("/")
    panel = _panel(response, "evv_exceptions")
    assert panel["rows"] == [] and panel["older"] == 2
    yesterday = clock.today(org_a) - dt.timedelta(days=1)
    html = response.content.decode()
    assert "2 older visits are awaiting review" in html
    assert f"/scheduling/visits/?status=exception&amp;date_to={yesterday.isoformat()}" in html
    listed = signed_in(org_a, "scheduler").get(f"/scheduling/visits/?status=exception&date_to={yesterday}")
    assert listed.status_code == 200 and len(listed.context["page"].object_list) == 2


def test_a_panel_is_kept_until_what_it_shows_changes_and_never_past_its_minute(org_a):
    from conftest import Renders

    staff = _dsp(org_a)
    now = timezone.now().replace(second=0, microsecond=0)
    shift = make_shift(org_a, start=now - dt.timedelta(minutes=30), hours=4, staff=staff)
    dsp = signed_in(org_a, "dsp")
    clock_in = f'action="{reverse("scheduling:shift_clock_in", args=[shift.pk])}"'
    with time_machine.travel(now + dt.timedelta(seconds=5), tick=False):
        with Renders("scheduling/partials/_home_my_shifts.html") as drawn:
            first = dsp.get("/").content.decode()
            again = dsp.get("/").content.decode()
        assert drawn.count == 1 and clock_in in first and clock_in in again
        # The kept panel's forms carry this request's CSRF token, not a placeholder.
        assert "shell-csrf" not in again and 'name="csrfmiddlewaretoken"' in again
        with org_a:
            visit = Visit.objects.create(shift=shift, staff=staff, clock_in_at=now - dt.timedelta(minutes=25))
        clocked_in = dsp.get("/").content.decode()
        assert f'action="{reverse("scheduling:clock_out", args=[visit.pk])}"' in clocked_in
    with time_machine.travel(now + dt.timedelta(minutes=1, seconds=5), tick=False):
        with Renders("scheduling/partials/_home_my_shifts.html") as drawn:
            dsp.get("/")
        assert drawn.count == 1
