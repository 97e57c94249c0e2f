"""Amounts as people read money: a dollar sign, cents and thousands grouped the way the
reader's language writes numbers ($1,173.08; $1.173,08 in Spanish). Decimal throughout."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    # floatformat works on a Decimal as a Decimal; "2g" keeps two places and groups thousands.
    text = floatformat(abs(amount), "2g")
    return f"-${text}" if amount < 0 else f"${text}"
