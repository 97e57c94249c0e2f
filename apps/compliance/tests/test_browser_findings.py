"""The findings dashboard and a report on a phone, as the demo's org admin sees them: the by-rule
and by-location tables name their rows in sentence case (column headings stay small capitals,
as in every table), and a table wider than the phone shows a shadow at the edge it goes on past,
which moves to the other edge once scrolled to the end."""

import io

import pytest
from PIL import Image

from apps.core.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 375, "height": 740}
# What a frame shows: its background layers (the shadows among them), whether its table lets
# them through, and whether it overflows.
FRAME = """(wrap) => ({
  background: getComputedStyle(wrap).backgroundImage,
  attachment: getComputedStyle(wrap).backgroundAttachment,
  table: getComputedStyle(wrap.querySelector("table")).backgroundColor,
  overflows: wrap.scrollWidth > wrap.clientWidth,
})"""


@pytest.fixture
def admin_phone(demo, browser, settings):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = f"http://sunrise.localhost:{demo}"
    sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
    yield page, base
    context.close()


def test_rule_and_location_rows_are_named_in_sentence_case(admin_phone):
    page, base = admin_phone
    page.goto(base + "/compliance/")
    for section in ("#by-rule", "#by-location"):
        panel = page.locator(f"section:has({section})")
        row = panel.locator("tbody th").first
        assert row.evaluate("th => getComputedStyle(th).textTransform") == "none", section
        heading = panel.locator("thead th").first
        assert heading.evaluate("th => getComputedStyle(th).textTransform") == "uppercase", section
    text = page.locator("section:has(#by-rule) tbody th a").first.inner_text()
    assert text != text.upper()


@pytest.mark.parametrize("path", ["/compliance/?status=all", "/reports/utilization/"])
def test_a_table_wider_than_the_phone_shows_a_shadow_at_its_overflowing_edge(admin_phone, path):
    page, base = admin_phone
    page.goto(base + path)
    page.wait_for_load_state("load")
    wrap = page.locator("main .table-wrap").last
    frame = wrap.evaluate(FRAME)
    assert frame["overflows"], path
    # Two shadows fixed to the frame's edges, two covers that scroll with the table.
    assert frame["background"].count("radial-gradient") == 2, frame
    assert frame["attachment"].replace(" ", "").startswith("local,local,scroll,scroll"), frame
    assert frame["table"] == "rgba(0, 0, 0, 0)", frame  # or its cells would hide the shadows
    wrap.scroll_into_view_if_needed()
    box = wrap.bounding_box()
    left, right = box["x"] + 2, box["x"] + box["width"] - 3
    # Shaded on the right, where the table goes on; not on the left, where it starts.
    assert _shade(page, right, box) < _shade(page, left, box) - 15
    wrap.evaluate("wrap => { wrap.scrollLeft = wrap.scrollWidth; }")
    assert _shade(page, left, box) < _shade(page, right, box) - 15


def _shade(page, x: float, box: dict) -> int:
    """How light a 1 px column of the frame is at x, over the middle half of its height (where
    an edge's shadow is deepest): the median grey, so a letter crossing it changes nothing."""
    shot = page.screenshot(clip={"x": x, "y": box["y"] + box["height"] / 4, "width": 1, "height": box["height"] / 2})
    values = sorted(Image.open(io.BytesIO(shot)).convert("L").tobytes())
    return values[len(values) // 2]
