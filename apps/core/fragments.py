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

from django.db import connection

from apps.core.versions import table_versions

MAX_CHARS = 32 * 1024 * 1024
_entries: OrderedDict[tuple, str] = OrderedDict()
_size = 0
_lock = threading.Lock()


def cached(key: tuple, *, tables: tuple[str, ...], render: Callable[[], str]) -> str:
    global _size
    full_key = (connection.schema_name, key, table_versions(*tables))
    with _lock:
        html = _entries.get(full_key)
        if html is not None:
            _entries.move_to_end(full_key)
            return html
    html = render()
    with _lock:
        if full_key not in _entries:
            _entries[full_key] = html
            _size += len(html)
            while _size > MAX_CHARS and _entries:
                _old_key, old = _entries.popitem(last=False)
                _size -= len(old)
    return html


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0


# Rendered in place of the request's CSRF token, which is swapped in on the way out (a
# token is per visitor; the forms around it are not).
_CSRF_PLACEHOLDER = "csrf-placeholder-6f1c2b"


def cached_template(request, template: str, *, key: tuple, tables: tuple[str, ...], context: Callable[[], dict]) -> str:
    """`template` rendered with `context()`, reused for the same language, query string and
    `key` while `tables` are unchanged. The template may read request.GET (pagination links)
    and use {% csrf_token %}, but nothing else about the request or the viewer beyond what
    `key` names."""
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    def render() -> str:
        return render_to_string(template, {**context(), "csrf_token": _CSRF_PLACEHOLDER}, request=request)

    full_key = (template, get_language(), tuple(sorted((k, tuple(v)) for k, v in request.GET.lists())), *key)
    html = cached(full_key, tables=tables, render=render)
    if _CSRF_PLACEHOLDER in html:
        html = html.replace(_CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - the template's own output, escaped as it rendered
