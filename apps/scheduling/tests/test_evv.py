"""Geofence distance, exception codes, clocking in and out, and corrections."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.audit.models import LogEntry
from apps.scheduling import evv, services
from apps.scheduling.models import Visit, VisitCorrection
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from conftest import person

# Chicago's Willis Tower and points around it.
SITE = (Decimal("41.878876"), Decimal("-87.635915"))
NEAR = (Decimal("41.879776"), Decimal("-87.635915"))  # 0.0009° north: about 100 m
FAR = (Decimal("41.882476"), Decimal("-87.635915"))  # about 400 m


def test_the_distance_is_the_great_circle_one():
    assert evv.distance_m(*SITE, *NEAR) == pytest.approx(100.1, abs=0.5)
    # One degree of latitude is about 111.2 km on the mean sphere.
    assert evv.distance_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)
    # Across the antimeridian the short way round.
    assert evv.distance_m(0, 179.9995, 0, -179.9995) == pytest.approx(111.2, abs=0.5)


@pytest.mark.parametrize(
    ("position", "accuracy", "expected"),
    [
        (NEAR, 20, []),
        (FAR, 20, ["outside_geofence"]),
        (NEAR, 900, ["low_accuracy"]),
        ((None, None), None, ["no_location"]),
    ],
)
def test_each_clock_event_earns_its_exception_codes(position, accuracy, expected):
    _distance, found = evv.assess(
        latitude=position[0],
        longitude=position[1],
        accuracy_m=accuracy,
        site=SITE,
        geofence_m=150,
        max_accuracy_m=500,
    )
    assert found == expected


def test_a_site_without_coordinates_is_an_exception():
    distance, found = evv.assess(
        latitude=NEAR[0], longitude=NEAR[1], accuracy_m=10, site=None, geofence_m=150, max_accuracy_m=500
    )
    assert (distance, found) == (None, ["no_site_coordinates"])


@pytest.mark.parametrize(
    "bad", [("91", "0", "5"), ("0", "181", "5"), ("nan", "0", "5"), ("0", "0", "-1"), ("x", "0", "")]
)
def test_impossible_positions_are_refused(bad):
    assert not evv.valid_position(*bad)


@pytest.fixture
def on_shift(org_a):
    """The DSP's shift at a house with coordinates, starting now."""
    from django.utils import timezone

    dana = make_staff(org_a, user=person(org_a, "dsp"))
    house = make_location(org_a, latitude=SITE[0], longitude=SITE[1])
    with org_a:
        now = timezone.localtime(timezone.now(), timezone=__import__("zoneinfo").ZoneInfo(org_a.timezone))
    start = (now - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    end = start + dt.timedelta(hours=8)
    shift = make_shift(
        org_a, day=start.date(), start=start.strftime("%H:%M"), end=end.strftime("%H:%M"), staff=dana, location=house
    )
    return dana, shift


def test_a_visit_inside_the_fence_is_verified_with_its_distance(org_a, on_shift):
    dana, shift = on_shift
    with org_a:
        visit = services.visit_clock_in(
            staff=dana, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1], accuracy=15
        )
        shift.refresh_from_db()
        assert shift.status == "in_progress"
        visit = services.visit_clock_out(
            visit=visit,
            staff=dana,
            organization=org_a,
            latitude=SITE[0],
            longitude=SITE[1],
            accuracy=10,
            at=shift.ends_at + dt.timedelta(minutes=5),
        )
    assert visit.status == Visit.Status.VERIFIED and visit.exception_codes == []
    assert visit.clock_in_distance_m == pytest.approx(100.1, abs=0.5)
    assert visit.location_id == shift.location_id


def test_outside_the_fence_needs_a_reason_code_and_is_an_exception(org_a, on_shift):
    dana, shift = on_shift
    with org_a:
        with pytest.raises(ValidationError) as refused:
            services.visit_clock_in(staff=dana, organization=org_a, shift=shift, latitude=FAR[0], longitude=FAR[1])
        assert "reason_code" in refused.value.message_dict
        assert not Visit.objects.exists()
        visit = services.visit_clock_in(
            staff=dana,
            organization=org_a,
            shift=shift,
            latitude=FAR[0],
            longitude=FAR[1],
            reason_code="community_activity",
            reason_note="Grocery shopping together",
        )
        visit = services.visit_clock_out(
            visit=visit,
            staff=dana,
            organization=org_a,
            at=visit.clock_in_at + dt.timedelta(hours=1),
            reason_code="device_problem",
        )
    assert visit.status == Visit.Status.EXCEPTION
    # Out after an hour of an eight-hour shift: early, on top of where it happened.
    assert visit.exception_codes == ["outside_geofence", "no_location", "early_clock_out"]
    assert (visit.reason_code, visit.clock_out_reason_code) == ("community_activity", "device_problem")


def test_the_geofence_is_the_organizations_setting(org_a, on_shift):
    dana, shift = on_shift
    org_a.settings = {**(org_a.settings or {}), "scheduling": {"geofence_m": 50}}
    with org_a, pytest.raises(ValidationError):
        services.visit_clock_in(staff=dana, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1])


def test_nobody_clocks_in_on_someone_elses_shift_or_twice(org_a, on_shift):
    dana, shift = on_shift
    other = make_staff(org_a)
    with org_a:
        with pytest.raises(PermissionDenied):
            services.visit_clock_in(staff=other, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1])
        services.visit_clock_in(staff=dana, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1])
        with pytest.raises(ValidationError):
            services.visit_clock_in(staff=dana, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1])


def test_a_correction_needs_a_reason_and_keeps_the_old_times(org_a, on_shift):
    dana, shift = on_shift
    with org_a:
        visit = services.visit_clock_in(
            staff=dana, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1]
        )
        visit = services.visit_clock_out(
            visit=visit,
            staff=dana,
            organization=org_a,
            latitude=NEAR[0],
            longitude=NEAR[1],
            at=shift.ends_at - dt.timedelta(minutes=10),
        )
        later = timezone.now()  # a correction is never in the future
        with pytest.raises(ValidationError):
            services.visit_correct(visit=visit, actor=person(org_a, "scheduler"), reason=" ", clock_out_at=later)
        visit = services.visit_correct(
            visit=visit, actor=person(org_a, "scheduler"), reason="Forgot to clock out", clock_out_at=later
        )
        correction = VisitCorrection.objects.get(visit=visit)
        assert correction.field == "clock_out_at" and correction.reason == "Forgot to clock out"
        assert correction.new_value == later.isoformat()
        assert LogEntry.objects.filter(object_pk=str(visit.pk), action=LogEntry.Action.UPDATE).exists()
    assert visit.status == Visit.Status.EXCEPTION and "manual_entry" in visit.exception_codes


def test_leaving_far_before_the_scheduled_end_needs_a_reason(org_a, on_shift):
    dana, shift = on_shift
    with org_a:
        visit = services.visit_clock_in(
            staff=dana, organization=org_a, shift=shift, latitude=NEAR[0], longitude=NEAR[1]
        )
        two_hours_in = visit.clock_in_at + dt.timedelta(hours=2)
        with pytest.raises(ValidationError) as refused:
            services.visit_clock_out(
                visit=visit, staff=dana, organization=org_a, latitude=NEAR[0], longitude=NEAR[1], at=two_hours_in
            )
        assert "reason_code" in refused.value.message_dict
        visit = services.visit_clock_out(
            visit=visit,
            staff=dana,
            organization=org_a,
            latitude=NEAR[0],
            longitude=NEAR[1],
            at=two_hours_in,
            reason_code="schedule_change",
        )
    assert visit.status == Visit.Status.EXCEPTION and visit.exception_codes == ["early_clock_out"]
