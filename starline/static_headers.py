"""Extra headers on static files (whitenoise's WHITENOISE_ADD_HEADERS_FUNCTION).

The theme preview is a sandboxed frame, so its origin is "null" and a font it asks for is a
cross-origin request that the browser refuses without an Access-Control-Allow-Origin answer.
The self-hosted fonts are public (OFL, the same for every organization), so they say `*`;
nothing else does, so no other static file becomes readable by other sites' scripts.
"""

from __future__ import annotations

FONTS_PREFIX = "fonts/"
FONT_SUFFIX = ".woff2"


def add_headers(headers, path: str, url: str) -> None:
    # `url` is the file's URL (with its hash in production); it starts with STATIC_URL.
    from django.conf import settings

    relative = url[len(settings.STATIC_URL) :] if url.startswith(settings.STATIC_URL) else ""
    if relative.startswith(FONTS_PREFIX) and relative.endswith(FONT_SUFFIX):
        headers["Access-Control-Allow-Origin"] = "*"
