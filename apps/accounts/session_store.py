"""Sessions read through the shared cache, each cached copy kept for five minutes at most.

Django's cached_db backend caches a session for its whole life (twelve hours here). When
Redis is unreachable the cache ignores errors (settings: REDIS_CACHE_OPTIONS), so a sign-out
or a revoked session deletes the database row but leaves the cached copy in Redis, and once
Redis is back that copy would sign the session in again. Capping the cached copy's life
bounds that to five minutes, at the cost of one database read per session every five minutes.
"""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

CACHED_SESSION_SECONDS = 300


class _Capped:
    """The session cache, with every write's lifetime capped."""

    def __init__(self, cache):
        self._cache = cache

    def set(self, key, value, timeout=None, **kwargs):
        return self._cache.set(key, value, _cap(timeout), **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        return await self._cache.aset(key, value, _cap(timeout), **kwargs)

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache


def _cap(timeout):
    return CACHED_SESSION_SECONDS if timeout is None else min(timeout, CACHED_SESSION_SECONDS)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Capped(self._cache)
