"""The organization's stylesheet: the hashed URL the pages link, cached for a year; its hash
changes when the active theme does; built from the cache, not the database."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.tenants import theme as branding
from apps.themes import services
from apps.themes.tests.support import make_theme
from conftest import signed_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<link rel="stylesheet" href="(/theme-[0-9a-f]{12}\.css)">')


def linked(client, page: str = "accounts:sign_in") -> str:
    match = LINK.search(client.get(reverse(page)).text)
    assert match, "the page links the organization's stylesheet"
    return match.group(1)


def test_pages_link_the_hashed_stylesheet_cached_for_a_year(org_a, client_a):
    url = linked(client_a)
    response = client_a.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cache_control
    # The branding's variables are in it, as /theme.css serves them.
    assert branding.for_organization(org_a).css in response.text


def test_the_active_themes_variables_and_css_follow_the_branding(org_a, client_a):
    make_theme(org_a, active=True, css=".card{padding:2rem}", variables={"--sl-primary": "#0f766e"})
    text = client_a.get(linked(client_a)).text
    base = branding.for_organization(org_a).css
    assert (
        text.index(base)
        < text.index(":root{--sl-primary:#0f766e;--sl-on-primary:#ffffff;--sl-primary-ink:#0f766e;}")
        < text.index(".card{padding:2rem}")
    )


def test_the_hash_changes_when_a_theme_is_activated_and_deactivated(
    org_a, client_a, django_capture_on_commit_callbacks
):
    before = linked(client_a)
    theme = make_theme(org_a)
    assert linked(client_a) == before, "an inactive theme changes nothing"
    with org_a, django_capture_on_commit_callbacks(execute=True):
        services.theme_activate(theme=theme)
    activated = linked(client_a)
    assert activated != before
    assert ".card{padding:2rem}" in client_a.get(activated).text
    with org_a, django_capture_on_commit_callbacks(execute=True):
        services.theme_update(theme=theme, theme_name="Evergreen", css_variables={}, custom_css=".card{margin:0}")
    edited = linked(client_a)
    assert edited not in {before, activated}
    with org_a, django_capture_on_commit_callbacks(execute=True):
        services.theme_deactivate(theme=theme)
    assert linked(client_a) == before


def test_activating_through_the_page_changes_the_link(org_a):
    theme = make_theme(org_a)
    admin = signed_in(org_a, "admin")
    before = linked(admin, "themes:index")
    admin.post(reverse("themes:activate", args=[theme.pk]))
    assert linked(admin, "themes:index") != before


def test_an_unknown_hash_is_sent_on_to_the_current_stylesheet_not_answered(org_a, client_a):
    make_theme(org_a, active=True)
    current = linked(client_a)
    response = client_a.get(reverse("org_stylesheet", kwargs={"version": "0" * 12}))
    assert response.status_code == 302 and response["Location"] == current
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=31536000" not in response["Cache-Control"] and "immutable" not in response["Cache-Control"]
    assert ".card{padding:2rem}" not in response.text


def test_a_hash_gone_stale_is_sent_on_to_the_new_one(org_a, client_a, django_capture_on_commit_callbacks):
    before = linked(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        make_theme(org_a, active=True)
    after = linked(client_a)
    response = client_a.get(before)
    assert response.status_code == 302 and response["Location"] == after
    assert "immutable" not in response["Cache-Control"]


def test_another_organizations_hash_is_not_answered_with_this_organizations_css(org_a, org_b, client_a, client_b):
    make_theme(org_a, active=True, css=".alpha-only{color:red}")
    make_theme(org_b, active=True, css=".beta-only{color:blue}")
    url_a, url_b = linked(client_a), linked(client_b)
    assert url_a != url_b
    # B's stylesheet URL asked on A's host: not A's CSS under B's hash (nor B's CSS).
    response = client_a.get(url_b)
    assert response.status_code == 302 and response["Location"] == url_a
    assert "immutable" not in response["Cache-Control"] and "max-age=31536000" not in response["Cache-Control"]
    assert ".alpha-only" not in response.text and ".beta-only" not in response.text
    # Each host's own hash is its own CSS, kept for a year.
    for client, url, own, other in (
        (client_a, url_a, ".alpha-only", ".beta-only"),
        (client_b, url_b, ".beta-only", ".alpha-only"),
    ):
        answer = client.get(url)
        assert answer.status_code == 200 and "immutable" in answer["Cache-Control"]
        assert own in answer.text and other not in answer.text


def test_each_organization_gets_its_own_stylesheet(org_a, org_b, client_a, client_b):
    make_theme(org_a, active=True, css=".alpha-only{color:red}")
    assert ".alpha-only" in client_a.get(linked(client_a)).text
    assert ".alpha-only" not in client_b.get(linked(client_b)).text
    assert linked(client_a) != linked(client_b)


def test_the_stylesheet_is_built_from_the_cache_without_queries(one_minute, org_a, client_a):
    make_theme(org_a, active=True)
    url = linked(client_a)
    client_a.get(url)
    with org_a, CaptureQueriesContext(connection) as queries:
        response = client_a.get(url)
    assert response.status_code == 200 and ".card{padding:2rem}" in response.text
    assert not [q for q in queries.captured_queries if "themes_customtheme" in q["sql"]]


def test_the_platform_host_keeps_the_default_theme_link(public_client):
    text = public_client.get("/").text
    assert re.search(r'href="/theme\.css\?v=[0-9a-f]{12}"', text)


def test_a_page_kept_in_memory_links_the_stylesheet_of_the_moment(org_a):
    # The clients list is kept whole (apps.core.fragments.cached_page) until a client changes;
    # activating a theme changes no client, and the link is filled in per request.
    theme = make_theme(org_a)
    admin = signed_in(org_a, "admin")
    before = linked(admin, "clients:list")
    assert linked(admin, "clients:list") == before
    # Followed to the themes list, which shows the message (a page with one is drawn afresh).
    admin.post(reverse("themes:activate", args=[theme.pk]), follow=True)
    after = linked(admin, "clients:list")
    assert after != before
    assert ".card{padding:2rem}" in admin.get(after).text


def test_the_admin_links_the_stylesheet_with_the_active_theme(org_a):
    # The Django admin once linked /theme.css (the branding alone) and ignored the theme.
    make_theme(org_a, active=True, variables={"--sl-primary": "#7c2d12"})
    admin = signed_in(org_a, "admin")
    match = re.search(r'<link rel="stylesheet" href="(/theme-[0-9a-f]{12}\.css)">', admin.get("/admin/").text)
    assert match, "the admin links the organization's hashed stylesheet"
    assert match.group(1) == linked(admin, "themes:index"), "the same stylesheet as the app pages"
    assert "--sl-primary:#7c2d12" in admin.get(match.group(1)).text
