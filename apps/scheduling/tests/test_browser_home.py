import pytest

from apps.core.tests.browser import sign_in

pytestmark = pytest.mark.browser


def test_the_dsps_home_fits_a_390_pixel_phone_with_its_shifts_first(demo, browser, settings):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        base = f"http://sunrise.localhost:{demo}"
        sign_in(page, base, "dsp@sunrise.test", settings.DEMO_PASSWORD)
        page.goto(f"{base}/")
        page.wait_for_load_state("networkidle")
        panels = page.locator("[data-panel]").evaluate_all("els => els.map(el => el.dataset.panel)")
        assert panels[:3] == ["my_shifts", "shifts_to_take", "my_clients"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert errors == []
    finally:
        context.close()
