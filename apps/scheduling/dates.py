"""The range of dates scheduling accepts, in one place.

Python's dates end at 9999-12-31 and start at 0001-01-01: a shift on the last day, a week
grid of the last week or the month after December 9999 needs a day that does not exist, and
the page failed with an OverflowError. Nobody schedules work before 1900 or after 2200, so a
date outside that range is refused on a form and ignored in a page's address."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST = dt.date(1900, 1, 1)
LAST = dt.date(2200, 12, 31)


def in_range(value: dt.date | dt.datetime | None) -> bool:
    if value is None:
        return False
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST <= day <= LAST


def parse_day(value) -> dt.date | None:
    """A `YYYY-MM-DD` value from an address, or None when it is not one or is out of range."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return day if in_range(day) else None


def out_of_range_message():
    return _("Choose a date between %(first)s and %(last)s.") % {"first": FIRST.year, "last": LAST.year}


def check_in_range(value) -> None:
    """A validator for date and date-time fields."""
    if value is not None and not in_range(value):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


class SaneDates:
    """A form mixin: every date and date-time field refuses dates outside FIRST..LAST."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(check_in_range)
