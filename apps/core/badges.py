"""Counts in the header beside the menu (the notification bell's unread count).

Core draws the header but knows nothing of the apps above it: an app registers its badge in
AppConfig.ready() with the partial that draws it and a function that counts, and the header
draws every registered badge for a signed-in person on an organization's site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Badge:
    key: str
    template: str  # drawn with `count` in its context
    count: Callable[[Any], int | None]  # the request's count; read from a cache, it runs per page
    order: int = 100


_registry: dict[str, Badge] = {}


def register(badge: Badge) -> None:
    _registry[badge.key] = badge


def shown(request: HttpRequest) -> list[tuple[Badge, int | None]]:
    """Each badge with its count, for a signed-in person on an organization's site; none on
    the platform's own site or before signing in."""
    user = getattr(request, "user", None)
    # The public site's requests carry organization None (the tenants middleware sets it).
    if getattr(request, "organization", None) is None or user is None or not user.is_authenticated:
        return []
    return [(badge, badge.count(request)) for badge in sorted(_registry.values(), key=lambda b: (b.order, b.key))]


def key(shown_badges: list[tuple[Badge, int | None]]) -> tuple:
    return tuple((badge.key, count) for badge, count in shown_badges)
