"""The theme's page in a browser: a long name does not widen the page on a phone, and the Tab
key does not wander through the preview frame's samples."""

import pytest
from django.db import connection

from apps.core.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 375, "height": 740}
LONG_NAME = "Evergreen" + "x" * 246  # 255 characters, no space to break at


@pytest.fixture(scope="module")
def themes(demo, django_db_blocker):
    """Two committed themes of the demo's Sunrise: one with a long name, one ordinary (module
    scope: set up before a test's own transaction, so the live server sees them)."""
    from apps.tenants.models import Organization
    from apps.themes.models import CustomTheme

    with django_db_blocker.unblock():
        sunrise = Organization.objects.get(subdomain="sunrise")
        with sunrise:
            # Plain rows: inactive themes change no stylesheet, and nothing here is under test.
            long = CustomTheme.objects.create(theme_name=LONG_NAME)
            short = CustomTheme.objects.create(theme_name="Harbour")
        connection.set_schema_to_public()
    yield demo, long.pk, short.pk
    with django_db_blocker.unblock():
        with sunrise:
            CustomTheme.objects.filter(pk__in=[long.pk, short.pk]).delete()
        connection.set_schema_to_public()


WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  heading: document.querySelector("h1").getBoundingClientRect().width,
})"""


def test_a_255_character_name_breaks_instead_of_widening_the_page_on_a_phone(themes, browser, settings):
    port, long_pk, _short = themes
    base = f"http://sunrise.localhost:{port}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
    page.goto(f"{base}/settings/themes/{long_pk}/")
    assert page.locator("h1").inner_text() == LONG_NAME
    widths = page.evaluate(WIDTHS)
    assert widths["heading"] <= PHONE["width"] and widths["page"] <= PHONE["width"], widths
    page.goto(f"{base}/settings/themes/")
    table = page.evaluate(
        """() => { const wrap = document.querySelector(".table-wrap");
                   return {inner: wrap.scrollWidth, outer: wrap.clientWidth,
                           short: [...wrap.querySelectorAll("a")].find(a => a.textContent === "Harbour")
                                  .getClientRects().length}; }"""
    )
    assert table["inner"] <= table["outer"] + 1, table  # the list fits: no sideways scrolling
    assert table["short"] == 1, "an ordinary name stays on one line"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_tab_never_enters_the_preview_frame_which_stays_labelled(themes, page, settings):
    port, _long, short_pk = themes
    base = f"http://sunrise.localhost:{port}"
    sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
    page.goto(f"{base}/settings/themes/{short_pk}/")
    frame = page.locator("iframe.theme-preview")
    frame.scroll_into_view_if_needed()
    # The preview has loaded its sample links, buttons and field.
    assert page.frame_locator("iframe.theme-preview").locator("button").count() == 3
    assert frame.get_attribute("title") == "Preview of the theme"
    visited = []
    for _ in range(60):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.tagName"))
    assert "IFRAME" not in visited, visited
    assert "A" in visited and "BUTTON" in visited  # Tab did move through the page itself
