"""Wall-clock shift times to absolute instants, and the interval arithmetic the schedule
checks use. Pure functions: no database.

A shift is a date and two wall-clock times in the organization's zone. An end at or before
the start is on the next day (22:00–06:00 is overnight; 07:00–07:00 is a full day). Each
time is placed on its own calendar day first and only then turned into an instant, so a
night shift across a daylight-saving change lasts what the clocks say: 22:00–06:00 is nine
hours on the night the clocks go back and seven on the night they go forward.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC


def instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The moment `time` on `day` happens in `zone`. A time skipped by a spring-forward change
    (02:30) is read as the same distance past the change (03:30); a time that happens twice
    when clocks go back is its first occurrence."""
    local = dt.datetime.combine(day, time).replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC)


def bounds(day: dt.date, start: dt.time, end: dt.time, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """A shift's start and end instants (UTC)."""
    end_day = day + dt.timedelta(days=1) if end <= start else day
    return instant(day, start, zone), instant(end_day, end, zone)


def inner_bounds(
    day: dt.date, shift_start: dt.time, start: dt.time, end: dt.time, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """A break's or meal's instants: times before the shift's start belong to the next day
    (a 02:00 break in a 22:00 shift), and an end before its start crosses midnight too."""
    start_day = day + dt.timedelta(days=1) if start < shift_start else day
    end_day = start_day + dt.timedelta(days=1) if end <= start else start_day
    return instant(start_day, start, zone), instant(end_day, end, zone)


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Half-open intervals: one ending as the other starts do not overlap."""
    return a_start < b_end and b_start < a_end


def contains(outer: tuple[dt.datetime, dt.datetime], inner: tuple[dt.datetime, dt.datetime]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 3600


def week_of(day: dt.date, first_weekday: int) -> dt.date:
    """The first day of the week holding `day`, weeks starting on `first_weekday` (0 = Monday)."""
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


def week_bounds(day: dt.date, first_weekday: int, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants the organization's week holding `day` starts and ends (midnight to midnight)."""
    first = week_of(day, first_weekday)
    return instant(first, dt.time(0), zone), instant(first + dt.timedelta(days=7), dt.time(0), zone)


def hours_within(start: dt.datetime, end: dt.datetime, window: tuple[dt.datetime, dt.datetime]) -> float:
    """How much of [start, end) falls inside the window: a Saturday night shift counts toward
    each week for the hours worked in it."""
    return max(0.0, hours(max(start, window[0]), min(end, window[1])))
