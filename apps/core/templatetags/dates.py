"""Dates as each language writes them, for the places a plain `|date` or `|time` does not cover:
a day with its weekday ("Mon, Dec 7, 2026" / "lun, 7 dic 2026") and a moment to the second
(audit trails). Installed as a template builtin. Formats come from apps/core/formats."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format, time_format

from apps.core.formats import time_with_seconds_format

register = template.Library()


@register.filter(expects_localtime=True)
def with_weekday(value, weekday: str = "D") -> str:
    """The date with its weekday, short ("D") or long ("l")."""
    if not value:
        return ""
    return f"{date_format(value, weekday)}, {date_format(value, 'DATE_FORMAT')}"


@register.filter(expects_localtime=True)
def to_the_second(value) -> str:
    """Date and time to the second, in the organization's zone."""
    if not value:
        return ""
    return f"{date_format(value, 'DATE_FORMAT')} {time_format(value, time_with_seconds_format())}"


@register.filter
def iso_date(value):
    """A date kept as ISO text (inside a JSON list, such as a goal's) as the language writes
    it; anything else unchanged."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date_format(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value
