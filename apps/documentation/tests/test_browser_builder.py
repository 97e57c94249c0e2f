"""The builder in a real browser: adding a field swaps the builder in place (no page load),
a refused field shows its reason in place too (a 400 that builder.js lets htmx swap), and
the page passes axe."""

import uuid

import pytest

from apps.core.tests.browser import assert_accessible, sign_in
from apps.documentation.models import FormTemplate
from apps.tenants.models import Organization

pytestmark = pytest.mark.browser


def test_a_manager_adds_a_field_in_place_and_sees_a_refusal_in_place(demo, page, settings):
    # Everything is written by the live server (committed); the test's own connection only
    # reads, so it holds no lock the server's requests would wait for.
    sunrise = Organization.objects.get(subdomain="sunrise")
    base = f"http://sunrise.localhost:{demo}"
    sign_in(page, base, "manager@sunrise.test", settings.DEMO_PASSWORD)
    page.goto(f"{base}/documentation/templates/new/")
    name = f"Browser check {uuid.uuid4().hex[:8]}"
    page.get_by_label("Name").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Create").click()
    with sunrise:
        template = FormTemplate.objects.get(template_name=name)
    assert page.url == f"{base}/documentation/templates/{template.pk}/"
    assert_accessible(page)
    # A mark on the window: it survives htmx swaps and would be gone after a page load.
    page.evaluate("window.stillHere = true")
    page.get_by_role("link", name="Add field (Section 1)").click()
    page.locator("#id_label").wait_for()
    assert page.evaluate("document.activeElement.name") == "section"
    page.locator("#id_label").fill("Mood today")
    page.get_by_role("button", name="Save field").click()
    page.get_by_text("Field saved.").wait_for()
    assert page.evaluate("window.stillHere === true")
    assert "Mood today" in page.locator("#builder").inner_text()
    with sunrise:
        template.refresh_from_db()
        assert [f["key"] for f in template.form_structure["sections"][0]["fields"]] == ["notes", "mood_today"]

    page.get_by_role("link", name="Add field (Section 1)").click()
    page.locator("#id_label").fill("Again")
    page.locator("#id_key").fill("notes")
    page.get_by_role("button", name="Save field").click()
    page.get_by_text("Two fields have the key “notes”.").wait_for()
    assert page.evaluate("window.stillHere === true")
    assert_accessible(page)
    with sunrise:
        template.refresh_from_db()
        assert len(template.form_structure["sections"][0]["fields"]) == 2
