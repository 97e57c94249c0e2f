"""axe-core finds nothing on the pages people use most, in English and Spanish, on a desktop
and a phone, in the Django admin, and on pages showing a flash message or a failed submit.
The admin pages also log no Content Security Policy error and fit a 1,366 px window."""

import pytest

from apps.clients.models import CarePlan
from apps.core.tests.browser import assert_accessible, sign_in
from apps.tenants.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def sunrise(demo):
    """The demo organization's address and a client with a care plan, read once."""
    with Organization.objects.get(subdomain="sunrise"):
        plan = CarePlan.objects.select_related("client").order_by("client__client_id", "start_date").first()
        return {"base": f"http://sunrise.localhost:{demo}", "client": plan.client_id, "plan": plan.pk}


@pytest.fixture
def open_page(browser, settings):
    """A signed-in page in a fresh context; console errors are collected on `page.errors`."""
    contexts = []

    def open_(base, email, viewport=DESKTOP, language="en"):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, base, email, settings.DEMO_PASSWORD)
        host = base.split("//")[1].split(":")[0]
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}])
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        return page

    yield open_
    for context in contexts:
        context.close()


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_main_pages_have_no_axe_violations(sunrise, open_page, language):
    base = sunrise["base"]
    page = open_page(base, "admin@sunrise.test", language=language)
    for path in ["/", "/clients/", f"/clients/{sunrise['client']}/", "/scheduling/week/", "/staff/", "/audit/"]:
        visit(page, base + path)
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page)


def test_a_page_with_a_flash_message_has_no_axe_violations(sunrise, open_page):
    page = open_page(sunrise["base"], "admin@sunrise.test")
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("status").inner_text().strip() == "You have signed out."
    assert_accessible(page)


def test_the_care_plan_on_a_phone_has_no_axe_violations(sunrise, open_page):
    base = sunrise["base"]
    page = open_page(base, "admin@sunrise.test", viewport=PHONE)
    visit(page, f"{base}/clients/{sunrise['client']}/care-plans/{sunrise['plan']}/")
    assert_accessible(page)
    # The wide tables scroll inside their frames, which a keyboard can reach.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_after_a_failed_submit_focus_moves_to_the_error_summary(sunrise, open_page):
    base = sunrise["base"]
    page = open_page(base, "admin@sunrise.test")
    visit(page, f"{base}/clients/new/")
    page.locator("main").get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.id") == "form-error-summary"
    assert_accessible(page)


def test_the_admin_client_form_fits_the_window_logs_no_csp_error_and_has_no_axe_violations(sunrise, open_page):
    base = sunrise["base"]
    page = open_page(base, "admin@sunrise.test")
    visit(page, f"{base}/admin/clients/client/{sunrise['client']}/change/")
    assert page.locator(".inline-group .form-row.has_original").count() >= 1, "the contacts inline is shown"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.get_by_text("Ssn masked").count() == 0
    assert page.locator(".field-ssn_on_file label").inner_text().startswith("SSN")
    # Before axe, whose own probes apply inline styles the CSP reports.
    assert page.errors == []
    assert_accessible(page)


def test_the_admin_shift_form_logs_no_csp_error_and_has_no_axe_violations(sunrise, open_page):
    base = sunrise["base"]
    page = open_page(base, "admin@sunrise.test")
    visit(page, f"{base}/admin/scheduling/shift/add/")
    page.wait_for_selector(".select2-selection[aria-labelledby='id_staff_label']")
    # Before axe, whose own probes apply inline styles the CSP reports.
    assert page.errors == []
    assert_accessible(page)


def test_the_admin_index_logs_no_csp_error(sunrise, open_page):
    base = sunrise["base"]
    page = open_page(base, "admin@sunrise.test")
    visit(page, f"{base}/admin/")
    assert page.get_by_role("link", name="Clients").count() >= 1
    assert page.errors == []
