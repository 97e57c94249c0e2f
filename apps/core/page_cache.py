"""A small in-process cache for pages that look the same to every anonymous visitor.

Public pages (an organization's welcome page, the platform landing page) carry no CSRF
token, no nonce and nothing about the visitor, so their HTML depends only on the host's
organization, its last change, the language and the path. Keeping it in the worker's
memory turns a template render into a dictionary read.

Anything that could make the page personal bypasses the cache both ways: a signed-in
user, a session or messages cookie on the request, messages shown or queued while
rendering, or a CSRF cookie being issued.
"""

from __future__ import annotations

import threading
import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse

from apps.core.tenancy import schema_name

_MAX_ENTRIES = 512
_entries: dict[tuple, tuple[float, bytes, dict]] = {}
_lock = threading.Lock()
_KEPT_HEADERS = ("Content-Type", "Content-Language")
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _key(request) -> tuple:
    organization = getattr(request, "organization", None)
    return (
        schema_name(),
        organization.updated_at if organization is not None else None,
        getattr(request, "LANGUAGE_CODE", None),
        request.get_full_path(),
    )


def _is_personal_request(request) -> bool:
    return (
        request.method != "GET"
        or any(name in request.COOKIES for name in _PERSONAL_COOKIES)
        or request.user.is_authenticated
    )


def _rendered_something_personal(request) -> bool:
    storage = getattr(request, "_messages", None)
    used_messages = storage is not None and (storage.used or getattr(storage, "_queued_messages", None))
    return bool(used_messages) or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def anonymous_page(seconds: int = 60):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if _is_personal_request(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            now = time.monotonic()
            hit = _entries.get(key)
            if hit is not None and hit[0] > now:
                return HttpResponse(hit[1], headers=hit[2])
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200 and not _rendered_something_personal(request):
                with _lock:
                    if len(_entries) >= _MAX_ENTRIES:
                        _entries.clear()
                    headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
                    _entries[key] = (now + seconds, response.content, headers)
            return response

        return wrapped

    return decorator


def clear() -> None:
    with _lock:
        _entries.clear()
