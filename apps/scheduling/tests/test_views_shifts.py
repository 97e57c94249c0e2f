"""The shift and schedule pages: the week grid, a person's week, my shifts, shift forms and
quick-add, open shifts and claiming, schedules (publishing, locking, copying a week), and who
sees what."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts import backends
from apps.core import clock, fragments
from apps.scheduling import selectors, services
from apps.scheduling.models import ConflictOverride, Schedule, Shift
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person, signed_in


@pytest.fixture
def week(org_a):
    """The first day of an organization week two weeks ahead (shifts there can still be claimed)."""
    with org_a:
        return selectors.week_start(org_a, clock.today(org_a) + dt.timedelta(days=14))


@pytest.fixture
def house(org_a):
    return make_location(org_a, name="Maple House")


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


@pytest.fixture
def lee(org_a):
    return make_staff(org_a, first_name="Lee", last_name="Park")


def _schedule(org_a, week, **fields) -> Schedule:
    values = {
        "schedule_name": "Spring rota",
        "start_date": week,
        "end_date": week + dt.timedelta(days=6),
    } | fields
    with org_a:
        return services.schedule_save(schedule=Schedule(**values), actor=person(org_a, "scheduler"))


def test_home_sends_schedulers_to_the_week_grid_and_everyone_else_to_their_own_shifts(org_a):
    assert signed_in(org_a, "scheduler").get("/scheduling/")["Location"] == "/scheduling/week/"
    assert signed_in(org_a, "dsp").get("/scheduling/")["Location"] == "/scheduling/mine/"


def test_the_week_grid_shows_each_days_shifts_with_staff_open_and_conflict_marks(org_a, week, house, dana, lee):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    make_shift(org_a, day=week + dt.timedelta(days=2), start="15:00", end="23:00", location=house)
    make_shift(org_a, day=week, start="10:00", end="18:00", staff=dana, location=house, override="Short-staffed")
    elsewhere = make_location(org_a, name="Oak House")
    there = make_shift(org_a, day=week, start="07:00", end="15:00", staff=lee, location=elsewhere)
    for role in ("scheduler", "admin"):
        response = signed_in(org_a, role).get(f"/scheduling/week/?location={house.pk}&week={week.isoformat()}")
        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('class="card shift-card') == 3 and str(there.pk) not in page
        assert "Dana Okafor" in page and "Open" in page and "Has a blocking conflict" in page
        assert f'id="day-{week.isoformat()}"' in page and "Add a shift" in page
        assert f"week={(week + dt.timedelta(days=7)).isoformat()}" in page
    # Any day of the week shows the week holding it, starting on the organization's first day.
    middle = signed_in(org_a, "scheduler").get(f"/scheduling/week/?location={house.pk}&week={week + dt.timedelta(3)}")
    assert f'id="day-{week.isoformat()}"' in middle.content.decode()


def test_the_week_grid_takes_a_constant_number_of_queries_however_many_shifts(
    one_minute, org_a, week, house, django_assert_max_num_queries
):
    scheduler = signed_in(org_a, "scheduler")
    url = f"/scheduling/week/?location={house.pk}&week={week.isoformat()}"
    people = [make_staff(org_a) for _ in range(4)]
    make_shift(org_a, day=week, start="20:00", end="21:00", staff=people[0], location=house)
    scheduler.get(url)
    fragments.clear()
    with CaptureQueriesContext(connection) as few:
        assert scheduler.get(url).status_code == 200
    baseline = len(few)
    for day in range(7):
        for worker in people:
            make_shift(org_a, day=week + dt.timedelta(days=day), start="08:00", end="11:00", location=house)
            make_shift(
                org_a, day=week + dt.timedelta(days=day), start="12:00", end="13:00", staff=worker, location=house
            )
    fragments.clear()
    with django_assert_max_num_queries(baseline):
        response = scheduler.get(url)
    assert response.status_code == 200 and response.content.decode().count('class="card shift-card') == 57


def test_my_shifts_takes_a_constant_number_of_queries_however_many_shifts(
    one_minute, org_a, house, dana, django_assert_max_num_queries
):
    # A kept page: drawn afresh (nothing kept) with one shift and with fourteen days of them.
    dsp = signed_in(org_a, "dsp")
    with org_a:
        first = selectors.week_start(org_a)
    make_shift(org_a, day=first, start="07:00", end="08:00", staff=dana, location=house)
    dsp.get("/scheduling/mine/")
    fragments.clear()
    with CaptureQueriesContext(connection) as few:
        assert dsp.get("/scheduling/mine/").status_code == 200
    for day in range(14):
        for start, end in (("09:00", "12:00"), ("13:00", "16:00")):
            make_shift(org_a, day=first + dt.timedelta(days=day), start=start, end=end, staff=dana, location=house)
    fragments.clear()
    with django_assert_max_num_queries(len(few)):
        response = dsp.get("/scheduling/mine/")
    assert response.status_code == 200 and response.content.decode().count('class="card shift-card') == 29


def test_roles_without_the_permissions_get_403_and_the_pages_work_for_schedulers(org_a, week, house, dana):
    shift = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    schedule = _schedule(org_a, week)
    pages = [
        "/scheduling/week/",
        f"/scheduling/staff/{dana.pk}/",
        "/scheduling/open/",
        f"/scheduling/shifts/{shift.pk}/",
        "/scheduling/shifts/new/",
        f"/scheduling/shifts/{shift.pk}/edit/",
        "/scheduling/schedules/",
        "/scheduling/schedules/new/",
        f"/scheduling/schedules/{schedule.pk}/",
        f"/scheduling/schedules/{schedule.pk}/?check=1",
        f"/scheduling/schedules/{schedule.pk}/edit/",
        f"/scheduling/schedules/{schedule.pk}/copy-week/",
        "/scheduling/mine/",
    ]
    for role in ("scheduler", "admin", "manager"):
        client = signed_in(org_a, role)
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
    for role in ("billing", "hr", "outsider"):
        client = signed_in(org_a, role)
        # HR may claim open shifts (it holds what the staff roles it manages hold), so the open
        # shifts page is theirs too.
        closed = [url for url in [*pages[:3], *pages[4:12]] if not (role == "hr" and url == "/scheduling/open/")]
        for url in closed:
            assert client.get(url).status_code in (403, 404), (role, url)
        assert client.get(f"/scheduling/shifts/{shift.pk}/").status_code == 404
    dsp = signed_in(org_a, "dsp")
    assert dsp.post("/scheduling/shifts/quick-add/", {"shift_date": week.isoformat()}).status_code == 403
    assert dsp.post(f"/scheduling/schedules/{schedule.pk}/publish/").status_code == 403
    assert dsp.post(f"/scheduling/shifts/{shift.pk}/assign/", {"staff": str(dana.pk)}).status_code == 403
    assert signed_in(org_a, "auditor").get("/scheduling/week/").status_code == 200
    assert signed_in(org_a, "auditor").get("/scheduling/shifts/new/").status_code == 403


def test_another_organizations_user_gets_404_for_a_shift_and_a_schedule(org_a, org_b, week, house, dana):
    shift = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    schedule = _schedule(org_a, week)
    other = signed_in(org_b, "admin")
    for url in (
        f"/scheduling/shifts/{shift.pk}/",
        f"/scheduling/shifts/{shift.pk}/edit/",
        f"/scheduling/schedules/{schedule.pk}/",
        f"/scheduling/schedules/{schedule.pk}/edit/",
        f"/scheduling/staff/{dana.pk}/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/scheduling/shifts/{shift.pk}/claim/").status_code in (403, 404)
    assert other.post(f"/scheduling/schedules/{schedule.pk}/publish/").status_code == 404


def test_a_dsp_sees_only_their_own_shifts(org_a, week, house, dana, lee):
    mine = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    next_week = make_shift(org_a, day=week + dt.timedelta(days=8), start="07:00", end="15:00", staff=dana)
    theirs = make_shift(org_a, day=week, start="15:00", end="23:00", staff=lee, location=house)
    dsp = signed_in(org_a, "dsp")
    with org_a:
        this_week = selectors.week_start(org_a)
    own = make_shift(org_a, day=this_week + dt.timedelta(days=6), start="09:00", end="10:00", staff=dana)
    page = dsp.get("/scheduling/mine/").content.decode()
    assert f"/scheduling/shifts/{own.pk}/" in page and f"/scheduling/shifts/{theirs.pk}/" not in page
    assert dsp.get(f"/scheduling/shifts/{mine.pk}/").status_code == 200
    assert dsp.get(f"/scheduling/shifts/{next_week.pk}/").status_code == 200
    assert dsp.get(f"/scheduling/shifts/{theirs.pk}/").status_code == 404
    assert dsp.get(f"/scheduling/shifts/{mine.pk}/edit/").status_code == 403
    assert dsp.get(f"/scheduling/staff/{lee.pk}/").status_code == 403
    assert dsp.get("/scheduling/week/").status_code == 403


def test_my_shifts_lists_this_week_and_next_and_the_open_shifts_i_could_take(org_a, house, dana):
    with org_a:
        first = selectors.week_start(org_a)
    soon = make_shift(org_a, day=first + dt.timedelta(days=9), start="07:00", end="15:00", staff=dana)
    later = make_shift(org_a, day=first + dt.timedelta(days=15), start="07:00", end="15:00", staff=dana)
    open_shift = make_shift(org_a, day=first + dt.timedelta(days=10), start="07:00", end="15:00", location=house)
    page = signed_in(org_a, "dsp").get("/scheduling/mine/").content.decode()
    assert f"/scheduling/shifts/{soon.pk}/" in page and f"/scheduling/shifts/{later.pk}/" not in page
    assert f"/scheduling/shifts/{open_shift.pk}/claim/" in page and "Maple House" in page


def test_my_shifts_is_a_friendly_empty_state_without_a_staff_record(org_a):
    response = signed_in(org_a, "nurse").get("/scheduling/mine/")
    assert response.status_code == 200
    assert "not linked to a staff record" in response.content.decode()


def test_quick_add_creates_a_shift_and_returns_the_day_cell(org_a, week, house, dana):
    scheduler = signed_in(org_a, "scheduler")
    day = week + dt.timedelta(days=1)
    response = scheduler.post(
        "/scheduling/shifts/quick-add/",
        {
            "shift_date": day.isoformat(),
            "location": str(house.pk),
            "start_time": "07:00",
            "end_time": "15:00",
            "staff": dana.employee_id,
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<td id="day-{day.isoformat()}"') and "<html" not in page
    with org_a:
        shift = Shift.objects.get(location=house, shift_date=day)
    assert shift.staff == dana and f"/scheduling/shifts/{shift.pk}/" in page and "Dana Okafor" in page


def test_quick_add_with_a_conflict_returns_the_cell_with_the_error_and_saves_nothing(org_a, week, house, dana):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    scheduler = signed_in(org_a, "scheduler")
    data = {"shift_date": week.isoformat(), "location": str(house.pk), "start_time": "10:00", "end_time": "18:00"}
    response = scheduler.post(
        "/scheduling/shifts/quick-add/", data | {"staff": dana.employee_id}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Double-booked" in page and 'role="alert"' in page
    assert 'value="10:00"' in page and f'value="{dana.employee_id}"' in page
    with org_a:
        assert Shift.objects.filter(location=house).count() == 1
    missing = scheduler.post("/scheduling/shifts/quick-add/", data | {"start_time": ""}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    # Without htmx the form still works: back to the week with a message.
    plain = scheduler.post("/scheduling/shifts/quick-add/", data)
    assert plain.status_code == 302 and plain["Location"].startswith("/scheduling/week/?location=")
    with org_a:
        assert Shift.objects.filter(location=house, staff__isnull=True).count() == 1


def test_quick_add_names_the_field_of_each_error_in_the_days_cell(org_a, week, house):
    data = {"shift_date": week.isoformat(), "location": str(house.pk), "start_time": "", "end_time": "25:99"}
    response = signed_in(org_a, "scheduler").post("/scheduling/shifts/quick-add/", data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<li>Starts: This field is required.</li>" in page and "<li>Ends: Enter a valid time.</li>" in page
    with org_a:
        assert not Shift.objects.exists()


def test_quick_add_without_htmx_names_the_field_of_each_error_in_the_message(org_a, week, house):
    data = {"shift_date": week.isoformat(), "location": str(house.pk), "start_time": "", "end_time": ""}
    response = signed_in(org_a, "scheduler").post("/scheduling/shifts/quick-add/", data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Starts: This field is required. Ends: This field is required."]
    with org_a:
        assert not Shift.objects.exists()


def test_the_shift_form_shows_every_finding_and_saves_only_with_an_override_reason(org_a, week, house, dana):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    data = {
        "shift_date": week.isoformat(),
        "start_time": "14:00",
        "end_time": "22:00",
        "staff": str(dana.pk),
        "location": str(house.pk),
        "status": "scheduled",
        "shift_type": "regular",
    }
    scheduler = signed_in(org_a, "scheduler")
    form = scheduler.get(f"/scheduling/shifts/new/?location={house.pk}&shift_date={week.isoformat()}").content.decode()
    assert 'type="time"' in form and 'type="date"' in form and f'value="{week.isoformat()}"' in form
    refused = scheduler.post("/scheduling/shifts/new/", data)
    page = refused.content.decode()
    assert refused.status_code == 200 and "Double-booked" in page and 'name="override_reason"' in page
    with org_a:
        assert Shift.objects.count() == 1 and not ConflictOverride.objects.exists()
    saved = scheduler.post("/scheduling/shifts/new/", data | {"override_reason": "Covering a sick call"})
    assert saved.status_code == 302
    with org_a:
        shift = Shift.objects.get(start_time=dt.time(14))
        assert ConflictOverride.objects.get(shift=shift).reason == "Covering a sick call"
    detail = scheduler.get(saved["Location"]).content.decode()
    assert "Covering a sick call" in detail and "Double-booked" in detail
    # Someone without the override permission sees the findings and no way around them.
    with org_a:
        from django.contrib.auth.models import Permission

        role = person(org_a, "scheduler").role
        role.group.permissions.remove(Permission.objects.get(codename="override_conflict"))
    backends.clear()  # role permissions are cached per process, keyed by the role's updated_at
    blocked = signed_in(org_a, "scheduler").post("/scheduling/shifts/new/", data | {"override_reason": "Please"})
    page = blocked.content.decode()
    assert blocked.status_code == 200 and "Double-booked" in page and 'name="override_reason"' not in page


def test_editing_a_shift_saves_and_shows_warnings_as_messages(org_a, week, house, dana):
    shift = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    make_shift(org_a, day=week, start="16:00", end="20:00", staff=dana, location=house)
    scheduler = signed_in(org_a, "scheduler")
    data = {
        "shift_date": week.isoformat(),
        "start_time": "06:00",
        "end_time": "14:00",
        "staff": str(dana.pk),
        "location": str(house.pk),
        "status": "confirmed",
        "shift_type": "regular",
    }
    response = scheduler.post(f"/scheduling/shifts/{shift.pk}/edit/", data, follow=True)
    assert response.status_code == 200 and "hours of rest" in response.content.decode()
    with org_a:
        shift.refresh_from_db()
    assert shift.start_time == dt.time(6) and shift.status == "confirmed"
    bad = scheduler.post(f"/scheduling/shifts/{shift.pk}/edit/", data | {"break_start": "09:00"})
    assert bad.status_code == 400 and "Give both the start and the end" in bad.content.decode()


def test_the_shift_page_shows_the_clock_partial_conflicts_and_overrides(org_a, week, house, dana):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    shift = make_shift(org_a, day=week, start="12:00", end="20:00", staff=dana, location=house, override="Cover")
    page = signed_in(org_a, "dsp").get(f"/scheduling/shifts/{shift.pk}/").content.decode()
    assert "Double-booked" in page and "Cover" in page and "Maple House" in page


def test_claiming_an_open_shift_makes_it_yours(org_a, week, house, dana):
    shift = make_shift(org_a, day=week, start="07:00", end="15:00", location=house)
    dsp = signed_in(org_a, "dsp")
    listing = dsp.get("/scheduling/open/").content.decode()
    assert f"/scheduling/shifts/{shift.pk}/claim/" in listing and "Assign" not in listing
    response = dsp.post(f"/scheduling/shifts/{shift.pk}/claim/")
    assert response.status_code == 302 and response["Location"] == f"/scheduling/shifts/{shift.pk}/"
    with org_a:
        shift.refresh_from_db()
    assert shift.staff == dana
    again = dsp.post(f"/scheduling/shifts/{shift.pk}/claim/", follow=True)
    assert again.redirect_chain == [("/scheduling/open/", 302)]
    assert "You have already taken this shift." in again.content.decode()


def test_taking_a_shift_someone_else_has_just_taken_says_so_on_the_open_shifts(org_a, week, house, dana, lee):
    shift = make_shift(org_a, day=week, start="07:00", end="15:00", location=house)
    with org_a:
        Shift.objects.filter(pk=shift.pk).update(staff=lee)
    response = signed_in(org_a, "dsp").post(f"/scheduling/shifts/{shift.pk}/claim/", follow=True)
    assert response.redirect_chain == [("/scheduling/open/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Someone else has just taken this shift."]
    with org_a:
        assert Shift.objects.get(pk=shift.pk).staff_id == lee.pk


def test_claiming_a_shift_that_would_double_book_you_is_refused(org_a, week, house, dana):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    shift = make_shift(org_a, day=week, start="10:00", end="18:00", location=house)
    response = signed_in(org_a, "dsp").post(f"/scheduling/shifts/{shift.pk}/claim/", follow=True)
    assert "You cannot take this shift" in response.content.decode()
    with org_a:
        shift.refresh_from_db()
    assert shift.staff is None


def test_a_manager_assigns_an_open_shift_from_the_list(org_a, week, house, lee):
    shift = make_shift(org_a, day=week, start="07:00", end="15:00", location=house)
    scheduler = signed_in(org_a, "scheduler")
    listing = scheduler.get("/scheduling/open/").content.decode()
    assert f"/scheduling/shifts/{shift.pk}/assign/" in listing and 'id="assign-staff"' in listing
    response = scheduler.post(f"/scheduling/shifts/{shift.pk}/assign/", {"staff": str(lee.pk)}, follow=True)
    assert "Assigned to Lee Park." in response.content.decode()
    with org_a:
        shift.refresh_from_db()
    assert shift.staff == lee
    assert "No open shifts" in scheduler.get("/scheduling/open/").content.decode()


def test_publishing_with_a_blocking_conflict_shows_the_findings_and_publishes_only_with_a_reason(
    org_a, week, house, dana
):
    schedule = _schedule(org_a, week)
    first = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house, schedule=schedule)
    make_shift(
        org_a, day=week, start="12:00", end="20:00", staff=dana, location=house, schedule=schedule, override="setup"
    )
    scheduler = signed_in(org_a, "scheduler")
    checked = scheduler.get(f"/scheduling/schedules/{schedule.pk}/?check=1").content.decode()
    assert "Double-booked" in checked
    refused = scheduler.post(f"/scheduling/schedules/{schedule.pk}/publish/")
    page = refused.content.decode()
    assert refused.status_code == 200 and "Double-booked" in page and 'name="override_reason"' in page
    with org_a:
        schedule.refresh_from_db()
        before = ConflictOverride.objects.count()
    assert schedule.status == Schedule.Status.DRAFT
    published = scheduler.post(f"/scheduling/schedules/{schedule.pk}/publish/", {"override_reason": "Agreed with Dana"})
    assert published.status_code == 302
    with org_a:
        schedule.refresh_from_db()
        added = ConflictOverride.objects.filter(reason="Agreed with Dana")
        assert schedule.status == Schedule.Status.PUBLISHED and schedule.approved_by == person(org_a, "scheduler")
        # The clash was let through with a reason when it was saved: publishing asks only
        # about the conflict nobody has overridden yet.
        assert added.count() == ConflictOverride.objects.count() - before == 1
        assert set(added.values_list("shift_id", flat=True)) == {first.pk}


def test_schedules_are_listed_searched_filtered_and_paginated(org_a, week):
    # One week each: two live agency-wide schedules may not share a day.
    for index in range(27):
        _schedule(org_a, week + dt.timedelta(days=7 * index), schedule_name=f"Rota {index:02d}")
    _schedule(org_a, week - dt.timedelta(days=7), schedule_name="Summer camp")
    scheduler = signed_in(org_a, "scheduler")
    first = scheduler.get("/scheduling/schedules/").content.decode()
    assert "Page 1 of 2" in first
    found = scheduler.get("/scheduling/schedules/?q=summer").content.decode()
    assert "Summer camp" in found and "Rota 01" not in found
    assert "No schedule matches" in scheduler.get("/scheduling/schedules/?status=published").content.decode()


def test_a_schedule_is_created_edited_locked_reopened_and_archived_by_permission(org_a, week, house):
    scheduler = signed_in(org_a, "scheduler")
    data = {
        "schedule_name": "Maple rota",
        "schedule_type": "weekly",
        "start_date": week.isoformat(),
        "end_date": (week + dt.timedelta(days=6)).isoformat(),
        "location": str(house.pk),
    }
    bad = scheduler.post("/scheduling/schedules/new/", data | {"end_date": (week - dt.timedelta(1)).isoformat()})
    assert bad.status_code == 400
    created = scheduler.post("/scheduling/schedules/new/", data)
    assert created.status_code == 302
    with org_a:
        schedule = Schedule.objects.get(schedule_name="Maple rota")
    assert scheduler.post(f"/scheduling/schedules/{schedule.pk}/edit/", data | {"notes": "Hi"}).status_code == 302
    assert scheduler.post(f"/scheduling/schedules/{schedule.pk}/publish/").status_code == 302
    page = scheduler.get(f"/scheduling/schedules/{schedule.pk}/").content.decode()
    assert ">Lock<" in page and ">Reopen<" not in page
    scheduler.post(f"/scheduling/schedules/{schedule.pk}/status/", {"status": "locked"})
    with org_a:
        schedule.refresh_from_db()
    assert schedule.status == Schedule.Status.LOCKED
    assert ">Reopen<" not in scheduler.get(f"/scheduling/schedules/{schedule.pk}/").content.decode()
    assert scheduler.post(f"/scheduling/schedules/{schedule.pk}/status/", {"status": "published"}).status_code == 403
    admin = signed_in(org_a, "admin")
    assert ">Reopen<" in admin.get(f"/scheduling/schedules/{schedule.pk}/").content.decode()
    admin.post(f"/scheduling/schedules/{schedule.pk}/status/", {"status": "published"})
    scheduler.post(f"/scheduling/schedules/{schedule.pk}/status/", {"status": "archived"})
    with org_a:
        schedule.refresh_from_db()
    assert schedule.status == Schedule.Status.ARCHIVED
    wrong = scheduler.post(f"/scheduling/schedules/{schedule.pk}/status/", {"status": "locked"}, follow=True)
    assert "cannot become" in wrong.content.decode()


def test_copying_a_week_into_a_schedule(org_a, week, house, dana, lee):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    make_shift(org_a, day=week + dt.timedelta(days=2), start="15:00", end="23:00", staff=lee, location=house)
    target = week + dt.timedelta(days=7)
    schedule = _schedule(org_a, target)
    scheduler = signed_in(org_a, "scheduler")
    outside = scheduler.post(
        f"/scheduling/schedules/{schedule.pk}/copy-week/",
        {"source_start": week.isoformat(), "target_start": (target + dt.timedelta(days=5)).isoformat()},
    )
    assert outside.status_code == 400 and "outside the schedule" in outside.content.decode()
    with org_a:
        assert not schedule.shifts.exists()
    response = scheduler.post(
        f"/scheduling/schedules/{schedule.pk}/copy-week/",
        {"source_start": week.isoformat(), "target_start": target.isoformat(), "location": str(house.pk)},
        follow=True,
    )
    assert "2 shifts copied" in response.content.decode()
    with org_a:
        copies = list(schedule.shifts.order_by("starts_at"))
    assert [(c.shift_date, c.staff_id) for c in copies] == [(target, dana.pk), (target + dt.timedelta(days=2), lee.pk)]


def test_copying_a_week_into_a_locations_schedule_offers_only_that_location(org_a, week, house):
    make_location(org_a, name="Birch House")
    schedule = _schedule(org_a, week + dt.timedelta(days=7), location=house)
    response = signed_in(org_a, "scheduler").get(f"/scheduling/schedules/{schedule.pk}/copy-week/")
    field = response.context["form"]["location"]
    assert [choice[1] for choice in field.field.choices] == ["Maple House"]
    assert field.value() == house.pk


def test_copying_another_locations_shifts_into_a_locations_schedule_is_refused(org_a, week, house, dana):
    birch = make_location(org_a, name="Birch House")
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=birch)
    target = week + dt.timedelta(days=7)
    schedule = _schedule(org_a, target, location=house)
    response = signed_in(org_a, "scheduler").post(
        f"/scheduling/schedules/{schedule.pk}/copy-week/",
        {"source_start": week.isoformat(), "target_start": target.isoformat(), "location": str(birch.pk)},
    )
    assert response.status_code == 400 and response.context["form"].errors["location"]
    with org_a:
        assert not schedule.shifts.exists()


@pytest.mark.parametrize("other", [None, "Birch House"])
def test_the_week_copy_service_keeps_other_locations_shifts_out_of_a_locations_schedule(
    org_a, week, house, dana, other
):
    birch = make_location(org_a, name="Birch House")
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=birch)
    target = week + dt.timedelta(days=7)
    schedule = _schedule(org_a, target, location=house)
    with org_a:
        with pytest.raises(ValidationError) as refused:
            services.week_copy(
                source_start=week,
                target_start=target,
                location=birch if other else None,
                schedule=schedule,
                actor=person(org_a, "scheduler"),
                organization=org_a,
            )
        assert not schedule.shifts.exists()
    assert refused.value.message_dict == {
        "location": ["Only shifts of this schedule's location can be copied into it."]
    }


def test_the_week_grid_shows_any_change_at_once_though_it_is_kept_rendered(org_a, week, house, dana):
    from apps.clients.models import ClientLocation

    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    scheduler = signed_in(org_a, "scheduler")
    url = f"/scheduling/week/?location={house.pk}&week={week.isoformat()}"
    first = scheduler.get(url).content.decode()
    assert "Okafor" in first and "Has a blocking conflict" not in first
    # A rule changing on another table (the location now requires CPR, which Dana lacks).
    with org_a:
        ClientLocation.objects.filter(pk=house.pk).update(required_certifications=["CPR"])
    assert "Has a blocking conflict" in scheduler.get(url).content.decode()
    make_shift(org_a, day=week, start="15:00", end="23:00", location=house)
    assert scheduler.get(url).content.decode().count("<strong>Open</strong>") == 1


def test_pickers_name_staff_with_their_employee_id_to_tell_namesakes_apart(org_a, dana):
    namesake = make_staff(org_a, first_name="Dana", last_name="Okafor")
    page = signed_in(org_a, "scheduler").get("/scheduling/shifts/new/").content.decode()
    assert f"Dana Okafor ({dana.employee_id})" in page and f"Dana Okafor ({namesake.employee_id})" in page
