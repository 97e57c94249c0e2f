"""Deleting a theme: a confirmation page, then a POST; the active theme may go too and the
organization is back to its branding; logged; only the organization's admins, only its own."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from apps.audit.models import LogEntry
from apps.tenants import theme as branding
from apps.themes.models import CustomTheme
from apps.themes.tests.support import make_theme
from conftest import signed_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<link rel="stylesheet" href="(/theme-[0-9a-f]{12}\.css)">')


def test_the_theme_page_links_the_confirmation_which_deletes_nothing(org_a):
    theme = make_theme(org_a)
    client = signed_in(org_a, "admin")
    url = reverse("themes:delete", args=[theme.pk])
    assert f'href="{url}"' in client.get(reverse("themes:detail", args=[theme.pk])).text
    response = client.get(url)
    assert response.status_code == 200
    assert f'<form method="post" action="{url}">' in response.text
    assert "This theme is active" not in response.text
    with org_a:
        assert CustomTheme.objects.filter(pk=theme.pk).exists()


def test_the_confirmation_of_the_active_theme_says_the_branding_comes_back(org_a):
    theme = make_theme(org_a, active=True)
    response = signed_in(org_a, "admin").get(reverse("themes:delete", args=[theme.pk]))
    assert "This theme is active" in response.text
    assert "the colours and font set on the branding page" in response.text


def test_the_confirmation_is_in_spanish_too(org_a):
    theme = make_theme(org_a, active=True)
    client = signed_in(org_a, "admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(reverse("themes:delete", args=[theme.pk]))
    assert "Este tema está activo" in response.text
    assert "Eliminar el tema" in response.text


def test_an_admin_deletes_an_inactive_theme_and_the_change_is_logged(org_a):
    theme = make_theme(org_a, "Dusk")
    response = signed_in(org_a, "admin").post(reverse("themes:delete", args=[theme.pk]), follow=True)
    assert response.redirect_chain[-1] == (reverse("themes:index"), 302)
    assert "“Dusk” was deleted." in response.text
    with org_a:
        assert not CustomTheme.objects.filter(pk=theme.pk).exists()
        entry = LogEntry.objects.filter(object_pk=str(theme.pk)).order_by("-timestamp").first()
    assert entry is not None and entry.action == LogEntry.Action.DELETE
    assert entry.object_repr == "Dusk"


def test_deleting_the_active_theme_returns_the_stylesheet_to_the_branding(
    org_a, client_a, django_capture_on_commit_callbacks
):
    theme = make_theme(org_a, active=True, css=".card{padding:2rem}")
    admin = signed_in(org_a, "admin")
    themed = LINK.search(client_a.get(reverse("accounts:sign_in")).text).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reverse("themes:delete", args=[theme.pk])).status_code == 302
    plain = LINK.search(client_a.get(reverse("accounts:sign_in")).text).group(1)
    assert plain != themed
    css = client_a.get(plain).text
    assert css == branding.for_organization(org_a).css
    assert ".card{padding:2rem}" not in css


def test_deleting_needs_a_post_and_other_methods_are_refused(org_a):
    theme = make_theme(org_a)
    client = signed_in(org_a, "admin")
    url = reverse("themes:delete", args=[theme.pk])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    with org_a:
        assert CustomTheme.objects.filter(pk=theme.pk).exists()


@pytest.mark.parametrize("local", ["manager", "dsp", "nurse", "scheduler", "billing", "auditor", "hr", "outsider"])
def test_people_who_are_not_admins_cannot_delete(org_a, local):
    theme = make_theme(org_a)
    client = signed_in(org_a, local)
    url = reverse("themes:delete", args=[theme.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    with org_a:
        assert CustomTheme.objects.filter(pk=theme.pk).exists()


def test_another_organizations_admin_gets_404_and_deletes_nothing(org_a, org_b):
    theme = make_theme(org_a, active=True)
    client = signed_in(org_b, "admin")
    url = reverse("themes:delete", args=[theme.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with org_a:
        theme.refresh_from_db()
    assert theme.is_active


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_deleted(org_a, client_a):
    theme = make_theme(org_a)
    response = client_a.post(reverse("themes:delete", args=[theme.pk]))
    assert response.status_code == 302 and reverse("accounts:sign_in") in response.url
    with org_a:
        assert CustomTheme.objects.filter(pk=theme.pk).exists()
