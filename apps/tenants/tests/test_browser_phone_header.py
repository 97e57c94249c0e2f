"""The header on a 375 px phone: the org admin's long menu scrolls sideways inside its own row,
the current page's entry is in view when the page opens (still marked aria-current and still
reached with Tab), and the row leaves no empty band below the entries."""

import pytest

from apps.core.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def admin_phone(demo, browser, settings):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = f"http://sunrise.localhost:{demo}"
    sign_in(page, base, "admin@sunrise.test", settings.DEMO_PASSWORD)
    yield page, base
    context.close()


MENU = """() => {
  const row = document.querySelector(".main-nav ul");
  const frame = row.getBoundingClientRect();
  const links = [...row.querySelectorAll("a")].map(a => {
    const box = a.getBoundingClientRect();
    return {text: a.textContent.trim(), left: box.left, right: box.right, height: box.height,
            current: a.getAttribute("aria-current"), tab: a.tabIndex};
  });
  return {left: frame.left, right: frame.right, height: row.clientHeight, links, pageY: window.scrollY,
          pageWidth: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize(("path", "label"), [("/compliance/", "Compliance"), ("/audit/", "Audit log")])
def test_the_current_entry_is_in_view_when_a_phone_opens_the_page(admin_phone, path, label):
    page, base = admin_phone
    page.goto(base + path)
    page.wait_for_load_state("load")
    menu = page.evaluate(MENU)
    assert len(menu["links"]) >= 12  # the admin's long menu, wider than the phone
    (current,) = [link for link in menu["links"] if link["current"] == "page"]
    assert current["text"] == label
    assert menu["left"] - 1 <= current["left"] and current["right"] <= menu["right"] + 1, current
    # Only the row scrolled: the page neither moved down nor grew sideways.
    assert menu["pageY"] == 0 and menu["pageWidth"] <= 375
    assert current["tab"] == 0


def test_the_menu_row_is_one_line_high_with_no_empty_band(admin_phone):
    page, base = admin_phone
    page.goto(base + "/audit/")
    menu = page.evaluate(MENU)
    heights = {round(link["height"]) for link in menu["links"]}
    assert len(heights) == 1, menu["links"]  # no entry broke onto two lines
    assert menu["height"] - heights.pop() <= 1


def test_tab_still_reaches_every_entry_in_order_after_the_row_scrolled(admin_phone):
    page, base = admin_phone
    page.goto(base + "/compliance/")
    names = [link["text"] for link in page.evaluate(MENU)["links"]]
    page.locator(".brand").focus()
    reached = []
    for _ in names:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert reached == names
