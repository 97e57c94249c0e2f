"""An organization's clock: its "now", "today" and month, in its own time zone.

Every "today" or "this week" of an organization comes from here, whoever asks: a request
(which also activates the zone), a Celery job or a management command (which do not).
Reading `timezone.localdate()` instead gives the date in whatever zone happens to be
active, which is UTC outside a request: on a Sunday at 01:00 UTC it is still Saturday in
Chicago, and "this week" would be the wrong one.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from apps.core.tenancy import current_organization

UTC = dt.UTC


@lru_cache(maxsize=256)
def _zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _organization(organization=None):
    # The organization whose schema is active (a request, a job run per organization, a
    # command inside `with organization:`); the public schema's tenant has no time zone.
    return organization if organization is not None else current_organization()


def zone(organization=None) -> ZoneInfo:
    """The organization's time zone (the active one's by default); UTC when it has none."""
    return _zone_named(getattr(_organization(organization), "timezone", "") or "UTC")


def now(organization=None) -> dt.datetime:
    """The current instant, expressed in the organization's zone."""
    return timezone.now().astimezone(zone(organization))


def today(organization=None) -> dt.date:
    """The organization's calendar date right now."""
    return now(organization).date()


def month_start(organization=None) -> dt.date:
    return today(organization).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def local(value: dt.datetime, organization=None) -> dt.datetime:
    """An aware instant as the organization's wall clock shows it."""
    return value.astimezone(zone(organization))


def local_date(value: dt.datetime, organization=None) -> dt.date:
    """The organization's calendar date of an instant."""
    return local(value, organization).date()


def start_of_day(day: dt.date, organization=None) -> dt.datetime:
    """The instant the organization's `day` begins (midnight there; the first moment of a day
    whose midnight a clock change skips)."""
    return dt.datetime.combine(day, dt.time(0)).replace(tzinfo=zone(organization), fold=0).astimezone(UTC)


def day_bounds(day: dt.date, organization=None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the organization's `day` as instants: 23 or 25 hours on clock-change days."""
    return start_of_day(day, organization), start_of_day(day + dt.timedelta(days=1), organization)
