"""Numbers that never repeat within an organization: X12 interchange control numbers and
claim numbers. Drawn with one INSERT … ON CONFLICT … RETURNING, which locks the counter's row
until the drawing transaction ends: two transactions never get the same number, and a
rolled-back transaction's number is simply skipped (gaps are allowed; repeats are not)."""

from __future__ import annotations

from django.db import connection

INTERCHANGE = "interchange"
CLAIM = "claim"


def draw(name: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers of the counter `name`; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_billingcounter (name, value) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET value = billing_billingcounter.value + EXCLUDED.value "
            "RETURNING value",
            [name, count],
        )
        last = cursor.fetchone()[0]
    return last - count + 1
