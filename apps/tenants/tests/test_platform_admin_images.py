"""A logo or favicon uploaded in the platform admin goes through the same checks and
re-encoding as the branding page's (apps/tenants/images.py): refused with the reason next to
the field, or stored as a clean PNG of a bounded size."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from PIL import Image

from apps.branding.tests.images import SVG, image_bytes, jpeg_with_exif, upload
from apps.tenants.models import Domain, Organization
from apps.tenants.tests.test_platform_admin import FORM
from conftest import host_client

ADD = "/admin/tenants/organization/add/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def operator_client(db):
    connection.set_schema_to_public()
    operator = get_user_model().objects.create_superuser(email="operator@platform.test", password=None)
    client = host_client("localhost")
    client.force_login(operator)
    return client


def _picture(field_file) -> Image.Image:
    with field_file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def _change(organization, **changes) -> tuple[str, dict]:
    """The change form of an existing organization, as the admin sends it back, with changes."""
    domains = list(Domain.objects.filter(tenant=organization).order_by("pk"))
    data = {
        "name": organization.name,
        "subdomain": organization.subdomain,
        "custom_domain": organization.custom_domain,
        "primary_color": organization.primary_color,
        "secondary_color": organization.secondary_color,
        "font_family": organization.font_family,
        "contact_email": organization.contact_email,
        "contact_phone": organization.contact_phone,
        "address": organization.address,
        "timezone": organization.timezone,
        "settings": json.dumps(organization.settings),
        "feature_flags": json.dumps(organization.feature_flags),
        "billing_settings": json.dumps(organization.billing_settings),
        "domains-TOTAL_FORMS": str(len(domains)),
        "domains-INITIAL_FORMS": str(len(domains)),
        **{f"domains-{i}-id": str(domain.pk) for i, domain in enumerate(domains)},
        **{f"domains-{i}-tenant": str(organization.pk) for i, _domain in enumerate(domains)},
    }
    if organization.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return f"/admin/tenants/organization/{organization.pk}/change/", data


def test_an_operators_logo_is_re_encoded_resized_and_stripped_of_its_metadata(operator_client):
    response = operator_client.post(ADD, FORM | {"logo": upload(jpeg_with_exif(), "photo.jpg", "image/jpeg")})
    assert response.status_code == 302, response.content.decode()[:2000]
    organization = Organization.objects.get(subdomain="brightpath")
    assert organization.logo.name.endswith(".png")
    picture = _picture(organization.logo)
    # Upright (the EXIF orientation applied), as a PNG carrying nothing but pixels.
    assert picture.format == "PNG" and picture.size == (100, 200)
    assert "exif" not in picture.info
    with organization.logo.open("rb") as handle:
        assert b"secret-artist" not in handle.read()


def test_an_operators_large_logo_is_resized(operator_client):
    response = operator_client.post(ADD, FORM | {"logo": upload(image_bytes(size=(2000, 1000)))})
    assert response.status_code == 302
    assert _picture(Organization.objects.get(subdomain="brightpath").logo).size == (512, 256)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(SVG, "logo.svg", "image/svg+xml"), "SVG images are not accepted"),
        # An SVG under another name is still refused.
        (upload(SVG, "logo.png", "image/png"), "SVG images are not accepted"),
        (upload(b"<html><script>alert(1)</script></html>", "logo.png", "image/png"), "not a PNG, JPEG, WebP or GIF"),
        (upload(image_bytes("BMP"), "logo.bmp", "image/bmp"), "not a PNG, JPEG, WebP or GIF"),
        (upload(b"\x89PNG" + b"0" * (3 * 1024 * 1024), "huge.png"), "the limit is 2 MB"),
    ],
    ids=["svg", "svg-named-png", "html", "bmp", "too-big"],
)
def test_an_operators_bad_logo_is_refused_next_to_the_field_and_nothing_is_created(operator_client, file, message):
    response = operator_client.post(ADD, FORM | {"logo": file})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "logo" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(subdomain="brightpath").exists()


def test_an_operators_favicon_for_an_existing_organization_is_a_64_pixel_png(operator_client, org_a):
    url, data = _change(org_a, favicon=upload(image_bytes("GIF", size=(300, 100)), "icon.gif", "image/gif"))
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    favicon = Organization.objects.get(pk=org_a.pk).favicon
    assert favicon.name.endswith(".png") and _picture(favicon).size == (64, 64)


def test_an_svg_favicon_for_an_existing_organization_is_refused_and_nothing_changes(operator_client, org_a):
    url, data = _change(org_a, name="Renamed", favicon=upload(SVG, "icon.svg", "image/svg+xml"))
    response = operator_client.post(url, data)
    assert response.status_code == 200 and "SVG images are not accepted" in response.content.decode()
    organization = Organization.objects.get(pk=org_a.pk)
    assert organization.name == org_a.name and not organization.favicon


def test_a_logo_replaced_in_the_admin_is_deleted_once_the_new_one_is_saved(
    operator_client, org_a, django_capture_on_commit_callbacks
):
    url, data = _change(org_a, logo=upload(image_bytes()))
    assert operator_client.post(url, data).status_code == 302
    first = Organization.objects.get(pk=org_a.pk).logo
    assert first.storage.exists(first.name)
    url, data = _change(Organization.objects.get(pk=org_a.pk), logo=upload(image_bytes(colour=(0, 0, 0))))
    with django_capture_on_commit_callbacks(execute=True):
        assert operator_client.post(url, data).status_code == 302
    second = Organization.objects.get(pk=org_a.pk).logo
    assert second.name != first.name and second.storage.exists(second.name)
    assert not first.storage.exists(first.name)
