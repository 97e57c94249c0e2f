"""The reports app's models and the change log (see apps/audit/registry.py)."""

from __future__ import annotations

AUDITED: dict[str, dict] = {}
EXEMPT: dict[str, str] = {
    "reports.Export": (
        "Written only by the system, once, when someone exports a report: it is itself the record of"
        " what left; exports of reports with PHI are also logged as access."
    ),
}
