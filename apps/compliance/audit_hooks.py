"""The compliance app's models in the change log (see apps/audit/registry.py)."""

from __future__ import annotations

AUDITED: dict[str, dict] = {
    "compliance.ComplianceRule": {},
    # Who acknowledged what, and a rule's changes, are logged; the nightly run's upsert writes
    # in bulk (no per-row log: it is the system's own bookkeeping, repeated every night).
    "compliance.Finding": {"exclude_fields": ["last_seen"]},
}
EXEMPT: dict[str, str] = {}
