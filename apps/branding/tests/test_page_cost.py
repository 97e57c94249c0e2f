"""What the branding page costs (its bench target is p95 ≤ 50 ms): a fixed, small number of
queries, and its empty form drawn once per brand and language, never stale."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.branding import services
from apps.core import fragments
from apps.tenants.models import Organization
from conftest import signed_in

URL = "/settings/branding/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_page_costs_a_few_queries_and_none_once_warm(one_minute, org_a, django_assert_max_num_queries):
    client = signed_in(org_a, "admin")
    fragments.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(URL).status_code == 200
    # The host, the session, the person and their permissions, read once (some may already be
    # kept by this worker).
    assert len(cold.captured_queries) <= 12, [q["sql"] for q in cold.captured_queries]
    # Then all of it is kept between requests (measured: none at all).
    with django_assert_max_num_queries(2):
        assert client.get(URL).status_code == 200


def test_the_kept_form_follows_a_brand_change_at_once(org_a):
    client = signed_in(org_a, "admin")
    assert f'value="{org_a.primary_color}"' in client.get(URL).content.decode()
    services.branding_update(organization=org_a, primary_color="#1d4ed8", secondary_color="#0f766e", font_family="Lato")
    html = client.get(URL).content.decode()
    assert 'value="#1d4ed8"' in html and 'value="#0f766e"' in html
    assert '<option value="Lato" selected>' in html
    assert Organization.objects.get(pk=org_a.pk).primary_color == "#1d4ed8"


def test_the_kept_form_is_in_each_readers_language(org_a):
    english = signed_in(org_a, "admin")
    spanish = signed_in(org_a, "admin")
    spanish.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    assert "Primary colour" in english.get(URL).content.decode()
    html = spanish.get(URL).content.decode()
    assert "Primary colour" not in html and "Color principal" in html
    assert "Primary colour" in english.get(URL).content.decode()


def test_a_refused_post_shows_its_own_values_and_errors_not_the_kept_form(org_a):
    client = signed_in(org_a, "admin")
    client.get(URL)
    response = client.post(URL, {"primary_color": "red", "secondary_color": "#0f766e", "font_family": "Lato"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="red"' in html and "field-error" in html
