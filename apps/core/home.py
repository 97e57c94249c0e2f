"""The signed-in home page's panels. Apps register theirs in AppConfig.ready().

Core knows nothing of clients, shifts or certifications: each app says what its panel
shows, who may see it (permissions, so custom roles work as well as system ones, and
optionally a predicate such as "has a staff record"), where it sorts, and how to fetch its
rows. The home view renders the panels the person may see, in order.

A panel's `context(request)` returns the template's context, or None to leave the panel out
(a predicate answered by the same query that fetches the rows). Each panel reads a few rows
with one or two indexed queries (`rows_and_more`: the first rows and, in the same query, how
many more for "and 12 more"), so a home's query count does not grow with the organization.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Window

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How many rows a panel lists before "and N more" with a link to the full list.
ROWS = 5


@dataclass(frozen=True)
class Panel:
    key: str
    title: StrOrPromise  # a lazy translation
    template: str
    permissions: tuple[str, ...] = ()  # all of them are needed
    order: int = 100
    context: Callable | None = None  # (request) -> dict | None
    predicate: Callable | None = None  # (request) -> bool, after the permissions
    # Every panel is kept rendered in the worker's memory (apps.core.fragments) for this
    # person while these tables stand still, and never past the minute it was drawn in, since
    # what a home shows also moves with the clock (today's shifts, what is overdue). Without
    # tables (a log-like source), for that minute only.
    tables: tuple[str, ...] = ()


# Who the person is and what they may do show in every panel: the accounts app names those
# tables (core knows no app's models) with `person_tables()` in its ready().
PERSON_TABLES: tuple[str, ...] = ()


def person_tables(tables: tuple[str, ...]) -> None:
    global PERSON_TABLES
    PERSON_TABLES = tables


@dataclass(frozen=True)
class Link:
    """A link another app adds under a panel (a report that counts what the panel lists): the
    panel's app cannot name a higher layer's page, so that layer registers it here."""

    panel: str  # the panel's key
    label: StrOrPromise  # a lazy translation
    url_name: str
    permission: str  # shown only to whoever may open the page


_registry: dict[str, Panel] = {}
_links: dict[str, list[Link]] = {}


def register(panel: Panel) -> None:
    _registry[panel.key] = panel


def register_link(link: Link) -> None:
    links = _links.setdefault(link.panel, [])
    if link not in links:
        links.append(link)


def links_for(request, key: str) -> list[dict]:
    """The links registered under the panel that this person may follow, with their URLs."""
    from django.urls import reverse

    return [
        {"label": link.label, "url": reverse(link.url_name)}
        for link in _links.get(key, [])
        if request.user.has_perm(link.permission)
    ]


def registered() -> list[Panel]:
    return sorted(_registry.values(), key=lambda p: (p.order, p.key))


def memo(request, key: str, compute: Callable):
    """One answer per request for lookups several panels share (the person's staff record)."""
    cache = request.__dict__.setdefault("_home_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def panels_for(request) -> list[dict]:
    """The panels this person may see, in display order, each with its HTML (and its context
    when it was drawn just now)."""
    from apps.core.versions import table_versions

    user = request.user
    allowed = [
        panel
        for panel in registered()
        if all(user.has_perm(perm) for perm in panel.permissions)
        and (panel.predicate is None or panel.predicate(request))
    ]
    # Every panel's tables in one read, not one query a panel.
    watched = sorted({table for panel in allowed for table in (*PERSON_TABLES, *panel.tables)})
    versions = dict(zip(watched, table_versions(*watched), strict=True)) if watched else {}
    shown = []
    for panel in allowed:
        entry: dict[str, Any] = {
            "key": panel.key,
            "title": panel.title,
            "template": panel.template,
            "context": {},
            "links": links_for(request, panel.key),
        }
        entry["html"] = _kept(request, panel, entry, versions)
        if entry["html"]:
            shown.append(entry)
    return shown


def _kept(request, panel: Panel, entry: dict, versions: dict) -> str:
    """The panel's HTML for this person, language, zone and minute at its tables' versions
    ("" when its context leaves it out); CSRF tokens filled in per request."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.timezone import get_current_timezone_name
    from django.utils.translation import get_language

    from apps.core import clock, fragments, shell

    def render() -> str:
        context = panel.context(request) if panel.context is not None else {}
        if context is None:
            return ""
        entry["context"] = context
        return render_to_string(panel.template, {**context, "csrf_token": shell.CSRF}, request=request)

    minute = clock.now(getattr(request, "organization", None)).strftime("%Y-%m-%dT%H:%M")
    key = ("home", panel.key, request.user.pk, get_language(), get_current_timezone_name(), minute)
    html = fragments.cached(key, tables=(*PERSON_TABLES, *panel.tables), render=render, versions=versions)
    # The panel's own template output, escaped as it rendered; its CSRF tokens this request's.
    return mark_safe(shell.fill(html, request)) if html else ""  # noqa: S308 - the panel's template output, escaped as it rendered (above) # nosec B308, B703


def rows_and_more(queryset, *, limit: int = ROWS, cap: int | None = None) -> dict:
    """The first `limit` rows and how many more match, in one query whatever the count (a
    window count over the same filter), so a home's query count never depends on its data.

    With `cap`, the count stops there ("capped": at least that many): the window then counts
    the first `cap` matches only, which an index in the list's order finds without reading
    every match. A list that grows with the years (visits without their note) costs the same
    on the tenth year as on the first."""
    if cap is not None:
        queryset = queryset.filter(pk__in=queryset.values("pk")[:cap])
    rows = list(queryset.annotate(_home_total=Window(Count("pk")))[:limit])
    total = rows[0]._home_total if rows else 0
    return {"rows": rows, "more": max(total - len(rows), 0), "capped": cap is not None and total >= cap}
