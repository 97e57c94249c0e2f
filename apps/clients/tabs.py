"""Tabs of a client's page that apps above clients add (documentation's notes and forms):
registered in their AppConfig.ready(), since clients may not import them. The header shows a
registered tab to whom `shown(user, client)` allows; the keys shown are part of the page's
cache key (selectors.tab_flags)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Tab:
    key: str
    label: StrOrPromise
    url_name: str  # takes the client's pk
    shown: Callable[[Any, Any], bool]
    order: int = 100


_registry: dict[str, Tab] = {}


def register(tab: Tab) -> None:
    _registry[tab.key] = tab


def shown_keys(user, client) -> tuple[str, ...]:
    return tuple(tab.key for tab in sorted(_registry.values(), key=lambda t: t.order) if tab.shown(user, client))


def links(keys: tuple[str, ...], client_pk) -> list[dict]:
    return [
        {"key": key, "label": _registry[key].label, "url": reverse(_registry[key].url_name, args=[client_pk])}
        for key in keys
        if key in _registry
    ]
