"""Uploaded logos and favicons made safe to serve: decoded, resized and written anew as PNG.

Nothing of the uploaded file is kept but its pixels. Re-encoding drops what an image file can
carry besides them (EXIF with a phone's GPS position, comments, ICC profiles, trailing bytes,
a polyglot HTML or script hidden after the image data), and a fresh PNG of a bounded size is
what every page, email and PDF then shows. SVG is refused outright: it is a document that can
hold scripts and fetch other URLs, not a picture.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What is read from an upload at most; a logo above this is not a logo.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Pixels decoded at most: a small file can declare a huge canvas (a decompression bomb).
MAX_PIXELS = 25_000_000
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


@dataclass(frozen=True)
class Kind:
    size: int
    square: bool
    basename: str


LOGO = Kind(size=512, square=False, basename="logo")
FAVICON = Kind(size=64, square=True, basename="favicon")


def _looks_like_svg(head: bytes, name: str, content_type: str) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        name.lower().endswith((".svg", ".svgz"))
        or content_type.lower().startswith("image/svg")
        or start.startswith(b"<?xml")
        or start.startswith(b"<svg")
        or b"<svg" in start[:1024]
    )


def process(upload, kind: Kind) -> ContentFile:
    """The upload as a clean PNG (logo: at most 512 px on its longer side; favicon: 64 × 64),
    or a ValidationError that says what is wrong with it."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            code="too_big",
        )
    if _looks_like_svg(data[:2048], getattr(upload, "name", "") or "", getattr(upload, "content_type", "") or ""):
        raise ValidationError(
            _("SVG images are not accepted, because they can contain scripts. Upload a PNG, JPEG, WebP or GIF."),
            code="svg",
        )
    not_an_image = ValidationError(
        _("This file is not a PNG, JPEG, WebP or GIF image (or it is damaged)."), code="not_an_image"
    )
    too_many_pixels = ValidationError(
        _("This image is too large: at most %(limit)s million pixels.") % {"limit": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit and refuses past twice that (DecompressionBombError,
            # below); ours, far lower, is checked on the declared size before anything is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        with probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(width)s × %(height)s pixels; the limit is %(limit)s million pixels.")
                    % {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            probe.verify()
        # verify() leaves the image unusable; decode it again, for real this time.
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            image.seek(0)  # an animated GIF or WebP: its first frame
            image.load()
            picture = _normalised(image)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # A canvas so large (a 30000 × 30000 PNG of a few kilobytes) that Pillow will not even open it.
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    picture = _fitted(picture, kind)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{kind.basename}.png")


def _normalised(image: Image.Image) -> Image.Image:
    """Upright (the camera's orientation applied before EXIF goes), in RGB or RGBA, and a new
    image carrying no metadata at all."""
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    mode = "RGBA" if has_alpha else "RGB"
    converted = upright.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _fitted(picture: Image.Image, kind: Kind) -> Image.Image:
    if not kind.square:
        picture.thumbnail((kind.size, kind.size), Image.Resampling.LANCZOS)
        return picture
    # A favicon is square: the picture whole, centred on a transparent square.
    contained = ImageOps.contain(picture.convert("RGBA"), (kind.size, kind.size), Image.Resampling.LANCZOS)
    square = Image.new("RGBA", (kind.size, kind.size), (0, 0, 0, 0))
    square.paste(contained, ((kind.size - contained.width) // 2, (kind.size - contained.height) // 2))
    return square
