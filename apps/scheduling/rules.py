"""The organization's scheduling settings (`settings["scheduling"]` on the organization),
each with the default an agency gets until it sets its own."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Rules:
    # EVV: how far from the client's or location's coordinates a clock-in may be (metres).
    geofence_m: float = 150
    # A position less precise than this cannot prove presence (metres).
    max_accuracy_m: float = 500
    # Clocking in further than this from the scheduled start is an exception (minutes).
    early_late_minutes: int = 30
    # A visit shorter than this is an exception (minutes): a clock-out a second after the
    # clock-in proves no service.
    min_visit_minutes: int = 15
    min_rest_hours: float = 8
    overtime_hours: float = 40
    # The first day of the organization's week, for overtime (0 = Monday … 6 = Sunday).
    week_start: int = 6
    # How long before an appointment its reminder goes out (hours).
    reminder_hours: int = 24


LIMITS = {
    "geofence_m": (10, 10_000),
    "max_accuracy_m": (5, 10_000),
    "early_late_minutes": (0, 24 * 60),
    # At least a minute: with 0, no visit would ever be flagged as too short.
    "min_visit_minutes": (1, 24 * 60),
    "min_rest_hours": (0, 24),
    "overtime_hours": (1, 168),
    "week_start": (0, 6),
    "reminder_hours": (1, 24 * 14),
}


def for_organization(organization) -> Rules:
    """Numbers outside their range (an edited JSON setting) fall back to the default."""
    section = (getattr(organization, "settings", None) or {}).get("scheduling", {})
    if not isinstance(section, dict):
        section = {}
    values: dict[str, Any] = {}
    for f in fields(Rules):
        value = section.get(f.name)
        low, high = LIMITS[f.name]
        if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
            # As the default is: a whole number stays one.
            values[f.name] = int(value) if isinstance(f.default, int) else float(value)
    return Rules(**values)
