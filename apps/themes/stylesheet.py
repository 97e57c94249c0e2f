"""The organization's stylesheet: the branding's variables (apps/tenants/theme.py), then
the active custom theme's, then its CSS, under a URL that names a hash of the whole.

Every page links it and every page view may fetch it, so building it costs one cache read:
the active theme's part is kept in the shared cache per organization (the cache keys carry
the schema) and dropped by every service that changes themes, and the joined stylesheet is
kept in this process by the hashes of its two parts.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from apps.tenants import theme
from apps.themes import variables
from apps.themes.models import CustomTheme

CACHE_KEY = "themes:active"
# Dropped on every change; the timeout only bounds what a missed drop could cost.
CACHE_SECONDS = 24 * 3600
_MAX_BUILT = 512


@dataclass(frozen=True)
class Stylesheet:
    css: str
    version: str


_built: dict[tuple[str, str], Stylesheet] = {}
_lock = threading.Lock()


def theme_css(custom: CustomTheme) -> str:
    """One theme's part of the stylesheet: its variables, then its (already rebuilt) CSS."""
    parts = []
    declared = variables.declarations(custom.css_variables)
    if declared:
        parts.append(f":root{{{declared}}}")
    if custom.custom_css:
        parts.append(custom.custom_css)
    return "\n".join(parts)


def _digest(css: str) -> str:
    return hashlib.sha256(css.encode()).hexdigest()[:12]


def _active_part() -> tuple[str, str]:
    """(digest, css) of the active custom theme's part; ("", "") when none is active."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        active = CustomTheme.objects.filter(is_active=True).only("css_variables", "custom_css").first()
        css = theme_css(active) if active else ""
        cached = (_digest(css) if css else "", css)
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def forget() -> None:
    """Drop the cached part now and again after commit: a request that read the old rows in
    between would otherwise cache them until the timeout."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def join(branding: theme.Theme, digest: str, custom_css: str) -> Stylesheet:
    key = (branding.version, digest)
    built = _built.get(key)
    if built is None:
        css = branding.css + ("\n" + custom_css if custom_css else "")
        built = Stylesheet(css=css, version=_digest(css))
        with _lock:
            if len(_built) >= _MAX_BUILT:
                _built.clear()
            _built[key] = built
    return built


def for_organization(organization) -> Stylesheet:
    """The stylesheet the organization's pages link; call it in the organization's schema."""
    branding = theme.for_organization(organization)
    if organization is None:
        return Stylesheet(css=branding.css, version=branding.version)
    digest, css = _active_part()
    return join(branding, digest, css)


def for_preview(organization, custom: CustomTheme) -> str:
    """The stylesheet as it would be with this theme active (the preview's)."""
    css = theme_css(custom)
    return theme.for_organization(organization).css + ("\n" + css if css else "")
