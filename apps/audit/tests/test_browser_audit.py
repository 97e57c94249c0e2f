"""The audit pages in a real browser, against a live server whose transactions commit: the
entries there are written the production way, together with each COMMIT."""

import pytest

from apps.audit import services
from apps.audit.models import LogEntry
from apps.core.tests.browser import sign_in
from apps.tenants.models import Organization

pytestmark = pytest.mark.browser


def test_an_auditor_finds_their_own_sign_in_in_the_log(demo, browser, settings):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        base = f"http://sunrise.localhost:{demo}"
        sign_in(page, base, "auditor@sunrise.test", settings.DEMO_PASSWORD)
        page.get_by_role("link", name="Audit log", exact=True).click()
        page.get_by_label("Action").select_option(label="Authentication")
        page.get_by_label("Done by (email)").fill("auditor@sunrise.test")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_load_state()
        first_row = page.locator("table.audit-entries tbody tr").first
        assert "Signed in" in first_row.inner_text() and "auditor@sunrise.test" in first_row.inner_text()
        # The table scrolls inside its frame; the page itself fits a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
    sunrise = Organization.objects.get(subdomain="sunrise")
    with sunrise:
        assert LogEntry.objects.filter(
            actor_email="auditor@sunrise.test", action=LogEntry.Action.AUTHENTICATION
        ).exists()
        assert services.chain_verify().intact


# Words of the log's cells that the layout split across two lines ("Complete d"); a value
# longer than any column (a hash) may break, and a line may end after a dash or slash.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("table.audit-entries td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\u2013\u2014\\/-]+/g)) {
        if (match[0].length < 2 || match[0].length > 30) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def test_the_logs_details_wrap_at_spaces_on_a_desktop_and_scroll_on_a_phone(demo, browser, settings):
    base = f"http://sunrise.localhost:{demo}"
    for width, height in [(1280, 800), (375, 740)]:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            sign_in(page, base, "auditor@sunrise.test", settings.DEMO_PASSWORD)
            page.goto(f"{base}/audit/?action={LogEntry.Action.CREATE}")
            assert page.locator("table.audit-entries table.changes").count() > 0
            assert (width, page.evaluate(BROKEN_WORDS)) == (width, [])
            details = page.get_by_role("columnheader", name="Details").bounding_box()
            if width > 1000:
                assert details["width"] >= 300
            else:
                # The table scrolls inside its frame; the page itself fits the phone.
                frame = page.locator(".table-wrap").first
                assert frame.evaluate("(wrap) => wrap.scrollWidth > wrap.clientWidth")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()
