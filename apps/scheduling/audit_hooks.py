"""How the audit pages word scheduling's logged values (see apps/audit/naming.py).

A visit's exceptions are a list of codes in a JSON field (no choices of its own to read)."""

from __future__ import annotations

from apps.scheduling.models import Visit


def _exceptions(value):
    words = dict(Visit.Exception.choices)
    return [words.get(code, code) for code in value] if isinstance(value, list) else value


VALUES = {("scheduling.visit", "exception_codes"): _exceptions}
