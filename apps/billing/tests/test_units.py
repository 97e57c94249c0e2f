"""Minutes become units by each service's rule, at the boundaries, in Decimal."""

from decimal import Decimal

import pytest

from apps.billing.units import units_for
from apps.scheduling.models import Service

EIGHT, DOWN, NEAREST = Service.Rounding.EIGHT_MINUTE, Service.Rounding.DOWN, Service.Rounding.NEAREST


def service(unit_type=Service.UnitType.UNIT, rounding=EIGHT, unit_minutes=15) -> Service:
    return Service(code="T1019", name="Care", unit_type=unit_type, rounding=rounding, unit_minutes=unit_minutes)


@pytest.mark.parametrize(
    ("rounding", "seconds", "units"),
    [
        (EIGHT, 0, "0"),
        (EIGHT, 7 * 60, "0"),
        (EIGHT, 7 * 60 + 59, "0"),  # whole minutes only
        (EIGHT, 8 * 60, "1"),
        (EIGHT, 15 * 60, "1"),
        (EIGHT, 22 * 60, "1"),
        (EIGHT, 23 * 60, "2"),
        (EIGHT, 37 * 60, "2"),
        (EIGHT, 38 * 60, "3"),
        (EIGHT, 60 * 60, "4"),
        (DOWN, 7 * 60, "0"),
        (DOWN, 8 * 60, "0"),
        (DOWN, 14 * 60 + 59, "0"),
        (DOWN, 15 * 60, "1"),
        (DOWN, 22 * 60, "1"),
        (DOWN, 23 * 60, "1"),
        (DOWN, 29 * 60 + 59, "1"),
        (DOWN, 30 * 60, "2"),
        (DOWN, 37 * 60, "2"),
        (DOWN, 38 * 60, "2"),
        (NEAREST, 7 * 60, "0"),
        (NEAREST, 7 * 60 + 29, "0"),
        (NEAREST, 7 * 60 + 30, "1"),  # exactly half a unit counts
        (NEAREST, 8 * 60, "1"),
        (NEAREST, 22 * 60, "1"),
        (NEAREST, 22 * 60 + 29, "1"),
        (NEAREST, 22 * 60 + 30, "2"),
        (NEAREST, 23 * 60, "2"),
        (NEAREST, 37 * 60, "2"),
        (NEAREST, 37 * 60 + 30, "3"),
        (NEAREST, 38 * 60, "3"),
    ],
)
def test_quarter_hour_units_follow_the_rounding_rule(rounding, seconds, units):
    got = units_for(service=service(rounding=rounding), seconds=seconds)
    assert isinstance(got, Decimal)
    assert got == Decimal(units)


@pytest.mark.parametrize(
    ("rounding", "minutes", "hours"),
    [
        (EIGHT, 7, "0.00"),
        (EIGHT, 8, "0.25"),
        (EIGHT, 22, "0.25"),
        (EIGHT, 23, "0.50"),
        (EIGHT, 68, "1.25"),
        (DOWN, 89, "1.25"),
        (NEAREST, 52, "0.75"),
        (NEAREST, 53, "1.00"),
    ],
)
def test_hourly_services_count_hours_in_steps_of_the_unit(rounding, minutes, hours):
    got = units_for(service=service(Service.UnitType.HOUR, rounding), seconds=minutes * 60)
    assert got == Decimal(hours)
    assert str(got) == hours


def test_hourly_steps_of_twenty_minutes_keep_two_decimal_places():
    got = units_for(service=service(Service.UnitType.HOUR, DOWN, unit_minutes=20), seconds=20 * 60)
    assert got == Decimal("0.33")


def test_units_of_other_lengths_use_their_own_half():
    thirty = service(unit_minutes=30)
    assert units_for(service=thirty, seconds=15 * 60) == 0
    assert units_for(service=thirty, seconds=16 * 60) == 1


@pytest.mark.parametrize(("seconds", "units"), [(0, "0"), (60, "1"), (12 * 3600, "1")])
def test_a_day_service_is_one_unit_whenever_time_was_delivered(seconds, units):
    assert units_for(service=service(Service.UnitType.DAY), seconds=seconds) == Decimal(units)


@pytest.mark.parametrize("seconds", [0, 60, 5 * 3600])
def test_a_visit_service_is_one_unit(seconds):
    assert units_for(service=service(Service.UnitType.VISIT), seconds=seconds) == Decimal("1")
