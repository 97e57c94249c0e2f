"""Demo data registry. Each app that has demo records provides `apps/<app>/seed.py` with
`seed(organization, *, stdout)`; `seed_demo` runs them in INSTALLED_APPS order inside the
organization's schema. Each seed must be idempotent: running twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from apps.core.discovery import app_modules


def seeders() -> list[tuple[str, Callable]]:
    return [(label, module.seed) for label, module in app_modules("seed")]
