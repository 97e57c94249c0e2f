"""The branding app's models and the change log (see apps/audit/registry.py)."""

from __future__ import annotations

AUDITED: dict[str, dict] = {}
EXEMPT: dict[str, str] = {
    "branding.Branding": (
        "Holds only the branding page's permission and has no rows; the brand's changes are logged on the organization."
    ),
}
