"""Each conflict rule, true and false, and overriding a blocking one."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import LogEntry
from apps.scheduling import conflicts, services
from apps.scheduling.models import Appointment, ConflictOverride, Schedule, Service, Shift
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from apps.staff import services as staff_services
from apps.staff.models import Staff, TrainingProgram
from conftest import person

MONDAY = dt.date(2026, 6, 1)
T = dt.time.fromisoformat


def codes(organization, shift) -> dict[str, str]:
    with organization:
        services.shift_place(shift, organization=organization)
        (found,) = conflicts.check([shift], organization=organization)
    return {f.code: f.severity for f in found}


def unsaved(staff, *, day=MONDAY, start="07:00", end="15:00", **fields) -> Shift:
    return Shift(staff=staff, shift_date=day, start_time=T(start), end_time=T(end), **fields)


@pytest.fixture
def dana(org_a):
    return make_staff(org_a)


def test_a_person_on_two_overlapping_shifts_is_double_booked(org_a, dana):
    make_shift(org_a, day=MONDAY, start="22:00", end="07:00", staff=dana)
    assert (
        codes(org_a, unsaved(dana, day=MONDAY + dt.timedelta(days=1), start="06:00", end="14:00"))["double_booked"]
        == "error"
    )
    assert "double_booked" not in codes(org_a, unsaved(dana, day=MONDAY + dt.timedelta(days=1), start="07:00"))


def test_an_appointment_someone_drives_to_makes_them_busy(org_a, dana):
    from apps.clients.tests.conftest import make_client

    client = make_client(org_a)
    with org_a:
        Appointment.objects.create(
            client=client,
            title="Dentist",
            start_datetime=dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC),
            end_datetime=dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC),
            requires_transport=True,
            transport_staff=dana,
        )
    assert codes(org_a, unsaved(dana))["double_booked"] == "error"  # 07:00–15:00 Chicago = 12:00–20:00 UTC
    assert "double_booked" not in codes(org_a, unsaved(dana, start="16:00", end="20:00"))


def test_a_cancelled_shift_books_nobody(org_a, dana):
    make_shift(org_a, day=MONDAY, start="07:00", end="15:00", staff=dana, status="cancelled")
    assert "double_booked" not in codes(org_a, unsaved(dana))


def test_a_certification_the_location_requires_must_be_current_on_the_day(org_a, dana):
    house = make_location(org_a, required_certifications=["CPR"])
    assert codes(org_a, unsaved(dana, location=house))["certification"] == "error"  # none at all
    with org_a:
        staff_services.certification_save(
            staff=dana,
            certification_type="CPR",
            certification_name="CPR",
            issuing_organization="Red Cross",
            issue_date=dt.date(2024, 6, 1),
            expiry_date=dt.date(2026, 5, 31),
        )
    assert codes(org_a, unsaved(dana, location=house))["certification"] == "error"  # expired the day before
    assert "certification" not in codes(org_a, unsaved(dana, location=house, day=dt.date(2026, 5, 31)))


def test_a_certification_the_service_requires_is_checked_too(org_a, dana):
    with org_a:
        service = Service.objects.create(code="T2017", name="Habilitation", required_certifications=["Med Admin"])
    assert codes(org_a, unsaved(dana, service=service))["certification"] == "error"
    assert "certification" not in codes(org_a, unsaved(dana))


@pytest.mark.parametrize(("status", "blocked"), [("terminated", True), ("on_leave", True), ("active", False)])
def test_terminated_staff_and_staff_on_leave_cannot_be_scheduled(org_a, status, blocked):
    fields = {"employment_status": status}
    if status == "terminated":
        fields["termination_date"] = dt.date(2026, 5, 1)
    worker = make_staff(org_a, **fields)
    assert ("status" in codes(org_a, unsaved(worker))) is blocked


def test_a_termination_date_before_the_shift_blocks_it_even_while_still_active(org_a, dana):
    with org_a:
        Staff.objects.filter(pk=dana.pk).update(termination_date=dt.date(2026, 5, 30))
        dana.refresh_from_db()
    assert codes(org_a, unsaved(dana))["status"] == "error"


def test_overdue_mandatory_training_is_a_warning(org_a, dana):
    with org_a:
        program = TrainingProgram.objects.create(program_name="HIPAA", is_mandatory=True, frequency_months=12)
    assert codes(org_a, unsaved(dana))["training"] == "warning"
    with org_a:
        staff_services.training_record_save(staff=dana, program=program, completed_on=dt.date(2026, 1, 10))
    assert "training" not in codes(org_a, unsaved(dana))
    assert codes(org_a, unsaved(dana, day=dt.date(2027, 2, 1)))["training"] == "warning"  # expired by then


def test_more_than_forty_hours_in_the_organizations_week_is_overtime(org_a, dana):
    # Alpha's week starts on Sunday: Sun 31 May to Sat 6 June 2026.
    for offset in range(4):
        make_shift(org_a, day=MONDAY + dt.timedelta(days=offset), start="07:00", end="17:00", staff=dana)
    assert "overtime" not in codes(org_a, unsaved(dana, day=dt.date(2026, 6, 7)))  # next week's Sunday
    assert codes(org_a, unsaved(dana, day=dt.date(2026, 6, 5), start="07:00", end="08:00"))["overtime"] == "warning"


def test_exactly_forty_hours_is_not_overtime(org_a, dana):
    for offset in range(4):
        make_shift(org_a, day=MONDAY + dt.timedelta(days=offset), start="07:00", end="15:00", staff=dana)
    assert "overtime" not in codes(org_a, unsaved(dana, day=dt.date(2026, 6, 5), start="07:00", end="15:00"))
    assert "overtime" in codes(org_a, unsaved(dana, day=dt.date(2026, 6, 5), start="07:00", end="15:30"))


def test_too_little_rest_between_shifts_is_a_warning(org_a, dana):
    make_shift(org_a, day=MONDAY, start="14:00", end="23:00", staff=dana)
    assert (
        codes(org_a, unsaved(dana, day=MONDAY + dt.timedelta(days=1), start="06:00", end="14:00"))["rest"] == "warning"
    )
    assert "rest" not in codes(org_a, unsaved(dana, day=MONDAY + dt.timedelta(days=1), start="07:00", end="15:00"))


def test_the_minimum_rest_is_the_organizations_setting(org_a, dana):
    make_shift(org_a, day=MONDAY, start="14:00", end="23:00", staff=dana)
    org_a.settings = {**(org_a.settings or {}), "scheduling": {"min_rest_hours": 6}}
    assert "rest" not in codes(org_a, unsaved(dana, day=MONDAY + dt.timedelta(days=1), start="06:00", end="14:00"))


def test_too_few_staff_for_the_clients_at_a_location_is_a_warning(org_a, dana):
    from apps.clients.models import ClientLocation

    house = make_location(org_a, clients_per_staff=2)
    with org_a:
        ClientLocation.objects.filter(pk=house.pk).update(current_occupancy=4)
        house.refresh_from_db()
    assert codes(org_a, unsaved(dana, location=house))["ratio"] == "warning"  # 1 staff, 4 clients
    make_shift(org_a, day=MONDAY, start="07:00", end="15:00", staff=make_staff(org_a), location=house)
    assert "ratio" not in codes(org_a, unsaved(dana, location=house))  # 2 staff, 4 clients


def test_a_blocking_conflict_stops_the_save_and_nothing_is_saved(org_a, dana):
    make_shift(org_a, day=MONDAY, start="07:00", end="15:00", staff=dana)
    with org_a, pytest.raises(services.Conflicts) as refused:
        services.shift_save(
            shift=unsaved(dana, start="09:00", end="12:00"), actor=person(org_a, "scheduler"), organization=org_a
        )
    assert [f.code for f in refused.value.findings if f.blocking] == ["double_booked"]
    with org_a:
        assert Shift.objects.count() == 1


def test_an_override_needs_a_reason_and_the_permission_and_is_logged(org_a, dana):
    make_shift(org_a, day=MONDAY, start="07:00", end="15:00", staff=dana)
    with org_a, pytest.raises(services.Conflicts):  # a DSP cannot override, reason or not
        services.shift_save(
            shift=unsaved(dana, start="09:00", end="12:00"),
            actor=person(org_a, "dsp"),
            organization=org_a,
            override_reason="cover",
        )
    shift = unsaved(dana, start="09:00", end="12:00")
    with org_a:
        services.shift_save(
            shift=shift, actor=person(org_a, "scheduler"), organization=org_a, override_reason="Two staff for an outing"
        )
        override = ConflictOverride.objects.get(shift=shift)
        assert (override.code, override.reason, override.actor.email) == (
            "double_booked",
            "Two staff for an outing",
            "scheduler@alpha.test",
        )
        assert LogEntry.objects.filter(object_pk=str(override.pk), action=LogEntry.Action.CREATE).exists()


def test_publishing_checks_the_whole_week_together_in_a_fixed_number_of_queries(org_a):
    people = [make_staff(org_a) for _ in range(3)]
    with org_a:
        schedule = services.schedule_save(
            schedule=Schedule(schedule_name="Week 23", start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=6)),
            actor=person(org_a, "scheduler"),
        )
    for offset in range(5):
        for who in people:
            make_shift(
                org_a, day=MONDAY + dt.timedelta(days=offset), start="07:00", end="15:00", staff=who, schedule=schedule
            )
    with org_a, CaptureQueriesContext(connection) as few:
        services.schedule_check(schedule, organization=org_a)
    more = [make_staff(org_a) for _ in range(3)]
    for offset in range(5):
        for who in more:
            make_shift(
                org_a, day=MONDAY + dt.timedelta(days=offset), start="15:00", end="23:00", staff=who, schedule=schedule
            )
    with org_a, CaptureQueriesContext(connection) as many:
        results = services.schedule_check(schedule, organization=org_a)
    assert len(results) == 30 and len(many) == len(few)


def test_publishing_with_a_blocking_conflict_needs_an_override_then_tells_the_staff(org_a):
    from apps.notifications.models import Notification

    dana = make_staff(org_a, user=person(org_a, "dsp"))
    with org_a:
        schedule = services.schedule_save(
            schedule=Schedule(schedule_name="Week 23", start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=6)),
            actor=person(org_a, "scheduler"),
        )
    make_shift(org_a, day=MONDAY, start="07:00", end="15:00", staff=dana, schedule=schedule)
    make_shift(org_a, day=MONDAY, start="09:00", end="12:00", staff=dana, schedule=schedule, override="Training buddy")
    with org_a:
        with pytest.raises(services.Conflicts):
            services.schedule_publish(schedule=schedule, actor=person(org_a, "scheduler"), organization=org_a)
        schedule.refresh_from_db()
        assert schedule.status == "draft"
        services.schedule_publish(
            schedule=schedule, actor=person(org_a, "scheduler"), organization=org_a, override_reason="Planned overlap"
        )
        schedule.refresh_from_db()
        assert schedule.status == "published" and schedule.approved_by.email == "scheduler@alpha.test"
        assert Notification.objects.filter(
            user__email="dsp@alpha.test", notification_type="schedule.published"
        ).exists()


def test_a_locked_schedule_changes_only_by_an_admin(org_a, dana):
    from django.core.exceptions import PermissionDenied

    with org_a:
        schedule = Schedule.objects.create(
            schedule_name="Locked", start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=6), status="locked"
        )
    with org_a, pytest.raises(PermissionDenied):
        services.shift_save(
            shift=unsaved(dana, schedule=schedule), actor=person(org_a, "scheduler"), organization=org_a
        )
    make_shift(org_a, day=MONDAY, start="07:00", end="15:00", staff=dana, schedule=schedule)  # by the admin
    with org_a:
        assert schedule.shifts.count() == 1


def test_breaks_and_meals_must_fall_inside_the_shift(org_a, dana):
    from django.core.exceptions import ValidationError

    with org_a:
        shift = unsaved(dana, start="22:00", end="06:00", break_start=T("02:00"), break_end=T("02:30"))
        services.shift_place(shift, organization=org_a)
        late = unsaved(dana, start="22:00", end="06:00", meal_start=T("06:00"), meal_end=T("06:30"))
        with pytest.raises(ValidationError) as refused:
            services.shift_place(late, organization=org_a)
    assert "meal_start" in refused.value.message_dict


def test_the_ratio_warning_names_the_day_and_the_time_apart_so_spanish_reads_naturally(org_a, dana):
    from django.utils import translation

    from apps.clients.models import ClientLocation

    house = make_location(org_a, name="Maple House", clients_per_staff=2)
    with org_a:
        ClientLocation.objects.filter(pk=house.pk).update(current_occupancy=4)
        house.refresh_from_db()
        services.shift_place(shift := unsaved(dana, location=house), organization=org_a)
        with translation.override("es"):
            (found,) = conflicts.check([shift], organization=org_a)
            spanish = next(f.message for f in found if f.code == "ratio")
        with translation.override("en"):
            (found,) = conflicts.check([shift], organization=org_a)
            english = next(f.message for f in found if f.code == "ratio")
    # The hour depends on the active zone; the wording around it does not.
    assert re.match(r"Maple House, el 1 jun 2026 a las \d{2}:00: 1 miembros del personal para 4 clientes", spanish)
    assert re.match(r"Maple House: 1 staff for 4 clients on Jun 1, 2026 at \d{1,2}:00 [AP]M", english)
