"""The curated fonts are self-hosted: their files and licences are here, and nothing points
at a font CDN."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.tenants import theme
from apps.tenants.validators import FONT_STACKS
from starline import static_headers

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
DEVICE_FONTS = {"System", "Georgia"}


def test_every_font_in_the_list_is_vendored_or_the_devices_own():
    assert set(FONT_STACKS) == set(theme.FONT_FILES) | DEVICE_FONTS


def test_each_vendored_font_has_its_woff2_files_and_its_licence():
    for family, directory in theme.FONT_FILES.items():
        for weight in theme.FONT_WEIGHTS:
            woff2 = FONTS / directory / f"{directory}-latin-{weight}-normal.woff2"
            assert woff2.read_bytes()[:4] == b"wOF2", woff2
        licence = (FONTS / directory / "OFL.txt").read_text()
        assert "SIL Open Font License" in licence, family


def test_device_fonts_need_no_font_face():
    assert theme.font_faces("System") == "" and theme.font_faces("Georgia") == ""


def test_the_preview_stylesheet_declares_the_same_faces_as_the_organization_stylesheet():
    preview = (Path(settings.BASE_DIR) / "static" / "css" / "branding-fonts.css").read_text()
    declared = set(re.findall(r'font-family: "([^"]+)"; font-style: normal; font-weight: (\d+);', preview))
    files = set(re.findall(r'url\("\.\./fonts/([^"]+)"\)', preview))
    assert declared == {(family, str(weight)) for family in theme.FONT_FILES for weight in theme.FONT_WEIGHTS}
    assert files == {
        f"{directory}/{directory}-latin-{weight}-normal.woff2"
        for directory in theme.FONT_FILES.values()
        for weight in theme.FONT_WEIGHTS
    }


def test_no_template_or_stylesheet_loads_fonts_from_another_host():
    root = Path(settings.BASE_DIR)
    for path in [*root.glob("templates/**/*.html"), *root.glob("static/css/*.css")]:
        text = path.read_text()
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", text), path


@pytest.mark.django_db
def test_font_files_answer_any_origin_and_other_static_files_do_not(client_a):
    # The theme preview is a sandboxed frame of origin null: without this header its browser
    # refuses the self-hosted fonts.
    font = client_a.get(theme.font_faces("Inter").split('url("')[1].split('")')[0], HTTP_ORIGIN="null")
    assert font.status_code == 200
    assert font["Access-Control-Allow-Origin"] == "*"
    for path in ("/static/css/starline.css", "/static/fonts/inter/OFL.txt"):
        response = client_a.get(path, HTTP_ORIGIN="null")
        assert response.status_code == 200, path
        assert "Access-Control-Allow-Origin" not in response, path


def test_hashed_font_urls_of_collected_static_files_get_the_header_too():
    headers: dict[str, str] = {}
    static_headers.add_headers(headers, "/srv/staticfiles/fonts/inter/x.woff2", "/static/fonts/inter/x.0a1b2c3d.woff2")
    assert headers == {"Access-Control-Allow-Origin": "*"}
    static_headers.add_headers(headers := {}, "/srv/staticfiles/js/x.js", "/static/js/fonts/x.woff2.js")
    assert headers == {}


def test_runserver_serves_static_files_through_whitenoise():
    # Django's own runserver handler answers /static/ without whitenoise's headers.
    from django.core.management import get_commands

    assert get_commands()["runserver"] == "whitenoise.runserver_nostatic"
