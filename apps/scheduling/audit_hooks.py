"""How the audit pages word scheduling's logged values (see apps/audit/naming.py).

A visit's exceptions are a list of codes in a JSON field (no choices of its own to read)."""

from __future__ import annotations

from apps.scheduling.models import Visit


def _exceptions(value):
    words = dict(Visit.Exception.choices)
    return [words.get(code, code) for code in value] if isinstance(value, list) else value


VALUES = {("scheduling.visit", "exception_codes"): _exceptions}

# --- the change log (see apps/audit/registry.py) ---------------------------------------------

AUDITED: dict[str, dict] = {
    "scheduling.Service": {},
    "scheduling.Schedule": {},
    "scheduling.Shift": {},
    "scheduling.ConflictOverride": {},
    "scheduling.Appointment": {},
    "scheduling.Visit": {},
    "scheduling.VisitCorrection": {},
    # Issuing or revoking a feed is logged; the secret's hash is masked, the use counter is not logged.
    "scheduling.CalendarFeed": {"exclude_fields": ["last_used_at"], "mask_fields": ["token_hash"]},
}
