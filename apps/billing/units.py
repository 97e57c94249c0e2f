"""How long a service lasted becomes billable units, by the service's unit and rounding rule.

Decimal only: a unit count goes straight into units × rate, and a float there would put
cents on a claim that nobody delivered."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from apps.scheduling.models import Service

CENT = Decimal("0.01")
ZERO_UNITS = Decimal("0.00")


def _whole_units(*, rounding: str, seconds: int, unit_minutes: int) -> int:
    """Whole units of `unit_minutes` in `seconds` by the rounding rule."""
    if seconds <= 0:
        return 0
    if rounding == Service.Rounding.EIGHT_MINUTE:
        # Whole minutes only, and a unit once more than half of it was delivered: 8 of 15.
        full, rest = divmod(seconds // 60, unit_minutes)
        return full + (1 if rest * 2 > unit_minutes else 0)
    unit_seconds = unit_minutes * 60
    full, rest = divmod(seconds, unit_seconds)
    if rounding == Service.Rounding.NEAREST:
        return full + (1 if rest * 2 >= unit_seconds else 0)
    return full


def units_for(*, service: Service, seconds: int) -> Decimal:
    """Billable units for `seconds` of `service` delivered in one sitting (a visit).

    "unit": whole units of unit_minutes; "hour": hours counted in steps of unit_minutes with
    the same rounding (a quarter-hour step gives 1.25 hours); "day": one for any time
    delivered (the caller counts one per service date); "visit": one."""
    seconds = max(int(seconds), 0)
    if service.unit_type == Service.UnitType.VISIT:
        return Decimal("1.00")
    if service.unit_type == Service.UnitType.DAY:
        return Decimal("1.00") if seconds > 0 else ZERO_UNITS
    steps = _whole_units(rounding=service.rounding, seconds=seconds, unit_minutes=service.unit_minutes)
    if service.unit_type == Service.UnitType.HOUR:
        return (Decimal(steps * service.unit_minutes) / Decimal(60)).quantize(CENT, ROUND_HALF_UP)
    return Decimal(steps).quantize(CENT)
