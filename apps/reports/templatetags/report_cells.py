"""A report's cell as people read it, by its column's kind (the exports keep raw values)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat

from apps.billing.templatetags.money import money
from apps.reports.registry import DATE, DATETIME, DECIMAL, INTEGER, MONEY, MONTH

register = template.Library()


@register.filter
def cell(value, column) -> str:
    if value == "":
        # A column the totals row does not sum.
        return ""
    if value is None:
        return "—" if column.numeric else ""
    kind = column.kind
    if kind == MONEY:
        return money(value)
    if kind == DECIMAL:
        return floatformat(value, "2g")
    if kind == INTEGER:
        return floatformat(value, "0g")
    if kind == DATE:
        return date_filter(value)
    if kind == MONTH:
        return date_filter(value, "YEAR_MONTH_FORMAT")
    if kind == DATETIME:
        return date_filter(value, "DATETIME_FORMAT")
    return str(value)


@register.simple_tag
def cells(row, columns) -> list:
    """(value, column) pairs of a row in column order, for the template's loop."""
    return [(row[column.key], column) for column in columns]
