"""The home panel of the compliance app (registered in ComplianceConfig.ready): the findings
still open, by severity, each count a link to the dashboard filtered by it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.compliance import rule_types, selectors
from apps.compliance.models import ComplianceRule, Finding
from apps.core import home
from apps.core.versions import tables_of


def open_findings(request) -> dict:
    return {"severities": selectors.current_by_severity(rule_types.visible_to(request.user))}


PANELS = [
    home.Panel(
        key="compliance_findings",
        title=_("Compliance findings"),
        template="compliance/partials/_home_findings.html",
        permissions=("compliance.view_finding",),
        order=45,
        context=open_findings,
        tables=tables_of(Finding, ComplianceRule),
    )
]
