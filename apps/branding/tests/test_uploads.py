"""Logos and favicons: only real images, re-encoded as clean PNGs of a bounded size."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from apps.branding.tests.images import SVG, image_bytes, jpeg_with_exif, upload
from apps.tenants import images as processing


def _decoded(content) -> Image.Image:
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def test_a_png_logo_comes_back_as_a_png():
    result = processing.process(upload(image_bytes()), processing.LOGO)
    image = _decoded(result)
    assert image.format == "PNG" and image.size == (120, 60)
    assert result.name == "logo.png"


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("JPEG", "logo.jpg", "image/jpeg"),
        ("WEBP", "logo.webp", "image/webp"),
        ("GIF", "logo.gif", "image/gif"),
    ],
)
def test_jpeg_webp_and_gif_are_re_encoded_as_png(fmt, name, content_type):
    result = processing.process(upload(image_bytes(fmt), name, content_type), processing.LOGO)
    assert _decoded(result).format == "PNG"


def test_metadata_is_stripped_and_the_orientation_applied():
    result = processing.process(upload(jpeg_with_exif(), "photo.jpg", "image/jpeg"), processing.LOGO)
    data = result.read()
    assert b"secret-description" not in data and b"secret-artist" not in data
    image = Image.open(io.BytesIO(data))
    assert "exif" not in image.info and not image.getexif()
    # 200 × 100 with "rotate 90°": upright it is 100 × 200.
    assert image.size == (100, 200)


def test_a_huge_logo_is_resized_to_512_pixels_on_its_longer_side():
    result = processing.process(upload(image_bytes(size=(4000, 3000))), processing.LOGO)
    assert _decoded(result).size == (512, 384)


def test_a_favicon_becomes_a_64_pixel_square_with_the_picture_whole():
    image = _decoded(processing.process(upload(image_bytes(size=(300, 100))), processing.FAVICON))
    assert image.size == (64, 64) and image.mode == "RGBA"
    assert image.getpixel((32, 32))[3] == 255  # the picture, centred
    assert image.getpixel((32, 2))[3] == 0  # transparent above it


def _refusal(data: bytes, name="logo.png", content_type="image/png") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        processing.process(upload(data, name, content_type), processing.LOGO)
    return caught.value


def test_svg_is_refused_with_a_clear_message_whatever_it_is_called():
    for name, content_type in (("logo.svg", "image/svg+xml"), ("logo.png", "image/png")):
        refusal = _refusal(SVG, name, content_type)
        assert refusal.code == "svg" and "SVG" in refusal.messages[0]


def test_a_file_that_only_claims_to_be_a_png_is_refused():
    refusal = _refusal(b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20)
    assert refusal.code == "not_an_image"
    assert _refusal(b"<html><script>alert(1)</script></html>").code == "not_an_image"


def test_a_truncated_image_is_refused():
    assert _refusal(image_bytes("JPEG", size=(400, 400))[:300], "x.jpg", "image/jpeg").code == "not_an_image"


def test_other_image_formats_pillow_reads_are_refused():
    assert _refusal(image_bytes("BMP"), "logo.bmp", "image/bmp").code == "not_an_image"


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(processing, "MAX_UPLOAD_BYTES", 1000)
    refusal = _refusal(image_bytes("PNG", size=(400, 400), compress_level=0))
    assert refusal.code == "too_big"


def test_a_small_file_declaring_a_huge_canvas_is_refused():
    data = image_bytes(size=(6000, 5000))
    assert len(data) < processing.MAX_UPLOAD_BYTES
    assert _refusal(data).code == "too_many_pixels"


def _png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header declaring the canvas, with one tiny compressed row: a few hundred
    bytes that would decode to gigabytes (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [30000, 10000])
def test_a_decompression_bomb_is_refused_as_too_large_not_as_damaged(side):
    # 30000² is past Pillow's own hard limit (it will not open it); 10000² only past its warning.
    refusal = _refusal(_png_declaring(side, side))
    assert refusal.code == "too_many_pixels"
    assert f"{processing.MAX_PIXELS // 1_000_000} million pixels" in refusal.messages[0]
    assert "damaged" not in refusal.messages[0]


@pytest.mark.django_db
def test_the_bomb_is_refused_next_to_the_logo_field_in_english_and_spanish(org_a):
    from apps.branding.tests.test_page import URL, _form
    from conftest import signed_in

    client = signed_in(org_a, "admin")
    bomb = upload(_png_declaring(30000, 30000))
    html = client.post(URL, _form(logo=bomb)).content.decode()
    assert "This image is too large: at most 25 million pixels." in html
    client.cookies["django_language"] = "es"
    html = client.post(URL, _form(logo=upload(_png_declaring(30000, 30000)))).content.decode()
    assert "Esta imagen es demasiado grande: como máximo 25 millones de píxeles." in html
