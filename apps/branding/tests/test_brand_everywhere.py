"""The organization's brand beyond its pages: the admin, emails, PDFs and the favicon."""

import io

import pytest
from django.core import mail
from PIL import Image
from pypdf import PdfReader

from apps.branding import services
from apps.branding.tests.images import image_bytes, upload
from apps.tenants import theme
from apps.tenants.models import Organization
from apps.themes import stylesheet
from conftest import signed_in


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _brand(org, **changes) -> Organization:
    values = {
        # Light enough that the readable text on it is near-black, not white (still 3:1 on the page).
        "primary_color": "#d97706",
        "secondary_color": "#0f766e",
        "font_family": "Atkinson Hyperlegible",
        "logo": upload(image_bytes(size=(300, 100), colour=(200, 30, 30))),
        "favicon": upload(image_bytes(size=(32, 32), colour=(0, 128, 0))),
        **changes,
    }
    services.branding_update(organization=org, **values)
    return Organization.objects.get(pk=org.pk)


def test_the_admin_shows_the_organizations_name_logo_and_stylesheet(org_a):
    org = _brand(org_a)
    html = signed_in(org_a, "admin").get("/admin/").content.decode()
    assert org.name in html
    assert 'class="admin-brand-logo" src="/logo.png?v=' in html
    # The same stylesheet as the app pages: the branding and the active custom theme.
    with org:
        version = stylesheet.for_organization(org).version
    assert f'<link rel="stylesheet" href="/theme-{version}.css">' in html


def test_app_pages_and_sign_in_carry_the_logo_and_the_stylesheet(org_a, client_a):
    from apps.core import shell

    org = _brand(org_a)
    with org:
        # The organization's stylesheet, named by the hash of its content: the brand's colours
        # and font (and the active custom theme, none here).
        version = stylesheet.for_organization(org).version
    for client, path in ((signed_in(org_a, "dsp"), "/"), (client_a, "/accounts/sign-in/")):
        html = client.get(path).content.decode()
        assert f'src="{shell.logo_url(org)}"' in html, path
        assert f"/theme-{version}.css" in html, path
        assert f'<link rel="icon" href="{shell.favicon_url(org)}">' in html, path


def test_the_stylesheet_loads_the_chosen_self_hosted_font(org_a, client_a):
    org = _brand(org_a)
    css = client_a.get(f"/theme.css?v={theme.for_organization(org).version}").content.decode()
    assert css.count("@font-face") == 2
    assert 'font-family:"Atkinson Hyperlegible"' in css
    assert "/static/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-700-normal.woff2" in css
    assert "--sl-on-primary:#111827" in css
    # Amber links on a light page would not read (AA): links and the like use a darker amber.
    assert f"--sl-primary-ink:{theme.ink_on_page('#d97706')};" in css and "--sl-primary-ink:#d97706" not in css
    assert "http" not in css  # no font CDN, nothing from another host


def test_the_logo_and_favicon_urls_serve_the_organizations_own_images(org_a, client_a):
    _brand(org_a)
    for path, size in (("/logo.png", (300, 100)), ("/favicon.ico", (64, 64))):
        response = client_a.get(path)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert "max-age=3600" in response["Cache-Control"]
        assert Image.open(io.BytesIO(response.content)).size == size


def test_an_organization_without_images_gets_starlines_mark(client_b):
    for path in ("/logo.png", "/favicon.ico"):
        response = client_b.get(path)
        assert response.status_code == 302 and response["Location"].endswith("img/favicon.svg")


def test_the_email_layout_carries_the_logo_colour_and_readable_text(org_a, client_a):
    _brand(org_a)
    client_a.post("/accounts/password/reset/", {"email": "admin@alpha.test"})
    assert len(mail.outbox) == 1
    html = mail.outbox[0].alternatives[0][0]
    assert "Alpha Community Living" in html
    assert "background:#d97706;color:#111827" in html  # the header, and the button
    assert "color:#ffffff" not in html
    assert f"http://{org_a.primary_host}" in html and "/logo.png?v=" in html


def test_a_billing_summary_pdf_prints_the_organizations_name_and_logo(org_a):
    org = _brand(org_a, primary_color="#7c3aed")
    response = signed_in(org_a, "admin").get("/billing/summary.pdf", {"month": "2026-10"})
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert org.name in first.extract_text()
    assert len(first.images) == 1  # the logo
    assert first.images[0].image.size == (300, 100)


def test_a_stored_file_that_is_not_named_as_an_image_is_never_served_from_the_host(org_a, client_a):
    from django.core.files.storage import default_storage

    name = default_storage.save("public/branding/old/logo.html", io.BytesIO(b"<script>alert(1)</script>"))
    Organization.objects.filter(pk=org_a.pk).update(logo=name, favicon=name)
    for path in ("/logo.png", "/favicon.ico"):
        response = client_a.get(path)
        assert response.status_code == 302 and response["Location"].endswith("img/favicon.svg"), path
