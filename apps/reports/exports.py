"""A report's rows as a file: CSV (streamed), XLSX (typed cells, a totals row, column widths)
or a printable PDF. The same cells as the page's table, totals row last."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Model
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.core import clock, csvexport
from apps.core.pdf import logo_data_url, pdf_response, render_pdf
from apps.reports.registry import DATE, DATETIME, DECIMAL, INTEGER, MONEY, MONTH, Report
from apps.tenants import theme

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# WeasyPrint lays out about 15 pages a second here: longer documents are built in the
# background (apps/reports/tasks.py) rather than holding a request for a minute.
PDF_MAX_ROWS = 2000
NUMBER_FORMATS = {
    INTEGER: "0",
    DECIMAL: "#,##0.00",
    MONEY: "#,##0.00",
    DATE: "yyyy-mm-dd",
    MONTH: "yyyy-mm",
    DATETIME: "yyyy-mm-dd hh:mm",
}
# Whole numbers read right without a format; these need theirs.
STYLED = {kind for kind in NUMBER_FORMATS if kind != INTEGER}
# A background export reports how far it got after this many rows (and at the end).
PROGRESS_EVERY = 500
CSV_TYPE = "text/csv"
PDF_TYPE = "application/pdf"
EXTENSIONS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "pdf": PDF_TYPE}

# Called with the share done so far, 0-100.
Progress = Callable[[int], None]


def summary(form: forms.Form) -> str:
    """The filters applied, in words ("From: 1 Dec 2026 · Location: Elm House")."""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, Model):
            shown = str(value)
        elif isinstance(value, dt.date):
            shown = date_format(value)
        elif isinstance(field, forms.ChoiceField):
            # A form field's choices are a list of pairs by now (django-stubs types them wider).
            shown = str(dict(cast(Any, field.choices)).get(value, value))
        else:
            shown = str(value)
        parts.append(f"{field.label}: {shown}")
    return " · ".join(parts)


def _report_progress(progress: Progress | None, done: int, total: int, share: int = 100) -> None:
    """Every PROGRESS_EVERY rows: `share` percent of the work is writing the rows."""
    if progress is not None and total and done % PROGRESS_EVERY == 0:
        progress(min(share, done * share // total))


def filename(report: Report, filters: dict[str, Any], extension: str) -> str:
    start, end = filters.get("start"), filters.get("end")
    period = f"-{start:%Y%m%d}-{end:%Y%m%d}" if start and end else f"-{clock.today():%Y%m%d}"
    return f"{report.slug}{period}.{extension}"


def _text_cell(value: Any, kind: str) -> Any:
    """A CSV cell: months as YYYY-MM, instants to the minute; the rest as Python writes them."""
    if value is None:
        return ""
    if kind == MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if kind == DATETIME and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _with_totals(report: Report, rows: list[dict[str, Any]], totals: dict[str, Any] | None) -> list[list[Any]]:
    table = report.table(rows)
    if totals is not None:
        last = report.table([totals])[0]
        last[0] = _("Total")
        table.append(last)
    return table


def _csv_rows(report: Report, rows, totals, *, progress: Progress | None = None):
    """The table's lines as CSV cells. The table (and its translated "Total") is made now, in
    the request's language: a streamed download reads the lines after the view has returned."""
    kinds = [c.kind for c in report.columns]
    table = _with_totals(report, rows, totals)

    def lines():
        for done, line in enumerate(table, start=1):
            yield [_text_cell(v, k) for v, k in zip(line, kinds, strict=True)]
            _report_progress(progress, done, len(table), 95)

    return lines()


def csv_bytes(report: Report, rows, totals, *, progress: Progress | None = None) -> bytes:
    """The CSV the request would have streamed, byte for byte, as one file to store."""
    return csvexport.csv_bytes(
        _csv_rows(report, rows, totals, progress=progress), header=[str(c.label) for c in report.columns]
    )


def csv_file(report: Report, rows, totals, filters) -> StreamingHttpResponse:
    return csvexport.csv_response(
        _csv_rows(report, rows, totals),
        header=[str(c.label) for c in report.columns],
        filename=filename(report, filters, "csv"),
    )


def xlsx_bytes(report: Report, rows, totals, *, progress: Progress | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.title = str(report.title)
    sheet = book.create_sheet(title=_sheet_title(str(report.title)))
    table = _with_totals(report, rows, totals)
    headers = [str(c.label) for c in report.columns]
    # Widths from the header and the first rows: a 10,000-row sheet is not measured twice.
    for index, column in enumerate(report.columns):
        sample = [len(str(_text_cell(line[index], column.kind))) for line in table[:500]]
        width = min(max([len(headers[index]), *sample, 6]) + 2, 60)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, kind, strong=False):
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            # Text typed by someone (a name) never becomes a formula in the reader's spreadsheet.
            value = "'" + value
        if isinstance(value, Decimal):
            value = float(value) if kind != MONEY else float(value.quantize(Decimal("0.01")))
        styled = kind in STYLED and not isinstance(value, str)
        if not (styled or strong):
            # A plain value costs a fifth of a styled cell: a 10,000-row sheet is mostly these.
            return value
        made = WriteOnlyCell(sheet, value=value)
        if styled:
            made.number_format = NUMBER_FORMATS[kind]
        if strong:
            made.font = bold
        return made

    sheet.append([cell(text, "text", strong=True) for text in headers])
    kinds = [c.kind for c in report.columns]
    last = len(table) - 1 if totals is not None else None
    for position, line in enumerate(table):
        sheet.append([cell(value, kind, strong=position == last) for value, kind in zip(line, kinds, strict=True)])
        # Saving the workbook (zipping it) is the last tenth of the work.
        _report_progress(progress, position + 1, len(table), 90)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's sheet names: 31 characters at most, without []:*?/\\; cut at a word, not in one."""
    title = title.translate(str.maketrans("[]:*?/\\", "(). -- "))
    if len(title) <= 31:
        return title
    return title[:31].rsplit(" ", 1)[0].rstrip(" ,;(-")


def xlsx_file(report: Report, rows, totals, filters) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(report, rows, totals), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(report, filters, "xlsx")}"'
    return response


def pdf_bytes(report: Report, rows, totals, *, organization, summary: str, request=None) -> bytes:
    with timezone.override(clock.zone(organization)):
        return render_pdf(
            template="reports/report_pdf.html",
            context={
                "report": report,
                "columns": report.columns,
                "rows": rows,
                "totals": totals,
                "summary": summary,
                "organization": organization,
                "logo": logo_data_url(organization),
                # Headings in the brand colour on white paper: darkened if too light to read.
                "color": theme.ink_on_page(getattr(organization, "primary_color", "") or theme.DEFAULT_PRIMARY),
                "printed_at": timezone.localtime(),
            },
            request=request,
        )


def pdf_file(report: Report, rows, totals, filters, *, request, summary: str) -> HttpResponse:
    pdf = pdf_bytes(report, rows, totals, organization=request.organization, summary=summary, request=request)
    return pdf_response(pdf, filename=filename(report, filters, "pdf"))
