"""The favicon's <link> carries a version, as the logo's URL does: a new upload is a new URL,
so browsers that kept the old icon fetch the new one, on pages kept in memory too."""

from __future__ import annotations

import re

import pytest

from apps.branding import services
from apps.branding.tests.images import image_bytes, upload
from apps.core import shell
from apps.tenants.models import Organization
from conftest import signed_in

pytestmark = pytest.mark.django_db

ICON = re.compile(r'<link rel="icon" href="([^"]+)">')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload_favicon(org, colour) -> Organization:
    services.branding_update(
        organization=org,
        primary_color=org.primary_color,
        secondary_color=org.secondary_color,
        font_family=org.font_family,
        favicon=upload(image_bytes(size=(32, 32), colour=colour)),
    )
    return Organization.objects.get(pk=org.pk)


def test_each_new_favicon_is_linked_at_a_new_url_everywhere(org_a, client_a):
    admin = signed_in(org_a, "admin")
    # The clients list is kept whole in memory (apps.core.fragments.cached_page).
    pages = ("/", "/clients/", "/admin/")
    assert {ICON.search(admin.get(path).text).group(1) for path in pages} == {"/favicon.ico"}
    first = _upload_favicon(org_a, (0, 128, 0))
    icons = {ICON.search(admin.get(path).text).group(1) for path in pages}
    assert len(icons) == 1
    (first_url,) = icons
    assert re.fullmatch(r"/favicon\.ico\?v=[0-9a-f]{12}", first_url)
    assert ICON.search(client_a.get("/accounts/sign-in/").text).group(1) == first_url
    _upload_favicon(first, (200, 0, 0))
    second = {ICON.search(admin.get(path).text).group(1) for path in pages}
    assert len(second) == 1 and second != icons
    # The versioned URL serves the icon itself.
    response = client_a.get(next(iter(second)))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_the_branding_page_shows_the_favicon_at_its_versioned_url(org_a):
    org = _upload_favicon(org_a, (0, 128, 0))
    html = signed_in(org_a, "admin").get("/settings/branding/").text
    assert f'<img src="{shell.favicon_url(org)}"' in html
