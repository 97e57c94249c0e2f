import datetime as dt

import pytest

from apps.core import clock
from apps.scheduling import services
from apps.scheduling.models import (
    Appointment,
    CalendarFeed,
    ConflictOverride,
    Schedule,
    Service,
    Shift,
    Visit,
    VisitCorrection,
)
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person, signed_in

DAY = dt.date(2027, 3, 10)
MODELS = [Service, Schedule, Shift, Appointment, Visit, VisitCorrection, ConflictOverride, CalendarFeed]


def _shift_form(staff, **fields) -> dict:
    return {
        "schedule": "",
        "staff": staff.pk,
        "location": "",
        "client": "",
        "service": "",
        "shift_date": DAY.isoformat(),
        "start_time": "12:00",
        "end_time": "20:00",
        "break_start": "",
        "break_end": "",
        "meal_start": "",
        "meal_end": "",
        "status": "scheduled",
        "shift_type": "regular",
        "notes": "",
        "override_reason": "",
    } | fields


@pytest.fixture
def booked(org_a):
    staff = make_staff(org_a)
    shift = make_shift(org_a, day=DAY, start="08:00", end="16:00", staff=staff, location=make_location(org_a))
    return staff, shift


def test_an_organization_admin_sees_every_scheduling_page_of_the_admin(org_a, booked):
    _staff, shift = booked
    admin = signed_in(org_a, "admin")
    for model in MODELS:
        url = f"/admin/scheduling/{model._meta.model_name}/"
        assert admin.get(url).status_code == 200, url
    for model in (Service, Schedule, Shift, Appointment):
        url = f"/admin/scheduling/{model._meta.model_name}/add/"
        assert admin.get(url).status_code == 200, url
    page = admin.get(f"/admin/scheduling/shift/{shift.pk}/change/")
    assert page.status_code == 200 and 'name="override_reason"' in page.content.decode()


def test_a_shift_with_a_blocking_conflict_is_refused_on_the_admin_form(org_a, booked):
    staff, _shift = booked
    response = signed_in(org_a, "admin").post("/admin/scheduling/shift/add/", _shift_form(staff))
    page = response.content.decode()
    assert response.status_code == 200 and "Double-booked" in page and "To save it anyway, say why here" in page
    with org_a:
        assert Shift.objects.filter(staff=staff).count() == 1


def test_a_reason_lets_an_allowed_person_override_it_in_the_admin(org_a, booked):
    staff, _shift = booked
    response = signed_in(org_a, "admin").post(
        "/admin/scheduling/shift/add/", _shift_form(staff, override_reason="Covering a sick call.")
    )
    assert response.status_code == 302
    with org_a:
        added = Shift.objects.get(staff=staff, start_time=dt.time(12))
        assert added.starts_at < added.ends_at
        override = ConflictOverride.objects.get(shift=added)
        assert (override.code, override.reason, override.actor) == (
            "double_booked",
            "Covering a sick call.",
            person(org_a, "admin"),
        )


def test_a_shift_saved_in_the_admin_gets_its_instants_in_the_organizations_zone(org_a):
    staff = make_staff(org_a)
    response = signed_in(org_a, "admin").post(
        "/admin/scheduling/shift/add/", _shift_form(staff, start_time="22:00", end_time="06:00")
    )
    assert response.status_code == 302
    with org_a:
        shift = Shift.objects.get(staff=staff)
    # 22:00 on 10 March 2027 in the organization's zone, overnight to the next day.
    zone = clock.zone(org_a)
    assert shift.starts_at == dt.datetime(2027, 3, 10, 22, tzinfo=zone)
    assert shift.ends_at == dt.datetime(2027, 3, 11, 6, tzinfo=zone)


def test_a_locked_schedules_shift_cannot_be_changed_by_a_scheduler_in_the_admin(org_a):
    from django.contrib.auth.models import Permission

    from apps.accounts.models import Role

    staff = make_staff(org_a)
    with org_a:
        schedule = Schedule.objects.create(
            schedule_name="Week 10", start_date=DAY, end_date=DAY + dt.timedelta(days=6), status="locked"
        )
        role = Role.objects.get(name="Scheduler")
        role.group.permissions.add(Permission.objects.get(codename="access_admin"))
        role.save(update_fields=["updated_at"])
    response = signed_in(org_a, "scheduler").post(
        "/admin/scheduling/shift/add/", _shift_form(staff, schedule=schedule.pk)
    )
    assert response.status_code == 200 and "This schedule is locked" in response.content.decode()
    with org_a:
        assert not Shift.objects.filter(staff=staff).exists()


def test_a_role_without_the_scheduling_permissions_gets_403(org_a, booked):
    from django.contrib.auth.models import Permission

    from apps.accounts.models import Role

    _staff, shift = booked
    with org_a:
        role = Role.objects.get(name="HR Manager")
        role.group.permissions.add(Permission.objects.get(codename="access_admin"))
        role.save(update_fields=["updated_at"])
    hr = signed_in(org_a, "hr")
    assert hr.get("/admin/scheduling/shift/").status_code == 403
    assert hr.get(f"/admin/scheduling/shift/{shift.pk}/change/").status_code == 403
    assert hr.get("/admin/scheduling/schedule/add/").status_code == 403


def test_visit_times_are_read_only_and_feeds_never_show_their_hash(org_a, booked):
    staff, shift = booked
    with org_a:
        visit = services.visit_clock_in(
            staff=staff, organization=org_a, shift=shift, at=shift.starts_at, reason_code="device_problem"
        )
        services.calendar_feed_issue(staff=staff)
        feed = CalendarFeed.objects.get(staff=staff)
    admin = signed_in(org_a, "admin")
    page = admin.get(f"/admin/scheduling/visit/{visit.pk}/change/").content.decode()
    assert 'name="clock_in_at' not in page and 'name="reason_note"' in page
    assert feed.token_hash not in admin.get("/admin/scheduling/calendarfeed/").content.decode()
    assert feed.token_hash not in admin.get(f"/admin/scheduling/calendarfeed/{feed.pk}/change/").content.decode()
    assert admin.get("/admin/scheduling/visit/add/").status_code == 403


def test_an_appointment_with_a_busy_escort_is_refused_on_the_admin_form(org_a, booked):
    from apps.clients.tests.conftest import make_client

    staff, _shift = booked
    client = make_client(org_a)
    form = {
        "client": client.pk,
        "staff": staff.pk,
        "appointment_type": "medical",
        "title": "Dentist",
        "description": "",
        "location": "Main Street Dental",
        "start_datetime_0": DAY.isoformat(),
        "start_datetime_1": "10:00",
        "end_datetime_0": DAY.isoformat(),
        "end_datetime_1": "11:00",
        "status": "scheduled",
        "transport_staff": "",
        "notes": "",
        "override_reason": "",
    }
    admin = signed_in(org_a, "admin")
    response = admin.post("/admin/scheduling/appointment/add/", form)
    assert response.status_code == 200 and "Double-booked" in response.content.decode()
    with org_a:
        assert not Appointment.objects.exists()
    assert admin.post("/admin/scheduling/appointment/add/", form | {"staff": ""}).status_code == 302


def test_a_schedule_saved_in_the_admin_is_a_draft_by_its_author(org_a):
    response = signed_in(org_a, "admin").post(
        "/admin/scheduling/schedule/add/",
        {
            "schedule_name": "Week 10",
            "schedule_type": "weekly",
            "start_date": DAY.isoformat(),
            "end_date": (DAY + dt.timedelta(days=6)).isoformat(),
            "location": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with org_a:
        schedule = Schedule.objects.get(schedule_name="Week 10")
    assert (schedule.status, schedule.created_by) == ("draft", person(org_a, "admin"))
