"""Keyset pagination for lists ordered by two columns (the second one unique, or unique with the
first): the same cost on page 1 and page 4,000, no OFFSET and no COUNT.

A cursor names the last row of a page as its two ordering values, JSON in URL-safe base64.
A cursor that is not ours (an edited URL) reads as the first page rather than an error.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet


def _text(value) -> str:
    # isoformat keeps microseconds, which a timestamp's order needs (Django's JSON encoder drops them).
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def encode(row, columns: tuple[str, str]) -> str:
    raw = json.dumps([_text(getattr(row, name)) for name in columns]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, model, columns: tuple[str, str]) -> tuple | None:
    """The two values a cursor names, typed by the model's fields, or None."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(columns):
            return None
        return tuple(model._meta.get_field(name).to_python(value) for name, value in zip(columns, values, strict=True))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, ValidationError):
        return None


def page(rows: QuerySet, cursor: str, *, order: tuple[str, str], size: int) -> tuple[list, str]:
    """One page of `rows` in `order` (Django's notation: "-period_end", "claim_number") after
    `cursor`, and the next page's cursor ("" at the end). `rows` is ordered here."""
    columns = (order[0].lstrip("-"), order[1].lstrip("-"))
    position = decode(cursor, rows.model, columns) if cursor else None
    if position is not None:
        (first, second), (after_first, after_second) = columns, position
        beyond_first = "lt" if order[0].startswith("-") else "gt"
        beyond_second = "lt" if order[1].startswith("-") else "gt"
        rows = rows.filter(
            Q(**{f"{first}__{beyond_first}": after_first})
            | Q(**{first: after_first, f"{second}__{beyond_second}": after_second})
        )
    found = list(rows.order_by(*order)[: size + 1])
    more = len(found) > size
    found = found[:size]
    return found, encode(found[-1], columns) if more and found else ""
