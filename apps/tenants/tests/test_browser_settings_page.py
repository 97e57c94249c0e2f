"""The organization settings page in a browser: axe finds nothing in English or Spanish, and a
refused save leaves the focus on the summary of what to fix, with nothing saved."""

import pytest

from apps.core.tests.browser import assert_accessible, sign_in
from apps.tenants.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_settings_page_has_no_axe_violations(demo, browser, settings, language):
    base = f"http://sunrise.localhost:{demo}"
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": "sunrise.localhost", "path": "/"}]
        )
        page.goto(f"{base}/settings/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("fieldset.form-section").count() == 7
        assert_accessible(page)
    finally:
        context.close()


def test_a_refused_save_moves_the_focus_to_the_error_summary_and_saves_nothing(demo, browser, settings):
    base = f"http://sunrise.localhost:{demo}"
    before = Organization.objects.get(subdomain="sunrise").settings
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
        page.goto(f"{base}/settings/")
        page.locator("#id_audit_retention_years").fill("5")
        page.locator("main").get_by_role("button", name="Save", exact=True).click()
        page.wait_for_load_state("load")
        assert page.evaluate("document.activeElement.id") == "form-error-summary"
        assert page.locator("#id_audit_retention_years_error").is_visible()
        assert_accessible(page)
    finally:
        context.close()
    assert Organization.objects.get(subdomain="sunrise").settings == before
