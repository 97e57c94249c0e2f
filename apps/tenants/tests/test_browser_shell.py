import pytest

from apps.core.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize(
    ("subdomain", "name", "colour"),
    [("sunrise", "Sunrise Supports", "#1d4ed8"), ("harbor", "Harbor Care", "#15803d")],
)
def test_each_demo_organization_shows_its_own_name_and_colour(demo, page, subdomain, name, colour):
    page.goto(f"http://{subdomain}.localhost:{demo}/")
    assert page.locator(".brand-name").inner_text() == name
    header_bg = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header_bg == _rgb(colour)
    assert name in page.title()


def test_the_shell_fits_a_375_pixel_phone_and_the_skip_link_works(demo, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"http://harbor.localhost:{demo}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()


def test_htmx_is_served_locally_and_the_page_loads_nothing_from_elsewhere(demo, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"http://sunrise.localhost:{demo}/")
    assert page.evaluate("typeof window.htmx") == "object"
    assert requests and all(url.startswith(f"http://sunrise.localhost:{demo}/") for url in requests)


def test_switching_to_spanish_translates_the_page(demo, page):
    page.goto(f"http://sunrise.localhost:{demo}/")
    page.get_by_role("link", name="Español").click()
    page.wait_for_url(f"http://sunrise.localhost:{demo}/")
    assert "Bienvenido a Sunrise Supports" in page.locator("h1").inner_text()


@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/"])
def test_pages_raise_no_console_errors_or_csp_violations(demo, page, path):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"http://harbor.localhost:{demo}{path}")
    page.wait_for_load_state("networkidle")
    assert errors == []


def test_account_pages_fit_a_phone_without_sideways_scrolling(demo, browser, settings):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        base = f"http://sunrise.localhost:{demo}"
        sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
        page.wait_for_url(f"{base}/")
        for path in ("/accounts/sessions/", "/accounts/roles/new/", "/accounts/people/", "/accounts/security/"):
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    finally:
        context.close()
