"""The charts of apps.core.charts, read back as XML: shapes sized in proportion to their
values, the edge cases (nothing, zero, one value, all zero), labels escaped, and the table
behind each chart holding the very numbers drawn."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from defusedxml import ElementTree as safe_xml
from django.utils import translation

from apps.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def _svg(chart: charts.Chart) -> ET.Element:
    root = safe_xml.fromstring(str(chart.svg))
    assert root.tag == f"{SVG}svg"
    return root


def _bars(chart: charts.Chart) -> list[ET.Element]:
    return [rect for rect in _svg(chart).iter(f"{SVG}rect") if "chart-bar" in rect.get("class", "")]


def _size(rect: ET.Element, name: str) -> float:
    return float(rect.get(name, "nan"))


def test_horizontal_bars_are_as_long_as_their_values_and_the_largest_fills_the_plot():
    chart = charts.bar_chart("Visits", [charts.Item("A", 2), charts.Item("B", 8), charts.Item("C", 5)])
    widths = [_size(rect, "width") for rect in _bars(chart)]
    label_width, plot = charts.layout(["A", "B", "C"], ["2", "8", "5"])
    assert widths == pytest.approx([plot * 2 / 8, plot, plot * 5 / 8], abs=0.01)
    assert [rect.get("data-value") for rect in _bars(chart)] == ["2", "8", "5"]
    # Every bar starts at the same place: lengths compare; the longest and its value fit.
    assert {rect.get("x") for rect in _bars(chart)} == {f"{label_width:.2f}"}
    assert label_width + plot < charts.WIDTH


def test_vertical_bars_are_as_tall_as_their_values_and_stand_on_one_baseline():
    chart = charts.bar_chart(
        "Owed", [charts.Item("0–30", Decimal("150.50")), charts.Item("31–60", Decimal("301"))], horizontal=False
    )
    bars = _bars(chart)
    heights = [_size(rect, "height") for rect in bars]
    assert heights[0] / heights[1] == pytest.approx(150.50 / 301, rel=1e-3)
    assert {round(_size(rect, "y") + _size(rect, "height"), 2) for rect in bars} == {charts.HEIGHT - charts.BOTTOM}


def test_a_column_label_too_wide_for_its_column_goes_on_two_lines():
    items = [charts.Item(label, 1) for label in ("0–30 días", "31–60 días", "61–90 días", "Más de 90 días")]
    labels = [
        t
        for t in _svg(charts.bar_chart("Edad", items, horizontal=False)).iter(f"{SVG}text")
        if t.get("class") == "chart-label"
    ]
    assert [t.find(f"{SVG}title").text for t in labels] == [item.label for item in items]
    assert [[span.text for span in t.iter(f"{SVG}tspan")] for t in labels] == [[], [], [], ["Más de", "90 días"]]


def test_one_value_fills_the_plot_and_zero_draws_nothing():
    (alone,) = _bars(charts.bar_chart("One", [charts.Item("Only", 3)]))
    assert _size(alone, "width") == pytest.approx(charts.layout(["Only"], ["3"])[1], abs=0.01)
    zero, _full = _bars(charts.bar_chart("Two", [charts.Item("None", 0), charts.Item("Some", 4)]))
    assert _size(zero, "width") == 0


def test_all_zero_and_no_values_draw_empty_charts_without_dividing_by_zero():
    flat = charts.bar_chart("Flat", [charts.Item("A", 0), charts.Item("B", 0)], horizontal=False)
    assert [_size(rect, "height") for rect in _bars(flat)] == [0, 0]
    empty = charts.bar_chart("Empty", [])
    assert _bars(empty) == [] and empty.label == "Empty. Nothing to show."
    ring = charts.donut_chart("Claims", [charts.Item("Paid", 0)])
    assert [c.get("class") for c in _svg(ring).iter(f"{SVG}circle")] == ["chart-track"]
    stacked = charts.stacked_bar_chart(
        "Census", ["House"], [charts.Series("Active", [0]), charts.Series("Inactive", [0])]
    )
    assert _bars(stacked) == [] and stacked.table.rows[0].cells[-1].text == "0"


def test_a_negative_value_is_refused_rather_than_drawn():
    with pytest.raises(ValueError):
        charts.bar_chart("Bad", [charts.Item("Minus", -1)])
    with pytest.raises(ValueError):
        charts.stacked_bar_chart("Bad", ["A", "B"], [charts.Series("Short", [1])])


def test_long_labels_and_markup_in_them_are_escaped_and_shortened():
    label = 'Casa "Los Pinos" & <script>alert(1)</script> on the long road out of town'
    chart = charts.bar_chart("Houses <b>", [charts.Item(label, 1, url="/clients/?a=1&b=2")])
    root = _svg(chart)  # well-formed XML: nothing unescaped
    text = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label")
    assert text.find(f"{SVG}title").text == label  # the full label on hover
    # On two lines, each cut to the widest label column.
    lines = [span.text for span in text.iter(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[0].startswith('Casa "Los Pinos" & <') and lines[1].endswith("…")
    assert all(len(line) <= charts.LABEL_MAX / charts.CHAR for line in lines)
    assert root.get("aria-label").startswith("Houses <b>. Casa")
    html = str(chart)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/clients/?a=1&amp;b=2"' in html


def test_stacked_segments_follow_each_other_and_the_longest_bar_fills_the_plot():
    chart = charts.stacked_bar_chart(
        "Census",
        ["North", "South"],
        [charts.Series("Active", [6, 2]), charts.Series("On hold", [2, 0]), charts.Series("Inactive", [0, 1])],
    )
    bars = _bars(chart)
    _label_width, plot = charts.layout(["North", "South"], ["8", "3"])
    north = [b for b in bars if b.get("y") == bars[0].get("y")]
    assert [_size(b, "width") for b in north] == pytest.approx([plot * 6 / 8, plot * 2 / 8], abs=0.01)
    assert _size(north[1], "x") == pytest.approx(_size(north[0], "x") + _size(north[0], "width"), abs=0.01)
    south = [b for b in bars if b.get("y") != bars[0].get("y")]
    assert sum(_size(b, "width") for b in south) == pytest.approx(plot * 3 / 8, abs=0.02)
    assert [b.get("class") for b in south] == ["chart-bar chart-s0", "chart-bar chart-s2"]
    assert chart.legend == (("Active", "chart-s0"), ("On hold", "chart-s1"), ("Inactive", "chart-s2"))


def test_donut_slices_are_their_share_of_the_ring_one_after_another():
    chart = charts.donut_chart("Claims", [charts.Item("Draft", 1), charts.Item("Denied", 0), charts.Item("Paid", 3)])
    slices = [c for c in _svg(chart).iter(f"{SVG}circle") if "chart-slice" in c.get("class", "")]
    ring = 2 * math.pi * charts.RADIUS
    lengths = [float(c.get("stroke-dasharray").split()[0]) for c in slices]
    assert lengths == pytest.approx([ring / 4, ring * 3 / 4], abs=0.01)
    assert float(slices[1].get("stroke-dashoffset")) == pytest.approx(-ring / 4, abs=0.01)
    # The slice of zero is not drawn, and keeps its colour: the legend matches the slices.
    assert [c.get("class") for c in slices] == ["chart-slice chart-s0", "chart-slice chart-s2"]
    assert [label for label, _tone in chart.legend] == ["Draft", "Denied", "Paid"]
    (whole,) = [
        c
        for c in _svg(charts.donut_chart("One", [charts.Item("All", 7)])).iter(f"{SVG}circle")
        if "slice" in c.get("class")
    ]
    assert float(whole.get("stroke-dasharray").split()[0]) == pytest.approx(ring, abs=0.01)


@pytest.mark.parametrize(
    "build",
    [
        lambda items: charts.bar_chart("T", items),
        lambda items: charts.bar_chart("T", items, horizontal=False),
        lambda items: charts.donut_chart("T", items),
    ],
)
def test_the_table_behind_a_chart_holds_the_numbers_it_draws(build):
    items = [charts.Item("Draft", 3, "/billing/claims/?status=draft"), charts.Item("Paid", 12), charts.Item("Void", 0)]
    chart = build(items)
    figure = safe_xml.fromstring(str(chart))  # the whole figure is well-formed too
    drawn = {shape.get("data-value") for shape in figure.iter() if shape.get("data-value")}
    rows = figure.findall(".//tbody/tr")
    table = {row.find("th").text: "".join(row.find("td").itertext()) for row in rows}
    assert table == {"Draft": "3", "Paid": "12", "Void": "0"}
    assert drawn <= set(table.values()) and {"3", "12"} <= drawn
    assert figure.find(".//tbody/tr/td/a").get("href") == "/billing/claims/?status=draft"
    # A screen reader hears the same numbers; a keyboard opens the table.
    svg = figure.find(f"{SVG}svg")
    assert svg.get("role") == "img" and svg.get("aria-label") == "T. Draft: 3; Paid: 12; Void: 0."
    assert figure.find("details/summary").text == "Show the numbers"


def test_the_stacked_table_has_a_column_per_series_and_a_linked_total():
    chart = charts.stacked_bar_chart(
        "Census",
        ["North"],
        [charts.Series("Active", [6], urls=["/clients/?status=active"]), charts.Series("On hold", [2])],
        label_header="Location",
        total_urls=["/clients/?location=1"],
    )
    assert chart.table.headers == ("Location", "Active", "On hold", "Total")
    assert chart.table.rows[0].cells == (
        charts.Cell("6", "/clients/?status=active"),
        charts.Cell("2"),
        charts.Cell("8", "/clients/?location=1"),
    )
    assert chart.label == "Census. North: Active 6, On hold 2, Total 8."


def test_numbers_are_written_as_the_readers_language_writes_them():
    with translation.override("es"):
        chart = charts.bar_chart("Horas", [charts.Item("Cuidado", Decimal("1234.5"))])
        assert chart.table.rows[0].cells[0].text == "1\xa0234,5"  # this project's Spanish groups with a space
        assert "Mostrar las cifras" in str(chart)
        # Coordinates stay in one notation whatever the language.
        assert "," not in _bars(chart)[0].get("width")
