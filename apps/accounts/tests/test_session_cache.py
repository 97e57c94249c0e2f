"""A session's cached copy lives five minutes at most, so a sign-out made while Redis was
unreachable (the database row deleted, the cache's delete ignored) cannot revive it for longer."""

from __future__ import annotations

from django.core.cache import cache

from apps.accounts.session_store import CACHED_SESSION_SECONDS, SessionStore


def _lifetime(key: str) -> float:
    if hasattr(cache, "ttl"):  # django-redis: the server's own countdown
        return cache.ttl(key)
    import time

    return cache._expire_info[cache.make_key(key)] - time.time()  # type: ignore[attr-defined]  # locmem


def test_a_cached_session_lives_five_minutes_at_most(org_a):
    with org_a:
        store = SessionStore()
        store["who"] = "someone"
        store.set_expiry(12 * 3600)
        store.save()
        assert 0 < _lifetime(store.cache_key) <= CACHED_SESSION_SECONDS

        # Read back after the cache lost it: the copy put back is capped too.
        cache.delete(store.cache_key)
        again = SessionStore(store.session_key)
        assert again["who"] == "someone"
        assert 0 < _lifetime(store.cache_key) <= CACHED_SESSION_SECONDS


def test_a_session_deleted_behind_the_caches_back_is_gone_once_its_copy_expires(org_a):
    with org_a:
        store = SessionStore()
        store["who"] = "someone"
        store.save()
        # The database row goes, the cached copy stays (what a sign-out sees with Redis down).
        store.__class__.__mro__[1].__mro__[1].delete(store, store.session_key)
        assert SessionStore(store.session_key).get("who") == "someone"
        cache.delete(store.cache_key)  # the copy's five minutes are up
        assert SessionStore(store.session_key).get("who") is None
