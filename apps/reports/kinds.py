"""The reports app's notification kinds: a background export is ready, or failed (registered
in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults

EXPORT_READY = defaults.Kind(
    key="reports.export_ready",
    label=_("Report export ready"),
    variables=["report", "format", "until"],
    title=_("Your export is ready: {{ report }}"),
    message=_("The {{ format }} export of “{{ report }}” is ready to download until {{ until }}."),
    sample={"report": "Census by location and status", "format": "XLSX", "until": "2026-12-13 09:00"},
)

EXPORT_FAILED = defaults.Kind(
    key="reports.export_failed",
    label=_("Report export failed"),
    variables=["report", "format", "reason"],
    title=_("Your export failed: {{ report }}"),
    message=_("The {{ format }} export of “{{ report }}” could not be prepared: {{ reason }}"),
    sample={"report": "Census by location and status", "format": "XLSX", "reason": "The filters no longer match."},
)

ALL = [EXPORT_READY, EXPORT_FAILED]
