"""The header navigation. Apps register their entries in AppConfig.ready().

Core knows nothing of the apps; each app says what it adds, which permission hides it, and
where it sorts, so the shell never needs editing when an app lands.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    permission: str | None = None
    # Shown to whoever holds at least one of these (an entry leading to pages that each need
    # their own permission, such as the reports).
    any_permissions: tuple[str, ...] = ()
    order: int = 100
    requires_login: bool = True


_registry: dict[str, NavItem] = {}
# The registry in display order, with each entry's URL (None where the URLconf lacks it),
# per URLconf and script prefix: reversing a dozen names cost every page about a millisecond.
_resolved: dict[tuple, list[tuple[NavItem, str | None]]] = {}


def register(item: NavItem) -> None:
    _registry[item.key] = item
    _resolved.clear()


def _entries() -> list[tuple[NavItem, str | None]]:
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    entries = _resolved.get(key)
    if entries is None:
        entries = []
        for item in sorted(_registry.values(), key=lambda i: (i.order, i.key)):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                # An entry for the other urlconf (public vs organization) is simply not shown.
                url = None
            entries.append((item, url))
        _resolved[key] = entries
    return entries


def items_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    current = request.path
    entries = []
    for item, url in _entries():
        if url is None or (item.requires_login and not authenticated):
            continue
        if item.permission and not (user is not None and authenticated and user.has_perm(item.permission)):
            continue
        if item.any_permissions and not (
            user is not None and authenticated and any(user.has_perm(name) for name in item.any_permissions)
        ):
            continue
        active = current == url if url == "/" else current.startswith(url)
        entries.append({"key": item.key, "label": item.label, "url": url, "active": active})
    return entries
