"""The themes app's models in the change log (see apps/audit/registry.py)."""

from __future__ import annotations

AUDITED: dict[str, dict] = {"themes.CustomTheme": {}}
EXEMPT: dict[str, str] = {}
