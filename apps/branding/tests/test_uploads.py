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
