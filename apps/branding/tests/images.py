"""Real image bytes made with Pillow, for the upload tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (120, 60), colour=(30, 64, 175), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_exif() -> bytes:
    """A JPEG whose EXIF says where and by whom it was taken, and that it is rotated."""
    exif = Image.Exif()
    exif[0x010E] = "secret-description"  # ImageDescription
    exif[0x013B] = "secret-artist"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    return image_bytes("JPEG", size=(200, 100), exif=exif.tobytes())


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
