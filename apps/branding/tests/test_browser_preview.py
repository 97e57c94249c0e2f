"""The branding page in a browser: the preview follows the inputs, under the page's CSP."""

import pytest

from apps.core.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_preview_follows_the_colours_and_the_font_as_they_change(demo, page, settings):
    base = f"http://sunrise.localhost:{demo}"
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
    page.goto(f"{base}/settings/branding/")
    bar = page.locator(".brand-preview-bar")
    note = page.locator('[data-ratio="primary"]')

    page.locator("#id_primary_color").fill("#d97706")
    assert bar.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(217, 119, 6)"
    assert bar.evaluate("el => getComputedStyle(el).color") == "rgb(17, 24, 39)"  # near-black on amber
    assert "Text on the primary colour: 5.56:1" in note.inner_text()
    assert "is-refused" not in (note.get_attribute("class") or "")
    # Each status line says which colour it is of, and is named for screen readers.
    secondary = page.locator('[data-ratio="secondary"]')
    assert secondary.inner_text().startswith("Text on the secondary colour:")
    assert note.get_attribute("role") == "status" and note.get_attribute("aria-label")

    # Text on it reads (near-black, 13.45:1), but the buttons would vanish on the white page.
    page.locator("#id_primary_color").fill("#fde047")
    assert "13.45:1" in note.inner_text() and "1.31:1" in note.inner_text()
    assert "is-refused" in (note.get_attribute("class") or "")

    page.locator("#id_primary_color").fill("#777777")
    assert bar.evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    assert "4.47:1" in note.inner_text() and "is-refused" in (note.get_attribute("class") or "")

    # The secondary colour's buttons must stand out on the white page too (3:1).
    page.locator("#id_secondary_color").fill("#ffffff")
    assert "1.00:1" in secondary.inner_text() and "Secondary buttons" in secondary.inner_text()
    assert "is-refused" in (secondary.get_attribute("class") or "")
    page.locator("#id_secondary_color").fill("#334155")
    assert "is-refused" not in (secondary.get_attribute("class") or "")

    page.locator("#id_font_family").select_option("Lato")
    assert page.locator(".brand-preview").evaluate("el => getComputedStyle(el).fontFamily").startswith("Lato")

    page.locator("#id_primary_color").fill("#1d4ed8")
    assert_accessible(page)
    assert not errors, errors  # no script or style refused by the CSP
    assert all(url.startswith(base) for url in requests)
