"""The report framework: a report is a title, a permission, a filter form, columns, one
aggregate query and its totals row. The one view renders any report as a table and exports
it as CSV, XLSX or PDF (apps/reports/exports.py) from the same rows, so every format shows
the same numbers.

Reports register themselves here (apps/reports/catalog.py, in ReportsConfig.ready()).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.functional import Promise

TEXT, INTEGER, DECIMAL, MONEY, DATE, MONTH, DATETIME = (
    "text",
    "integer",
    "decimal",
    "money",
    "date",
    "month",
    "datetime",
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = TEXT
    # Summed into the totals row (numbers only); the first column carries the word "Total".
    total: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in (INTEGER, DECIMAL, MONEY)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    description: str | Promise
    permission: str
    form: type[forms.Form]
    columns: tuple[Column, ...]
    # rows(cleaned filters) -> list of dicts keyed by column key: one aggregate query.
    rows: Callable[[dict[str, Any]], Sequence[dict[str, Any]]]
    # Reports showing clients' protected health information: opening one is logged as access.
    phi: bool = False
    order: int = 100

    @property
    def url_name(self) -> str:
        return f"reports:{self.slug}"

    @property
    def export_url_name(self) -> str:
        return f"reports:{self.slug}_export"

    def totals(self, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
        """The totals row: the sum of each column marked `total`; None when nothing sums."""
        summed = [c for c in self.columns if c.total]
        if not summed:
            return None
        totals: dict[str, Any] = {c.key: "" for c in self.columns}
        for column in summed:
            # Written as the column's cells are ("0.00" for money, not "0") when nothing adds up.
            zero: Any = 0 if column.kind == INTEGER else Decimal("0.00")
            totals[column.key] = sum((row[column.key] or zero for row in rows), zero)
        return totals

    def table(self, rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
        """The rows as lists of cells in column order (what every export writes)."""
        keys = [c.key for c in self.columns]
        return [[row[key] for key in keys] for row in rows]


_registry: dict[str, Report] = {}


def register(report: Report) -> None:
    _registry[report.slug] = report


def get(slug: str) -> Report | None:
    return _registry.get(slug)


def all_reports() -> list[Report]:
    return sorted(_registry.values(), key=lambda r: (r.order, r.slug))


def visible_to(user) -> list[Report]:
    from apps.accounts.permissions import can

    return [report for report in all_reports() if can(user, report.permission)]


def filters_json(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned filters as JSON for the export record: dates as ISO text, records by id."""
    out: dict[str, Any] = {}
    for key, value in cleaned.items():
        if value in (None, "", [], ()):
            continue
        if isinstance(value, Model):
            out[key] = str(value.pk)
        elif isinstance(value, dt.date | Decimal):
            out[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
        else:
            out[key] = value
    return out
