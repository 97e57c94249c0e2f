"""Every shift belongs to the schedule of its location and week, whichever page made it;
publishing names each blocking conflict and its shift and does not ask again about one already
overridden; a shift that ends when it starts is refused; conflicts are text, not tooltips."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.core import clock
from apps.notifications.models import Notification
from apps.scheduling import selectors, services
from apps.scheduling.models import ConflictOverride, Schedule, Shift
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person, signed_in


@pytest.fixture
def week(org_a):
    with org_a:
        return selectors.week_start(org_a, clock.today(org_a) + dt.timedelta(days=14))


@pytest.fixture
def house(org_a):
    return make_location(org_a, name="Maple House")


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


def _quick(day, house, **extra) -> dict:
    return {
        "shift_date": day.isoformat(),
        "location": str(house.pk),
        "start_time": "07:00",
        "end_time": "15:00",
    } | extra


def test_a_quick_added_shift_joins_a_new_draft_schedule_of_its_location_and_week(org_a, week, house, dana):
    day = week + dt.timedelta(days=3)
    response = signed_in(org_a, "scheduler").post(
        "/scheduling/shifts/quick-add/", _quick(day, house, staff=dana.employee_id), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    with org_a:
        shift = Shift.objects.select_related("schedule").get(location=house, shift_date=day)
        schedule = shift.schedule
    assert schedule is not None and schedule.status == Schedule.Status.DRAFT
    assert (schedule.start_date, schedule.end_date, schedule.location_id) == (week, week + dt.timedelta(6), house.pk)
    assert schedule.schedule_name == f"Maple House, week of {week:%b} {week.day}, {week.year}"
    # The next shift that week, from the full form, joins the same schedule.
    form = {
        "shift_date": (week + dt.timedelta(days=4)).isoformat(),
        "start_time": "15:00",
        "end_time": "23:00",
        "location": str(house.pk),
        "status": "scheduled",
        "shift_type": "regular",
    }
    assert signed_in(org_a, "scheduler").post("/scheduling/shifts/new/", form).status_code == 302
    with org_a:
        assert Schedule.objects.count() == 1 and schedule.shifts.count() == 2
    # Publishing that week now tells Dana.
    assert signed_in(org_a, "scheduler").post(f"/scheduling/schedules/{schedule.pk}/publish/").status_code == 302
    with org_a:
        assert Notification.objects.filter(user=dana.user, notification_type="schedule.published").exists()


def test_a_shift_joins_the_schedule_that_already_holds_its_week(org_a, week, house, dana):
    fortnight = Schedule(
        schedule_name="Fortnight",
        start_date=week - dt.timedelta(days=7),
        end_date=week + dt.timedelta(days=6),
        location=house,
    )
    with org_a:
        rota = services.schedule_save(schedule=fortnight, actor=person(org_a, "scheduler"))
    shift = make_shift(org_a, day=week + dt.timedelta(days=2), start="07:00", end="15:00", location=house)
    assert shift.schedule_id == rota.pk


def test_the_admins_shift_form_puts_the_shift_in_its_weeks_schedule(org_a, week, house):
    response = signed_in(org_a, "admin").post(
        "/admin/scheduling/shift/add/",
        {
            "location": str(house.pk),
            "shift_date": week.isoformat(),
            "start_time": "07:00",
            "end_time": "15:00",
            "status": "scheduled",
            "shift_type": "regular",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with org_a:
        shift = Shift.objects.get(location=house)
    assert shift.schedule is not None and shift.schedule.start_date == week


def test_the_automatic_schedule_name_is_in_the_readers_language(org_a, house):
    with translation.override("es"):
        name = services.schedule_name(house, dt.date(2026, 12, 6))
    assert name == "Maple House, semana del 6 dic 2026"
    assert services.schedule_name(house, dt.date(2026, 12, 6)) == "Maple House, week of Dec 6, 2026"


@pytest.mark.parametrize("page", ["full", "quick"])
def test_a_shift_that_ends_when_it_starts_is_refused_with_a_message(org_a, week, house, page):
    scheduler = signed_in(org_a, "scheduler")
    if page == "full":
        form = {
            "shift_date": week.isoformat(),
            "start_time": "07:00",
            "end_time": "07:00",
            "location": str(house.pk),
            "status": "scheduled",
            "shift_type": "regular",
        }
        response = scheduler.post("/scheduling/shifts/new/", form)
        assert response.status_code == 400
    else:
        response = scheduler.post(
            "/scheduling/shifts/quick-add/", _quick(week, house, end_time="07:00"), HTTP_HX_REQUEST="true"
        )
    assert "The shift must end at a different time from its start." in response.content.decode()
    with org_a:
        assert not Shift.objects.exists() and not Schedule.objects.exists()


def test_publishing_lists_each_blocking_conflict_with_whose_shift_it_is_and_a_link(org_a, week, house, dana):
    first = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house, publish=False)
    clash = make_shift(
        org_a, day=week, start="12:00", end="20:00", staff=dana, location=house, override="setup", publish=False
    )
    assert first.schedule_id == clash.schedule_id
    page = signed_in(org_a, "scheduler").post(f"/scheduling/schedules/{first.schedule_id}/publish/").content.decode()
    found = page[page.index('id="conflict-findings"') :].split("</div>")[0]
    assert f'href="/scheduling/shifts/{first.pk}/"' in found
    assert f"Dana Okafor ({dana.employee_id}): Double-booked" in found
    # The clash was overridden with a reason when it was saved: not raised again.
    assert f'href="/scheduling/shifts/{clash.pk}/"' not in found


def test_a_schedule_whose_conflicts_were_all_overridden_publishes_without_asking_again(org_a, week, house, dana):
    first = make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house, publish=False)
    clash = make_shift(
        org_a, day=week, start="12:00", end="20:00", staff=dana, location=house, override="setup", publish=False
    )
    with org_a:
        # The first shift saved again, now with its own override.
        services.shift_save(
            shift=Shift.objects.get(pk=first.pk),
            actor=person(org_a, "admin"),
            organization=org_a,
            override_reason="Agreed with Dana",
        )
        before = ConflictOverride.objects.count()
    response = signed_in(org_a, "scheduler").post(f"/scheduling/schedules/{clash.schedule_id}/publish/")
    assert response.status_code == 302
    with org_a:
        assert Schedule.objects.get(pk=clash.schedule_id).status == Schedule.Status.PUBLISHED
        assert ConflictOverride.objects.count() == before


def test_conflicts_are_text_on_the_week_grid_not_only_a_tooltip(org_a, week, house, dana):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    make_shift(org_a, day=week, start="12:00", end="20:00", staff=dana, location=house, override="setup")
    page = signed_in(org_a, "scheduler").get(f"/scheduling/week/?location={house.pk}&week={week}").content.decode()
    assert 'class="conflict-list"' in page and "<strong>Conflict:</strong> Double-booked" in page
    assert 'class="conflict-mark" title=' not in page


def test_a_week_copied_without_a_schedule_goes_into_each_weeks_schedule(org_a, week, house, dana):
    make_shift(org_a, day=week, start="07:00", end="15:00", staff=dana, location=house)
    with org_a:
        copied = services.week_copy(
            source_start=week,
            target_start=week + dt.timedelta(days=7),
            location=house,
            schedule=None,
            actor=person(org_a, "scheduler"),
            organization=org_a,
        )
        copy = Shift.objects.select_related("schedule").get(shift_date=week + dt.timedelta(days=7))
    assert copied == 1 and copy.schedule is not None and copy.schedule.start_date == week + dt.timedelta(days=7)


def test_quick_add_into_a_locked_week_says_so_in_the_days_cell(org_a, week, house, dana):
    day = week + dt.timedelta(days=2)
    make_shift(org_a, day=day, start="15:00", end="23:00", location=house)
    with org_a:
        Schedule.objects.filter(location=house).update(status=Schedule.Status.LOCKED)
    response = signed_in(org_a, "scheduler").post(
        "/scheduling/shifts/quick-add/", _quick(day, house, staff=dana.employee_id), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "locked" in response.content.decode()
    with org_a:
        assert Shift.objects.filter(location=house, shift_date=day).count() == 1


def test_a_shift_for_an_archived_week_is_refused_not_put_in_a_second_schedule(org_a, week, house):
    day = week + dt.timedelta(days=2)
    make_shift(org_a, day=day, start="15:00", end="23:00", location=house)
    with org_a:
        Schedule.objects.filter(location=house).update(status=Schedule.Status.ARCHIVED)
        shift = Shift(location=house, shift_date=day, start_time=dt.time(7), end_time=dt.time(15))
        with pytest.raises(ValidationError):
            services.shift_save(shift=shift, actor=person(org_a, "admin"), organization=org_a)
        assert Schedule.objects.filter(location=house).count() == 1


def test_a_long_location_name_still_makes_a_schedule_whose_name_fits(org_a, week):
    long_named = make_location(org_a, name="Supported Living Residence " * 9)
    make_shift(org_a, day=week, start="07:00", end="15:00", location=long_named)
    with org_a:
        schedule = Schedule.objects.get(location=long_named)
    assert len(schedule.schedule_name) <= 255 and schedule.schedule_name.startswith("Supported Living")
