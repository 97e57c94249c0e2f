"""Overlap arithmetic: overnight shifts, daylight-saving nights, breaks, weeks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.scheduling import timing

CHICAGO = ZoneInfo("America/Chicago")
T = dt.time.fromisoformat


def test_a_day_shift_ends_the_same_day():
    start, end = timing.bounds(dt.date(2026, 6, 1), T("07:00"), T("15:00"), CHICAGO)
    assert start == dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    assert timing.hours(start, end) == 8


def test_an_end_before_the_start_is_the_next_morning():
    start, end = timing.bounds(dt.date(2026, 6, 1), T("22:00"), T("06:00"), CHICAGO)
    assert end.astimezone(CHICAGO) == dt.datetime(2026, 6, 2, 6, 0, tzinfo=CHICAGO)
    assert timing.hours(start, end) == 8


def test_the_same_start_and_end_is_a_full_day():
    start, end = timing.bounds(dt.date(2026, 6, 1), T("07:00"), T("07:00"), CHICAGO)
    assert timing.hours(start, end) == 24


@pytest.mark.parametrize(
    ("night", "worked"),
    [
        (dt.date(2026, 10, 31), 9),  # clocks go back at 02:00 on Sunday 1 November 2026
        (dt.date(2026, 3, 7), 7),  # clocks go forward at 02:00 on Sunday 8 March 2026
        (dt.date(2026, 6, 6), 8),
    ],
)
def test_an_overnight_shift_lasts_what_the_clocks_say_across_daylight_saving(night, worked):
    start, end = timing.bounds(night, T("22:00"), T("06:00"), CHICAGO)
    assert timing.hours(start, end) == worked
    assert end.astimezone(CHICAGO).time() == T("06:00")


def test_a_time_skipped_by_spring_forward_is_read_past_the_change():
    moment = timing.instant(dt.date(2026, 3, 8), T("02:30"), CHICAGO)
    assert moment.astimezone(CHICAGO).time() == T("03:30")


def test_a_time_that_happens_twice_is_its_first_occurrence():
    moment = timing.instant(dt.date(2026, 11, 1), T("01:30"), CHICAGO)
    assert moment.astimezone(CHICAGO).utcoffset() == dt.timedelta(hours=-5)  # still daylight time


def test_intervals_that_touch_do_not_overlap():
    a = timing.bounds(dt.date(2026, 6, 1), T("07:00"), T("15:00"), CHICAGO)
    b = timing.bounds(dt.date(2026, 6, 1), T("15:00"), T("23:00"), CHICAGO)
    c = timing.bounds(dt.date(2026, 6, 1), T("14:59"), T("23:00"), CHICAGO)
    assert not timing.overlaps(*a, *b)
    assert timing.overlaps(*a, *c)


def test_an_overnight_shift_overlaps_the_next_mornings_shift():
    night = timing.bounds(dt.date(2026, 6, 1), T("22:00"), T("07:00"), CHICAGO)
    morning = timing.bounds(dt.date(2026, 6, 2), T("06:00"), T("14:00"), CHICAGO)
    assert timing.overlaps(*night, *morning)


def test_a_break_after_midnight_belongs_to_an_overnight_shift():
    day = dt.date(2026, 6, 1)
    shift = timing.bounds(day, T("22:00"), T("06:00"), CHICAGO)
    inside = timing.inner_bounds(day, T("22:00"), T("02:00"), T("02:30"), CHICAGO)
    outside = timing.inner_bounds(day, T("22:00"), T("06:30"), T("07:00"), CHICAGO)
    assert timing.contains(shift, inside)
    assert not timing.contains(shift, outside)


def test_a_meal_across_midnight_is_inside_the_night():
    day = dt.date(2026, 6, 1)
    shift = timing.bounds(day, T("20:00"), T("04:00"), CHICAGO)
    meal = timing.inner_bounds(day, T("20:00"), T("23:45"), T("00:15"), CHICAGO)
    assert timing.contains(shift, meal) and timing.hours(*meal) == 0.5


def test_weeks_start_on_the_organizations_day():
    thursday = dt.date(2026, 12, 3)
    assert timing.week_of(thursday, 6) == dt.date(2026, 11, 29)  # Sunday
    assert timing.week_of(thursday, 0) == dt.date(2026, 11, 30)  # Monday
    assert timing.week_of(dt.date(2026, 11, 29), 6) == dt.date(2026, 11, 29)


def test_a_saturday_night_counts_toward_each_week_for_its_own_hours():
    week = timing.week_bounds(dt.date(2026, 6, 6), 6, CHICAGO)  # Sun 31 May – Sat 6 June
    start, end = timing.bounds(dt.date(2026, 6, 6), T("20:00"), T("06:00"), CHICAGO)
    assert timing.hours_within(start, end, week) == 4
