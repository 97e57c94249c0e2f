"""The brand's font reaches the PDFs: each branded document embeds the organization's
self-hosted font, read from the vendored woff2 files, with DejaVu for what it lacks; a font
the server has no file for prints in DejaVu. The renderer reads no other file."""

from __future__ import annotations

import pytest

from apps.core import pdf
from apps.core.tests.pdf_fonts import embeds, font_names
from apps.tenants import theme
from apps.tenants.models import Organization
from conftest import signed_in


def _set_font(org, font: str) -> None:
    Organization.objects.filter(pk=org.pk).update(font_family=font)
    org.font_family = font


@pytest.mark.parametrize("font", ["Lato", "Source Sans 3"])
def test_a_billing_summary_embeds_the_organizations_font(org_a, font):
    _set_font(org_a, font)
    response = signed_in(org_a, "admin").get("/billing/summary.pdf", {"month": "2026-10"})
    assert response.status_code == 200
    assert embeds(response.content, font), font_names(response.content)


def test_a_font_without_files_prints_in_dejavu(org_a):
    _set_font(org_a, "System")
    response = signed_in(org_a, "admin").get("/billing/summary.pdf", {"month": "2026-10"})
    names = font_names(response.content)
    assert names and all(name.startswith("DejaVu") for name in names), names


@pytest.mark.parametrize(
    ("font", "stack"), [("Georgia", '"DejaVu Serif", serif'), ("System", '"DejaVu Sans", sans-serif')]
)
def test_fonts_the_server_lacks_fall_back_to_dejavu(font, stack):
    assert theme.pdf_font_faces(font) == ""
    assert theme.pdf_font_stack(font) == stack


def test_every_listed_font_has_both_files_where_the_pdfs_read_them():
    for font, directory in theme.FONT_FILES.items():
        css = theme.pdf_font_faces(font)
        assert css.count("@font-face") == 2, font
        for weight in theme.FONT_WEIGHTS:
            url = pdf.font_file_url(f"{directory}/{directory}-latin-{weight}-normal.woff2")
            assert url in css and pdf._is_vendored_font(url), url


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        pdf.font_file_url("inter/../../../starline/settings.py"),
        pdf.font_file_url("inter/OFL.txt"),
        pdf.font_file_url("inter/missing.woff2"),
        "file://example.org" + pdf.font_file_url("inter/inter-latin-400-normal.woff2")[7:],
        "http://127.0.0.1/fonts/inter-latin-400-normal.woff2",
    ],
)
def test_the_renderer_reads_no_other_file_nor_any_host(url):
    with pytest.raises(ValueError):
        pdf._fetcher().fetch(url)


def test_the_renderer_reads_a_vendored_font():
    url = pdf.font_file_url("inter/inter-latin-400-normal.woff2")
    response = pdf._fetcher().fetch(url)
    try:
        assert response.read(4) == b"wOF2"
    finally:
        response.close()
