"""The audit pages in a real browser, against a live server whose transactions commit: the
entries there are written the production way, together with each COMMIT."""

import pytest

from apps.audit import services
from apps.audit.models import LogEntry
from apps.tenants.models import Organization
from browser import sign_in

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
