"""The branding page says when an active custom theme sets colours of its own, which take the
place of the colours chosen there, with the way to the theme."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from apps.themes.tests.support import make_theme
from conftest import signed_in

pytestmark = pytest.mark.django_db
URL = "/settings/branding/"


def test_an_active_theme_with_colours_is_named_with_a_link(org_a):
    theme = make_theme(org_a, "Evergreen", active=True, variables={"--sl-primary": "#0f766e", "--sl-radius": "4px"})
    html = signed_in(org_a, "admin").get(URL).text
    assert "The active theme “Evergreen” sets its own colours (--sl-primary)." in html
    assert f'<a href="{reverse("themes:detail", args=[theme.pk])}">Open the theme</a>' in html


def test_the_notice_is_in_spanish_too(org_a):
    make_theme(org_a, "Evergreen", active=True)
    client = signed_in(org_a, "admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(URL).text
    assert "El tema activo «Evergreen» define sus propios colores (--sl-primary)." in html
    assert "Abrir el tema" in html


@pytest.mark.parametrize(
    ("active", "theme_variables"),
    [
        (False, {"--sl-primary": "#0f766e"}),  # an inactive theme overrides nothing
        (True, {"--sl-radius": "4px"}),  # an active one without colours leaves them alone
    ],
)
def test_no_notice_when_no_active_theme_sets_colours(org_a, active, theme_variables):
    make_theme(org_a, active=active, variables=theme_variables)
    assert "sets its own colours" not in signed_in(org_a, "admin").get(URL).text


def test_another_organizations_active_theme_is_not_mentioned(org_a, org_b):
    make_theme(org_a, "Alpha only", active=True)
    html = signed_in(org_b, "admin").get(URL).text
    assert "Alpha only" not in html and "sets its own colours" not in html


def test_someone_who_may_not_open_themes_gets_the_notice_without_the_link(org_a):
    from django.contrib.auth.models import Permission

    from conftest import person

    make_theme(org_a, "Evergreen", active=True)
    manager = person(org_a, "manager")
    with org_a:
        manager.role.group.permissions.add(Permission.objects.get(codename="manage_branding"))
    html = signed_in(org_a, "manager").get(URL).text
    assert "The active theme “Evergreen” sets its own colours" in html
    assert "Open the theme" not in html
