"""An organization's today comes from its own zone, whatever zone is active."""

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.db import connection
from django.utils import timezone

from apps.core import clock

SUNDAY_1AM_UTC = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)


def org(zone: str):
    return SimpleNamespace(timezone=zone)


def test_on_a_sunday_at_one_in_the_morning_utc_it_is_still_saturday_in_chicago():
    with time_machine.travel(SUNDAY_1AM_UTC, tick=False):
        assert clock.today(org("America/Chicago")) == dt.date(2026, 12, 5)
        assert clock.today(org("Europe/Madrid")) == dt.date(2026, 12, 6)
        assert clock.now(org("America/Chicago")).hour == 19


def test_the_active_zone_does_not_change_an_organizations_today():
    with time_machine.travel(SUNDAY_1AM_UTC, tick=False), timezone.override("Pacific/Kiritimati"):
        assert timezone.localdate() == dt.date(2026, 12, 6)
        assert clock.today(org("America/Los_Angeles")) == dt.date(2026, 12, 5)


def test_new_years_eve_in_chicago_is_new_years_day_in_utc():
    with time_machine.travel(dt.datetime(2028, 1, 1, 5, 30, tzinfo=dt.UTC), tick=False):
        assert clock.today(org("America/Chicago")) == dt.date(2027, 12, 31)
        assert clock.month_start(org("America/Chicago")) == dt.date(2027, 12, 1)


def test_days_are_23_and_25_hours_long_when_the_clocks_change():
    chicago = org("America/Chicago")
    spring = clock.day_bounds(dt.date(2027, 3, 14), chicago)
    autumn = clock.day_bounds(dt.date(2027, 11, 7), chicago)
    assert spring[1] - spring[0] == dt.timedelta(hours=23)
    assert autumn[1] - autumn[0] == dt.timedelta(hours=25)
    assert spring[0] == dt.datetime(2027, 3, 14, 6, 0, tzinfo=dt.UTC)


def test_leap_day_is_a_day_of_its_own():
    with time_machine.travel(dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC), tick=False):
        assert clock.today(org("America/Los_Angeles")) == dt.date(2028, 2, 29)
        assert clock.today(org("Pacific/Kiritimati")) == dt.date(2028, 3, 1)


def test_an_organization_without_a_known_zone_counts_in_utc():
    with time_machine.travel(SUNDAY_1AM_UTC, tick=False):
        assert clock.today(org("")) == dt.date(2026, 12, 6)
        assert clock.today(org("Mars/Olympus_Mons")) == dt.date(2026, 12, 6)


def test_without_an_argument_it_is_the_active_schemas_organization(org_a, org_b):
    with time_machine.travel(SUNDAY_1AM_UTC, tick=False):
        with org_a:
            assert clock.today() == clock.today(org_a)
        with org_b:
            assert clock.today() == clock.today(org_b)
        connection.set_schema_to_public()
        assert clock.today() == dt.date(2026, 12, 6)
