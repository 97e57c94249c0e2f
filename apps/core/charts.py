"""Charts drawn on the server as inline SVG: bars (horizontal or vertical), stacked bars and
a donut. No JavaScript and nothing to download: the page arrives with its charts drawn.

Each chart is read three ways:
- the picture: an <svg role="img"> whose aria-label says in words what it shows (the title,
  then every row's numbers), so a screen reader announces one sentence, not a heap of shapes;
- the numbers: the same values in a real <table> inside a <details> (a keyboard reaches its
  summary), where a number links to the list of what it counts when such a list exists;
- the colours: CSS classes only (chart-s0 … chart-s5), which the stylesheet maps onto a fixed
  palette told apart at a glance (an organization's brand colours could match one of the series;
  the alert colour stays the theme's). No colour is written into the markup, and no inline
  style, which the CSP would refuse.

Geometry is in the viewBox's units and scales with the panel. Values are counts, hours or
amounts: never negative (a negative value is a bug upstream, refused rather than drawn).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Number = int | float | Decimal
TONES = 6  # chart-s0 … chart-s5 in the stylesheet

# The viewBox: as wide as a home panel's column is in pixels, so 12 units read as about 12px.
WIDTH = 320
FONT = 12
CHAR = 6.6  # an average character's width at FONT, to cut labels before they overflow
# Horizontal bars: the label column (as wide as the longest label, within these bounds), then
# the bar, then the value written after it.
LABEL_MIN = 40
LABEL_MAX = 150
ROW = 26
BAR = 16  # and two lines of label fit in a row
# Vertical bars: a value above each bar, a label under it.
HEIGHT = 180
TOP = 18
BOTTOM = 36  # two lines of label under a column
COLUMN_MAX = 40  # a lone column stays a column, not a block
# The donut: a ring of RADIUS with a hole, drawn as dashes along one circle per slice.
DONUT = 160
RADIUS = 60
RING = 26


def number(value: Number) -> str:
    """A count or quantity as the reader's language writes it (1,234.5 in English, 1 234,5 in Spanish)."""
    return floatformat(value, "g")


@dataclass(frozen=True)
class Item:
    """One bar or slice: its label, its value and the list it counts (if any)."""

    label: StrOrPromise
    value: Number
    url: str = ""
    tone: str = ""  # a class of its own (chart-alert), instead of the next colour


@dataclass(frozen=True)
class Series:
    """One colour of a stacked bar: a value per category, in the categories' order."""

    label: StrOrPromise
    values: Sequence[Number]
    urls: Sequence[str] = ()
    tone: str = ""


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""


@dataclass(frozen=True)
class Row:
    head: Cell
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """The numbers behind a chart: a header per column (the first names the rows)."""

    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    footer: Row | None = None


@dataclass(frozen=True)
class Chart:
    kind: str
    title: str
    label: str  # what the image says to a screen reader
    svg: SafeString
    table: Table
    legend: tuple[tuple[str, str], ...] = field(default=())  # (label, tone class)

    def __html__(self) -> str:
        from django.template.loader import render_to_string

        return render_to_string("partials/_chart.html", {"chart": self})

    def __str__(self) -> str:
        return self.__html__()


def tone(index: int, own: str = "") -> str:
    return own or f"chart-s{index % TONES}"


def _checked(values: Sequence[Number]) -> list[float]:
    found = [float(v) for v in values]
    if any(v < 0 or math.isnan(v) for v in found):
        raise ValueError("Charts draw counts, hours and amounts: a value cannot be negative.")
    return found


def _cut(text: str, width: float) -> str:
    """`text` shortened with an ellipsis to fit `width` units (the full text stays in the
    element's <title> and in the table)."""
    room = max(int(width / CHAR), 2)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _f(value: float) -> str:
    # Coordinates in a fixed notation whatever the reader's language (never "12,5").
    return f"{value:.2f}"


def _summary(title: str, table: Table) -> str:
    """One sentence for the image: the title, then each row with its numbers."""
    parts = []
    for row in table.rows:
        if len(row.cells) == 1:
            parts.append(f"{row.head.text}: {row.cells[0].text}")
        else:
            values = ", ".join(
                f"{header} {cell.text}" for header, cell in zip(table.headers[1:], row.cells, strict=False)
            )
            parts.append(f"{row.head.text}: {values}")
    if not parts:
        nothing = _("Nothing to show.")
        return f"{title}. {nothing}"
    return f"{title}. {'; '.join(parts)}."


def _svg(label: str, width: float, height: float, body: SafeString, kind: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-svg-{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}" focusable="false"><title>{}</title>{}</svg>',
        kind,
        _f(width),
        _f(height),
        label,
        label,
        body,
    )


def layout(labels: Sequence[str], ends: Sequence[str]) -> tuple[float, float]:
    """Horizontal bars' label column and plot widths: the column as wide as the longest label
    (within LABEL_MIN and LABEL_MAX), the plot what is left beside the longest text after a bar."""
    label_width = min(max(max((len(t) for t in labels), default=0) * CHAR + 10, LABEL_MIN), LABEL_MAX)
    value_width = max((len(t) for t in ends), default=1) * CHAR + 8
    return label_width, WIDTH - label_width - value_width


def _horizontal(
    labels: Sequence[str], rows: Sequence[Sequence[tuple]], ends: Sequence[str]
) -> tuple[SafeString, float]:
    """A row per label: its segments (value as given, as a float, tone class, tooltip) end to
    end, the longest row filling the plot, then the text in `ends`. A row of one segment keeps
    it even at zero (a bar of no length, still there to be read back)."""
    label_width, plot = layout(labels, ends)
    top = max((sum(segment[1] for segment in row) for row in rows), default=0.0)
    shapes = []
    for r, (text, row, end) in enumerate(zip(labels, rows, ends, strict=True)):
        y = 2 + r * ROW
        x = label_width
        # A label too long for the column takes two lines of the row (the bar's and the gap's).
        wraps = _wraps(text, label_width - 8)
        shapes.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end"><title>{}</title>{}</text>',
                _f(label_width - 6),
                _f(y + 8 if wraps else y + BAR - 3),
                text,
                _two_lines(text, label_width - 8, label_width - 6),
            )
        )
        for raw, value, tone_class, tip in row:
            length = plot * value / top if top else 0.0
            if length or len(row) == 1:
                shapes.append(
                    format_html(
                        '<rect class="chart-bar {}" x="{}" y="{}" width="{}" height="{}" data-value="{}">{}</rect>',
                        tone_class,
                        _f(x),
                        _f(y),
                        _f(length),
                        _f(BAR),
                        raw,
                        format_html("<title>{}</title>", tip) if tip else "",
                    )
                )
            x += length
        shapes.append(format_html('<text class="chart-value" x="{}" y="{}">{}</text>', _f(x + 4), _f(y + BAR - 3), end))
    body = mark_safe("".join(shapes))  # noqa: S308 - joined format_html output # nosec B308, B703
    return body, max(len(labels), 1) * ROW + 4


def _wraps(text: str, width: float) -> bool:
    return len(text) * CHAR > width and " " in text


def _two_lines(text: str, width: float, x: float) -> SafeString:
    """A label on one line if it fits in `width`, else on two, split at the space nearest its
    middle, each line shortened to fit."""
    if not _wraps(text, width):
        return format_html("{}", _cut(text, width))
    middle = len(text) / 2
    cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - middle))
    return format_html(
        '<tspan x="{}">{}</tspan><tspan x="{}" dy="{}">{}</tspan>',
        _f(x),
        _cut(text[:cut], width),
        _f(x),
        _f(FONT + 1),
        _cut(text[cut + 1 :], width),
    )


def _default_table(label_header: str, value_header: str, items: Sequence[Item], fmt) -> Table:
    return Table(
        headers=(label_header, value_header),
        rows=tuple(Row(Cell(str(item.label)), (Cell(fmt(item.value), item.url),)) for item in items),
    )


def bar_chart(
    title: StrOrPromise,
    items: Sequence[Item],
    *,
    horizontal: bool = True,
    fmt: Callable[[Number], str] = number,
    label_header: StrOrPromise = "",
    value_header: StrOrPromise = "",
    table: Table | None = None,
) -> Chart:
    """One bar per item, its length proportional to its value (the largest fills the plot)."""
    title = str(title)
    values = _checked([item.value for item in items])
    table = table or _default_table(str(label_header) or _("Item"), str(value_header) or _("Value"), items, fmt)
    label = _summary(title, table)
    top = max(values, default=0.0)
    if horizontal:
        segments = [[(item.value, value, tone(0, item.tone), "")] for item, value in zip(items, values, strict=True)]
        body, height = _horizontal([str(item.label) for item in items], segments, [fmt(i.value) for i in items])
        return Chart("bar", title, label, _svg(label, WIDTH, height, body, "bar"), table)
    plot = HEIGHT - TOP - BOTTOM
    column = WIDTH / max(len(items), 1)
    shapes = []
    for i, (item, value) in enumerate(zip(items, values, strict=True)):
        length = plot * value / top if top else 0.0
        middle = i * column + column / 2
        width = min(column * 0.6, COLUMN_MAX)
        x = middle - width / 2
        text = str(item.label)
        shapes.append(
            format_html(
                '<rect class="chart-bar {}" x="{}" y="{}" width="{}" height="{}" data-value="{}"/>'
                '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle"><title>{}</title>{}</text>',
                tone(0, item.tone),
                _f(x),
                _f(TOP + plot - length),
                _f(width),
                _f(length),
                item.value,
                _f(middle),
                _f(TOP + plot - length - 4),
                fmt(item.value),
                _f(middle),
                _f(HEIGHT - BOTTOM + FONT + 4),
                text,
                _two_lines(text, column - 2, middle),
            )
        )
    baseline = format_html(
        '<line class="chart-axis" x1="0" y1="{}" x2="{}" y2="{}"/>', _f(TOP + plot), _f(WIDTH), _f(TOP + plot)
    )
    body = mark_safe(baseline + "".join(shapes))  # noqa: S308 - joined format_html output # nosec B308, B703
    return Chart("column", title, label, _svg(label, WIDTH, HEIGHT, body, "column"), table)


def stacked_bar_chart(
    title: StrOrPromise,
    categories: Sequence[StrOrPromise],
    series: Sequence[Series],
    *,
    fmt: Callable[[Number], str] = number,
    label_header: StrOrPromise = "",
    total_urls: Sequence[str] = (),
    ends: Sequence[str] = (),
    table: Table | None = None,
) -> Chart:
    """A horizontal bar per category made of one segment per series, end to end; the longest
    bar's total fills the plot. The default table has a column per series and a total; the
    text after each bar is its total unless `ends` says otherwise."""
    title = str(title)
    grid = [_checked(s.values) for s in series]
    if any(len(values) != len(categories) for values in grid):
        raise ValueError("Each series needs one value per category.")
    if table is None:
        rows = []
        for c, category in enumerate(categories):
            cells = [Cell(fmt(s.values[c]), _at(s.urls, c)) for s in series]
            cells.append(Cell(fmt(sum(s.values[c] for s in series)), _at(total_urls, c)))
            rows.append(Row(Cell(str(category)), tuple(cells)))
        headers = (str(label_header) or _("Item"), *(str(s.label) for s in series), _("Total"))
        table = Table(headers=headers, rows=tuple(rows))
    label = _summary(title, table)
    segments = [
        [(s.values[c], grid[i][c], tone(i, s.tone), f"{s.label}: {fmt(s.values[c])}") for i, s in enumerate(series)]
        for c in range(len(categories))
    ]
    ends = [ends[c] if c < len(ends) else fmt(sum(s.values[c] for s in series)) for c in range(len(categories))]
    body, height = _horizontal([str(c) for c in categories], segments, ends)
    legend = tuple((str(s.label), tone(i, s.tone)) for i, s in enumerate(series))
    return Chart("stacked", title, label, _svg(label, WIDTH, height, body, "stacked"), table, legend)


def donut_chart(
    title: StrOrPromise,
    items: Sequence[Item],
    *,
    fmt: Callable[[Number], str] = number,
    label_header: StrOrPromise = "",
    value_header: StrOrPromise = "",
    table: Table | None = None,
) -> Chart:
    """A ring cut into one slice per item, each as long along the ring as its share of the
    total, clockwise from the top; the total in the middle."""
    title = str(title)
    values = _checked([item.value for item in items])
    table = table or _default_table(str(label_header) or _("Item"), str(value_header) or _("Value"), items, fmt)
    label = _summary(title, table)
    total = sum(values)
    centre = DONUT / 2
    circumference = 2 * math.pi * RADIUS
    shapes = [
        format_html(
            '<circle class="chart-track" cx="{}" cy="{}" r="{}" stroke-width="{}"/>',
            _f(centre),
            _f(centre),
            _f(RADIUS),
            _f(RING),
        )
    ]
    offset = 0.0
    for i, (item, value) in enumerate(zip(items, values, strict=True)):
        if not value:
            continue
        length = circumference * value / total
        shapes.append(
            format_html(
                '<circle class="chart-slice {}" cx="{}" cy="{}" r="{}" stroke-width="{}" '
                'stroke-dasharray="{} {}" stroke-dashoffset="{}" transform="rotate(-90 {} {})" data-value="{}">'
                "<title>{}: {}</title></circle>",
                tone(i, item.tone),
                _f(centre),
                _f(centre),
                _f(RADIUS),
                _f(RING),
                _f(length),
                _f(circumference - length),
                _f(-offset) if offset else "0",
                _f(centre),
                _f(centre),
                item.value,
                str(item.label),
                fmt(item.value),
            )
        )
        offset += length
    shapes.append(
        format_html(
            '<text class="chart-total" x="{}" y="{}" text-anchor="middle">{}</text>',
            _f(centre),
            _f(centre + FONT / 2),
            fmt(sum(item.value for item in items)),
        )
    )
    body = mark_safe("".join(shapes))  # noqa: S308 - joined format_html output # nosec B308, B703
    legend = tuple((str(item.label), tone(i, item.tone)) for i, item in enumerate(items))
    return Chart("donut", title, label, _svg(label, DONUT, DONUT, body, "donut"), table, legend)


def _at(urls: Sequence[str], index: int) -> str:
    return urls[index] if index < len(urls) else ""
