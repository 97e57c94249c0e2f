"""Electronic visit verification arithmetic: distance to the site and the exception codes a
clock-in or clock-out earns. Pure functions: no database."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle (haversine) distance in metres; within 0.5% of the ellipsoid, which is
    far inside a phone's accuracy."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def valid_position(latitude, longitude, accuracy) -> bool:
    try:
        lat, lon = float(latitude), float(longitude)
        acc = float(accuracy) if accuracy not in (None, "") else 0.0
    except (TypeError, ValueError):
        return False
    return all(math.isfinite(v) for v in (lat, lon, acc)) and -90 <= lat <= 90 and -180 <= lon <= 180 and acc >= 0


def assess(
    *,
    latitude: Decimal | None,
    longitude: Decimal | None,
    accuracy_m: float | None,
    site: tuple[Decimal, Decimal] | None,
    geofence_m: float,
    max_accuracy_m: float,
) -> tuple[float | None, list[str]]:
    """The distance to the site (None when unknown) and the exception codes of one clock event.

    Inside the fence means the reported position, widened by nothing: a phone reporting 40 m
    accuracy 120 m away is inside a 150 m fence; a fix less precise than `max_accuracy_m`
    proves nothing and is an exception whatever its distance."""
    if latitude is None or longitude is None:
        return None, ["no_location"]
    if site is None or site[0] is None or site[1] is None:
        return None, ["no_site_coordinates"]
    distance = distance_m(latitude, longitude, site[0], site[1])
    codes = []
    if accuracy_m is not None and accuracy_m > max_accuracy_m:
        codes.append("low_accuracy")
    if distance > geofence_m:
        codes.append("outside_geofence")
    return distance, codes


def early_or_late(clocked: dt.datetime, scheduled: dt.datetime, minutes: int) -> bool:
    return abs((clocked - scheduled).total_seconds()) > minutes * 60


def clock_out_codes(
    *,
    clock_in: dt.datetime,
    clock_out: dt.datetime,
    scheduled_end: dt.datetime,
    early_late_minutes: int,
    min_visit_minutes: int,
) -> list[str]:
    """The exceptions of a clock-out's timing: more than `early_late_minutes` before or after
    the scheduled end, and a visit shorter than `min_visit_minutes`."""
    codes = []
    margin = dt.timedelta(minutes=early_late_minutes)
    if clock_out < scheduled_end - margin:
        codes.append("early_clock_out")
    elif clock_out > scheduled_end + margin:
        codes.append("late_clock_out")
    if clock_out - clock_in < dt.timedelta(minutes=min_visit_minutes):
        codes.append("short_visit")
    return codes
