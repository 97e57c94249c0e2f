"""Per-address rate limits on the pages where a secret is guessed: sign-in, password reset,
and the pages opened by a token in the address (invitations, email verification, signing
links, calendar feeds).

Counts are fixed windows kept in the shared cache (Redis), so every worker sees the same
count. When the cache fails (Redis down), counting carries on in this process instead of
letting every request through or refusing them all: a restart of Redis must not open the
sign-in page to unlimited guessing, nor lock everyone out.

Each count is per scope (which kind of page), per host (each organization's, and the
platform's, counted apart) and per client address.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'30/5m' is 30 requests in 5 minutes; '10/h' 10 in an hour; '100/60' 100 in 60 seconds."""
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"Not a rate: {text!r} (expected e.g. 30/5m, 10/h, 100/60).")
        count, amount, unit = match.groups()
        seconds = int(amount or 1) * _UNITS[unit or "s"]
        if seconds <= 0:
            raise ValueError(f"Not a rate: {text!r} (the period must be longer than nothing).")
        return cls(limit=int(count), seconds=seconds)


def rate_for(scope: str) -> Rate:
    return Rate.parse(settings.THROTTLE_RATES[scope])


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from (None when there is no valid one, as for a request
    made up in code); django-axes reads it too (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR unless THROTTLE_TRUST_X_FORWARDED_FOR says a proxy of ours sits in front:
    then the right-most X-Forwarded-For entry, the one that proxy appended (entries to its
    left are whatever the client claimed). Exposed directly, the header is the client's own
    invention, and trusting it would let anyone pick a fresh address per request."""
    if settings.THROTTLE_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1]
        if forwarded.strip():
            return _address(forwarded)
    return _address(str(request.META.get("REMOTE_ADDR") or ""))


class _LocalCounter:
    """Fixed-window counts in this process: the fallback when the shared cache fails."""

    # Beyond this many live keys the expired ones are dropped, so a flood of addresses
    # cannot grow the dict for ever.
    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def incr(self, key: str, seconds: int, now: float) -> int:
        with self._lock:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
                if len(self._counts) >= self.MAX_KEYS:
                    # Still full of live keys: forget the oldest half rather than grow.
                    keep = sorted(self._counts.items(), key=lambda kv: kv[1][0])[self.MAX_KEYS // 2 :]
                    self._counts = dict(keep)
            expires, count = self._counts.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + seconds, 0
            count += 1
            self._counts[key] = (expires, count)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_local = _LocalCounter()


def clear_local() -> None:
    """Forget the in-process counts (tests: each starts with none)."""
    _local.clear()


@dataclass(frozen=True)
class Refusal:
    scope: str
    retry_after: int


def _count(key: str, seconds: int, now: float) -> int:
    try:
        cache = caches[settings.THROTTLE_CACHE]
        # add() starts the window only if it has not started; incr() is atomic in Redis.
        cache.add(key, 0, timeout=seconds)
        count = cache.incr(key)
    except Exception:
        count = None
    if count is None:
        # Any failure of the cache (connection refused, timeout, a key evicted between add
        # and incr): count here rather than wave the request through. The Redis cache is
        # configured to swallow its connection errors (IGNORE_EXCEPTIONS, so pages serve
        # with Redis down): then incr() answers None rather than raising.
        _warn_once_a_minute(now)
        return _local.incr(key, seconds, now)
    return count


_warned_at = [0.0]


def _warn_once_a_minute(now: float) -> None:
    # Said once a minute, not once a request: while Redis is down every request gets here.
    if now - _warned_at[0] >= 60:
        _warned_at[0] = now
        logger.warning("Rate-limit cache unavailable; counting in this process.", exc_info=True)


def hit(request: HttpRequest, scope: str) -> Refusal | None:
    """Count one request against `scope`'s limit; a Refusal when it is over."""
    rate = rate_for(scope)
    if rate.limit <= 0:
        return None
    now = time.time()
    window = int(now // rate.seconds)
    host = request.get_host().split(":")[0].lower()
    key = f"throttle:{scope}:{host}:{client_ip(request) or 'unknown'}:{window}"
    if _count(key, rate.seconds, now) <= rate.limit:
        return None
    retry_after = max(1, int((window + 1) * rate.seconds - now) + 1)
    return Refusal(scope=scope, retry_after=retry_after)


def too_many_requests(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """429 with Retry-After: the branded page, or for htmx a fragment to show in place."""
    minutes = max(1, -(-refusal.retry_after // 60))
    if request.headers.get("HX-Request") == "true":
        response = render(request, "partials/_too_many_requests.html", {"minutes": minutes}, status=429)
    else:
        response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def throttled(scope: str, *, methods: Iterable[str] = ("POST",)) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a view's requests of these methods per address (THROTTLE_RATES[scope]).

    Only POSTs by default: showing a form costs nothing and guesses nothing. Pages whose
    address holds the secret (a token) count their GETs as well."""
    counted = frozenset(m.upper() for m in methods)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method in counted:
                refusal = hit(request, scope)
                if refusal is not None:
                    return too_many_requests(request, refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@checks.register(checks.Tags.security)
def check_rates(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A rate that does not parse is found at start-up, not at someone's first sign-in."""
    errors: list[checks.CheckMessage] = []
    for scope, text in settings.THROTTLE_RATES.items():
        try:
            Rate.parse(text)
        except ValueError as exc:
            errors.append(checks.Error(f"THROTTLE_RATES[{scope!r}]: {exc}", id="starline.E101"))
    return errors
