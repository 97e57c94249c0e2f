"""The compliance app's notification kinds (registered in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.notifications import defaults

FINDINGS = defaults.Kind(
    key="compliance.findings",
    label=_("New compliance findings"),
    variables=["rule", "count", "severity"],
    title=_("New compliance findings: {{ rule }}"),
    message=_("The rule “{{ rule }}” ({{ severity }}) found {{ count }} new problem(s) to look at."),
    sample={"rule": "CPR expiring within 30 days", "count": "3", "severity": "High"},
)
