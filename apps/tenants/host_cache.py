"""Host name → organization, cached per process.

The lookup runs on every request; a per-process dictionary with a short TTL
(TENANT_HOST_CACHE_SECONDS) turns it into a dictionary read. The provisioning service
clears it when domains or organizations change; other processes pick the change up
within the TTL. Only routable domains are found (Domain.objects.routable(): subdomains, and
custom domains while verified). Unknown hosts are cached too (so a flood of random Host headers costs
one query each per TTL), but the dictionary is bounded.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

_MAX_ENTRIES = 2048
_entries: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def lookup(hostname: str):
    """Return the Organization for a host, or None. Queries the public schema on a miss."""
    now = time.monotonic()
    hit = _entries.get(hostname)
    if hit is not None and hit[0] > now:
        return hit[1]
    from apps.tenants.models import Domain

    # A custom domain not verified (or lapsed) is an unknown host: it answers like one.
    domain = Domain.objects.routable().select_related("tenant").filter(domain=hostname).first()
    organization = domain.tenant if domain is not None else None
    with _lock:
        if len(_entries) >= _MAX_ENTRIES:
            _entries.clear()
        _entries[hostname] = (now + settings.TENANT_HOST_CACHE_SECONDS, organization)
    return organization


def clear() -> None:
    with _lock:
        _entries.clear()
