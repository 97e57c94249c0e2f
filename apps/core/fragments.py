"""Rendered HTML kept in the worker's memory while the tables it shows stand still.

`cached(key, tables=..., render=...)` returns what `render()` made the last time for the same
key and the same table versions (`apps.core.versions`), or renders now. The key must name
everything else the HTML depends on: the language, the query, the page, what the viewer may
see and do. Nothing personal to a request (CSRF tokens, nonces) may be inside.

Kept in process memory, not Redis: these fragments hold PHI (client names, birth dates), which
this way never leave the process that was allowed to read them. Bounded by total size;
least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpResponse

from apps.core.tenancy import schema_name
from apps.core.versions import table_versions

MAX_CHARS = 32 * 1024 * 1024
T = TypeVar("T", str, tuple[str, ...])
_entries: OrderedDict[tuple, str | tuple[str, ...]] = OrderedDict()
_size = 0
_lock = threading.Lock()


def cached(key: tuple, *, tables: tuple[str, ...], render: Callable[[], T], versions: dict | None = None) -> T:
    """`render()`'s value (a string, or a tuple of strings) for `key` at the tables' versions
    (`versions`: already read for several fragments at once, {table: version})."""
    global _size
    if not settings.FRAGMENT_CACHE:
        return render()
    if versions is not None:
        current = tuple(versions.get(table, 0) for table in tables)
    else:
        current = table_versions(*tables) if tables else ()
    full_key = (schema_name(), key, current)
    with _lock:
        value = _entries.get(full_key)
        if value is not None:
            _entries.move_to_end(full_key)
            return value  # type: ignore[return-value]  # kept under the key render() made it for
    value = render()
    size = len(value) if isinstance(value, str) else sum(len(part) for part in value)
    with _lock:
        if full_key not in _entries:
            _entries[full_key] = value
            _size += size
            while _size > MAX_CHARS and _entries:
                _old_key, old = _entries.popitem(last=False)
                _size -= len(old) if isinstance(old, str) else sum(len(part) for part in old)
    return value


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0


def cached_template(
    request,
    template: str,
    *,
    key: tuple,
    tables: tuple[str, ...],
    context: Callable[[], dict],
    versions: dict | None = None,
) -> str:
    """`template` rendered with `context()`, reused for the same language, time zone, query
    string and `key` while `tables` are unchanged (`versions`: as for cached()). The template may read request.GET
    (pagination links) and use {% csrf_token %}, but nothing else about the request or the
    viewer beyond what `key` names."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from apps.core import shell

    def render() -> str:
        # The token is per visitor, the forms around it are not: filled in on the way out.
        return render_to_string(template, {**context(), "csrf_token": shell.CSRF}, request=request)

    html = cached(_request_key(request, template, key), tables=tables, render=render, versions=versions)
    return mark_safe(shell.fill(html, request))  # noqa: S308 - the template's own output, escaped as it rendered # nosec B308, B703


def cached_page(
    request,
    template: str,
    *,
    key: tuple,
    tables: tuple[str, ...],
    context: Callable[[], dict],
    label: Callable[[dict], str] | None = None,
) -> tuple[HttpResponse, str]:
    """A whole page (`template` extends base.html), kept as cached_template keeps a fragment,
    with everything the frame shows (`apps.core.shell.page_key`) added to the key. Returns the
    response and `label(context)`, a string kept beside the page (the name of what it shows,
    for the access log), so a repeat visit needs nothing else from the database.

    A request with messages waiting is rendered afresh: messages are shown once."""
    from django.contrib.messages import get_messages
    from django.template.loader import render_to_string

    from apps.core import shell

    if len(get_messages(request)):
        values = context()
        return HttpResponse(render_to_string(template, values, request=request)), label(values) if label else ""

    def render() -> tuple[str, str]:
        values = context()
        html = render_to_string(
            template,
            {**values, "csrf_token": shell.CSRF, "stylesheet_url": shell.STYLESHEET, shell.DEFERRED: True},
            request=request,
        )
        return html, label(values) if label else ""

    full_key = (*_request_key(request, template, key), shell.page_key(request))
    html, name = cached(full_key, tables=tables, render=render)
    return HttpResponse(shell.fill(html, request)), name


def _request_key(request, template: str, key: tuple) -> tuple:
    from django.utils.timezone import get_current_timezone_name
    from django.utils.translation import get_language

    # The language and time zone the page is drawn in (the organization's zone may change).
    return (
        template,
        get_language(),
        get_current_timezone_name(),
        tuple(sorted((k, tuple(v)) for k, v in request.GET.lists())),
        *key,
    )
