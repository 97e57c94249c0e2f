"""Demo data registry. Each app that has demo records provides `apps/<app>/seed.py` with
`seed(organization, *, stdout)`; `seed_demo` runs them in INSTALLED_APPS order inside the
organization's schema. Each seed must be idempotent: running twice changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.apps import apps


def seeders() -> list[tuple[str, Callable]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.seed":
                raise
            continue
        found.append((config.label, module.seed))
    return found
