"""A form's POST-only address opened with a GET (a bookmark, the browser's history) answers 405
with a page that says so and leads to the page the form is on, instead of a blank page."""

from __future__ import annotations

from conftest import signed_in


def test_a_get_on_a_post_only_address_shows_a_page_with_the_way_back(org_a):
    browser = signed_in(org_a, "admin")
    response = browser.get("/compliance/run/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = response.content.decode()
    assert "This address opens no page" in body
    assert '<a class="button" href="/compliance/">' in body


def test_the_page_speaks_spanish(org_a):
    from django.conf import settings

    browser = signed_in(org_a, "admin")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert "Esta dirección no abre ninguna página" in browser.get("/compliance/run/").content.decode()


def test_a_post_answered_405_is_left_as_it_is(org_a):
    # A GET-only page refusing a POST: not a person following a link, nothing to explain.
    response = signed_in(org_a, "admin").post("/reports/")
    assert response.status_code == 405 and response.content == b""
