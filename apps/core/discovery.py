"""Find an optional module in each Starline app, in INSTALLED_APPS order.

Apps lower in the layering (core, tenants, accounts) offer extension points — demo data,
provisioning, default role permissions — that apps above them fill in by providing
`apps/<app>/<name>.py`, so nothing low ever imports something high.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """Each app's `<name>` module, as (app label, module)."""
    return list(_app_modules(name))


# Looked up once per name: the apps do not change while the process runs, and a lookup that
# finds nothing is a failed import per app (a dozen file-system searches), which pages that
# ask on every request (the branding page's overrides) paid each time.
@functools.cache
def _app_modules(name: str) -> tuple[tuple[str, ModuleType], ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise  # the module exists but imports something missing: a real error
            continue
        found.append((config.label, module))
    return tuple(found)
