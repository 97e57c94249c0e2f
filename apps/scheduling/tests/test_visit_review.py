"""Visit verification an auditor can trust: clocking out early, late or after too short a
visit is an exception with its own reason; a shift is completed only by a verified visit or
once someone allowed resolves its exceptions; the visit's length is on every page showing it;
staff neither see, take nor clock into shifts of a draft schedule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.scheduling import evv, rules, selectors, services
from apps.scheduling.models import Shift, Visit
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person, signed_in

SITE = (Decimal("41.878876"), Decimal("-87.635915"))
HERE = {"latitude": SITE[0], "longitude": SITE[1], "accuracy": 10}


@pytest.fixture
def dana(org_a):
    return make_staff(org_a, first_name="Dana", last_name="Okafor", user=person(org_a, "dsp"))


@pytest.fixture
def house(org_a):
    return make_location(org_a, name="Maple House", latitude=SITE[0], longitude=SITE[1])


@pytest.fixture
def night(org_a, dana, house):
    """Dana's 23:00-07:00 shift three days ahead, in a published schedule."""
    with org_a:
        day = selectors.week_start(org_a) + dt.timedelta(days=10)
    return make_shift(org_a, day=day, start="23:00", end="07:00", staff=dana, location=house)


def _clock_in(org_a, staff, shift, at, **extra):
    with org_a:
        return services.visit_clock_in(staff=staff, organization=org_a, shift=shift, at=at, **HERE | extra)


def _clock_out(org_a, staff, visit, at, **extra):
    with org_a:
        return services.visit_clock_out(visit=visit, staff=staff, organization=org_a, at=at, **HERE | extra)


def _status(org_a, shift) -> str:
    with org_a:
        return Shift.objects.get(pk=shift.pk).status


def test_clocking_in_seven_hours_early_and_out_a_second_later_is_an_exception_and_not_completed(org_a, dana, night):
    early = night.starts_at - dt.timedelta(hours=7)
    with pytest.raises(ValidationError):
        _clock_in(org_a, dana, night, early)
    visit = _clock_in(org_a, dana, night, early, reason_code="schedule_change")
    assert visit.exception_codes == ["early_or_late"]
    # The reason given at clock-in does not cover leaving a second later.
    with pytest.raises(ValidationError) as refused:
        _clock_out(org_a, dana, visit, early + dt.timedelta(seconds=1))
    assert "reason_code" in refused.value.message_dict
    visit = _clock_out(org_a, dana, visit, early + dt.timedelta(seconds=1), reason_code="other", reason_note="Oops")
    assert visit.status == Visit.Status.EXCEPTION and visit.minutes == 0
    assert visit.exception_codes == ["early_or_late", "early_clock_out", "short_visit"]
    assert (visit.clock_out_reason_code, visit.clock_out_reason_note) == ("other", "Oops")
    assert _status(org_a, night) == Shift.Status.NEEDS_REVIEW


def test_clocking_out_late_is_an_exception(org_a, dana, night):
    visit = _clock_in(org_a, dana, night, night.starts_at)
    visit = _clock_out(
        org_a, dana, visit, night.ends_at + dt.timedelta(minutes=31), reason_code="other", reason_note="Relief late"
    )
    assert visit.exception_codes == ["late_clock_out"] and visit.status == Visit.Status.EXCEPTION


def test_a_visit_on_time_is_verified_and_completes_its_shift(org_a, dana, night):
    visit = _clock_in(org_a, dana, night, night.starts_at + dt.timedelta(minutes=3))
    visit = _clock_out(org_a, dana, visit, night.ends_at + dt.timedelta(minutes=29))
    assert visit.status == Visit.Status.VERIFIED and visit.exception_codes == []
    assert visit.length == (8, 26)
    assert _status(org_a, night) == Shift.Status.COMPLETED


def test_a_visit_shorter_than_the_organizations_minimum_is_an_exception(org_a, dana, house):
    with org_a:
        day = selectors.week_start(org_a) + dt.timedelta(days=10)
    short = make_shift(org_a, day=day, start="09:00", end="09:20", staff=dana, location=house)
    visit = _clock_in(org_a, dana, short, short.starts_at)
    with pytest.raises(ValidationError):
        _clock_out(org_a, dana, visit, short.starts_at + dt.timedelta(minutes=10))
    org_a.settings = {**(org_a.settings or {}), "scheduling": {"min_visit_minutes": 5}}
    visit = _clock_out(org_a, dana, visit, short.starts_at + dt.timedelta(minutes=10))
    assert visit.status == Visit.Status.VERIFIED


def test_the_clock_out_rules_and_the_minimum_setting():
    end = dt.datetime(2026, 12, 6, 7, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    codes = evv.clock_out_codes
    assert (
        codes(clock_in=end - 8 * hour, clock_out=end, scheduled_end=end, early_late_minutes=30, min_visit_minutes=15)
        == []
    )
    assert codes(
        clock_in=end - hour,
        clock_out=end - hour + dt.timedelta(minutes=14),
        scheduled_end=end,
        early_late_minutes=60,
        min_visit_minutes=15,
    ) == ["short_visit"]
    assert rules.for_organization(None).min_visit_minutes == 15
    assert rules.Rules().min_visit_minutes == 15


def test_someone_allowed_resolves_the_exceptions_and_the_shift_is_completed(org_a, org_b, dana, night):
    visit = _clock_in(org_a, dana, night, night.starts_at)
    visit = _clock_out(org_a, dana, visit, night.starts_at + dt.timedelta(hours=2), reason_code="schedule_change")
    url = f"/scheduling/visits/{visit.pk}/resolve/"
    assert signed_in(org_a, "dsp").post(url, {"resolution_note": "Fine"}).status_code == 403
    assert signed_in(org_a, "billing").post(url, {"resolution_note": "Fine"}).status_code == 403
    assert signed_in(org_b, "scheduler").post(url, {"resolution_note": "Fine"}).status_code == 404
    scheduler = signed_in(org_a, "scheduler")
    page = scheduler.get(f"/scheduling/visits/{visit.pk}/").content.decode()
    assert "Resolve the exceptions" in page and "2 h 0 min" in page
    refused = scheduler.post(url, {"resolution_note": " "})
    assert refused.status_code == 400 and _status(org_a, night) == Shift.Status.NEEDS_REVIEW
    assert scheduler.post(url, {"resolution_note": "Sent home sick, agreed by phone"}).status_code == 302
    with org_a:
        visit.refresh_from_db()
    assert visit.status == Visit.Status.VERIFIED and visit.resolved_by == person(org_a, "scheduler")
    assert visit.exception_codes == ["early_clock_out"] and visit.resolution_note.startswith("Sent home")
    assert _status(org_a, night) == Shift.Status.COMPLETED
    with org_a, pytest.raises(PermissionDenied):
        services.visit_resolve(visit=visit, actor=person(org_a, "dsp"), note="x")


def test_the_visits_length_is_on_the_list_the_visit_and_the_shift(org_a, dana, night):
    visit = _clock_in(org_a, dana, night, night.starts_at)
    _clock_out(org_a, dana, visit, night.ends_at - dt.timedelta(minutes=5))
    for role in ("scheduler", "dsp"):
        client = signed_in(org_a, role)
        for url in ("/scheduling/visits/", f"/scheduling/visits/{visit.pk}/", f"/scheduling/shifts/{night.pk}/"):
            assert "7 h 55 min" in client.get(url).content.decode(), (role, url)


def test_staff_do_not_see_take_or_clock_into_shifts_of_a_draft_schedule(org_a, dana, house):
    with org_a:
        first = selectors.week_start(org_a)
        now = timezone.now()
    draft = make_shift(
        org_a, day=first + dt.timedelta(days=9), start="07:00", end="15:00", staff=dana, location=house, publish=False
    )
    open_draft = make_shift(
        org_a, day=first + dt.timedelta(days=9), start="15:00", end="23:00", location=house, publish=False
    )
    assert draft.schedule.status == "draft"
    dsp = signed_in(org_a, "dsp")
    mine = dsp.get("/scheduling/mine/").content.decode()
    assert str(draft.pk) not in mine and str(open_draft.pk) not in mine
    assert str(open_draft.pk) not in dsp.get("/scheduling/open/").content.decode()
    assert dsp.get(f"/scheduling/shifts/{draft.pk}/").status_code == 404
    assert dsp.post(f"/scheduling/shifts/{draft.pk}/clock-in/").status_code == 404
    claimed = dsp.post(f"/scheduling/shifts/{open_draft.pk}/claim/")
    assert claimed.status_code == 302
    with org_a:
        assert Shift.objects.get(pk=open_draft.pk).staff_id is None
        with pytest.raises(ValidationError):
            services.visit_clock_in(staff=dana, organization=org_a, shift=draft, at=now, **HERE)
        shifts, _appointments = selectors.feed_items(dana, now=now)
    assert draft not in shifts
    # The scheduler still sees and fills them.
    scheduler = signed_in(org_a, "scheduler")
    assert str(open_draft.pk) in scheduler.get("/scheduling/open/").content.decode()
    assert scheduler.get(f"/scheduling/shifts/{draft.pk}/").status_code == 200


def test_a_shift_with_an_unresolved_visit_cannot_be_marked_completed_by_editing_it(org_a, dana, night):
    visit = _clock_in(org_a, dana, night, night.starts_at)
    _clock_out(org_a, dana, visit, night.starts_at + dt.timedelta(hours=2), reason_code="schedule_change")
    with org_a:
        shift = Shift.objects.get(pk=night.pk)
        shift.status = Shift.Status.COMPLETED
        with pytest.raises(ValidationError) as refused:
            services.shift_save(shift=shift, actor=person(org_a, "scheduler"), organization=org_a)
    assert "status" in refused.value.message_dict
    assert _status(org_a, night) == Shift.Status.NEEDS_REVIEW


def test_publishing_with_conflicts_takes_a_constant_number_of_queries(
    one_minute, org_a, house, django_assert_max_num_queries
):
    with org_a:
        day = selectors.week_start(org_a) + dt.timedelta(days=14)
    people = [make_staff(org_a) for _ in range(4)]
    make_shift(org_a, day=day, start="07:00", end="15:00", staff=people[0], location=house, publish=False)
    clash = make_shift(
        org_a, day=day, start="08:00", end="16:00", staff=people[0], location=house, publish=False, override="setup"
    )
    with org_a:
        Shift.objects.filter(pk=clash.pk).update(updated_at=timezone.now())  # the override is stale now
    scheduler = signed_in(org_a, "scheduler")
    url = f"/scheduling/schedules/{clash.schedule_id}/publish/"
    with django_assert_max_num_queries(80) as few:
        assert scheduler.post(url).status_code == 200
    for worker in people[1:]:
        make_shift(org_a, day=day, start="07:00", end="15:00", staff=worker, location=house, publish=False)
        make_shift(
            org_a, day=day, start="09:00", end="17:00", staff=worker, location=house, publish=False, override="setup"
        )
    with org_a:
        Shift.objects.filter(schedule_id=clash.schedule_id).update(updated_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = scheduler.post(url).content.decode()
    assert page[page.index('id="conflict-findings"') :].split("</div>")[0].count("<li>") == 8


def test_a_shift_is_completed_only_when_every_visit_of_it_is_verified(org_a, dana, night):
    first = _clock_in(org_a, dana, night, night.starts_at)
    _clock_out(org_a, dana, first, night.starts_at + dt.timedelta(hours=1), reason_code="schedule_change")
    assert _status(org_a, night) == Shift.Status.NEEDS_REVIEW
    # Back for the rest of the shift, on time at the end: the first visit still needs review.
    second = _clock_in(org_a, dana, night, night.starts_at + dt.timedelta(hours=2), reason_code="schedule_change")
    _clock_out(org_a, dana, second, night.ends_at)
    assert _status(org_a, night) == Shift.Status.NEEDS_REVIEW
    with org_a:
        services.visit_resolve(visit=first, actor=person(org_a, "scheduler"), note="Agreed break")
        services.visit_resolve(
            visit=Visit.objects.get(pk=second.pk), actor=person(org_a, "scheduler"), note="Came back"
        )
    assert _status(org_a, night) == Shift.Status.COMPLETED


def test_the_review_and_the_visits_length_read_in_spanish(org_a, dana, night):
    visit = _clock_in(org_a, dana, night, night.starts_at)
    _clock_out(org_a, dana, visit, night.starts_at + dt.timedelta(hours=2), reason_code="schedule_change")
    scheduler = signed_in(org_a, "scheduler")
    scheduler.cookies["django_language"] = "es"
    page = scheduler.get(f"/scheduling/visits/{visit.pk}/").content.decode()
    assert "Duración" in page and "Resolver las excepciones" in page and "Fichó la salida antes" in page
    shift = scheduler.get(f"/scheduling/shifts/{night.pk}/").content.decode()
    assert "Pendiente de revisión" in shift and "Awaiting review" not in shift


def test_nobody_resolves_the_exceptions_of_their_own_visit(org_a, night, house):
    scheduler = person(org_a, "scheduler")
    own = make_staff(org_a, first_name="Sam", last_name="Scheduler", user=scheduler)
    with org_a:
        shift = Shift.objects.get(pk=night.pk)
        shift.staff = own
        services.shift_save(shift=shift, actor=person(org_a, "admin"), organization=org_a)
    visit = _clock_in(org_a, own, shift, night.starts_at)
    visit = _clock_out(org_a, own, visit, night.starts_at + dt.timedelta(minutes=1), reason_code="schedule_change")
    refused = signed_in(org_a, "scheduler").post(f"/scheduling/visits/{visit.pk}/resolve/", {"resolution_note": "ok"})
    assert refused.status_code == 403 and _status(org_a, night) == Shift.Status.NEEDS_REVIEW
    assert (
        signed_in(org_a, "manager")
        .post(f"/scheduling/visits/{visit.pk}/resolve/", {"resolution_note": "Checked with the house"})
        .status_code
        == 302
    )
    assert _status(org_a, night) == Shift.Status.COMPLETED


def test_a_shift_nobody_clocked_into_cannot_be_marked_completed(org_a, night):
    with org_a:
        shift = Shift.objects.get(pk=night.pk)
        shift.status = Shift.Status.COMPLETED
        with pytest.raises(ValidationError) as refused:
            services.shift_save(shift=shift, actor=person(org_a, "admin"), organization=org_a)
    assert "status" in refused.value.message_dict
    assert _status(org_a, night) != Shift.Status.COMPLETED


def test_the_evv_export_carries_the_clock_out_reason_and_who_resolved_the_visit(org_a, dana, night):
    import csv
    import io

    visit = _clock_in(org_a, dana, night, night.starts_at)
    visit = _clock_out(org_a, dana, visit, night.starts_at + dt.timedelta(hours=2), reason_code="schedule_change")
    with org_a:
        services.visit_resolve(visit=visit, actor=person(org_a, "scheduler"), note="Went home early, agreed")
    day = night.shift_date
    response = signed_in(org_a, "billing").get(f"/scheduling/visits/export.csv?from={day}&to={day}")
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert row["exception_codes"] == "early_clock_out" and row["reason_code"] == ""
    assert row["clock_out_reason_code"] == "schedule_change" and row["resolved_by"] == "scheduler@alpha.test"
    assert dt.datetime.fromisoformat(row["resolved_at"]).utcoffset() is not None
