"""The compliance pages: the findings dashboard (counts by severity, rule and location; the
list filtered by them), running the rules now, and acknowledging a finding."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.billing.params import uuid_or_none
from apps.compliance import rule_types, selectors
from apps.compliance.forms import AcknowledgeForm
from apps.compliance.models import SEVERITY_ORDER, Finding
from apps.compliance.services import finding_acknowledge, rules_evaluate
from apps.core import pages

STATUSES = ("current", *Finding.Status.values, "all")
# The location filter's value for findings about no location (a location is otherwise a UUID).
NO_LOCATION = "none"


@login_required
@permission_required("compliance.view_finding")
def findings(request: OrgRequest) -> HttpResponse:
    keys = ("severity", "rule", "type", "location", "status", "q")
    params = {k: request.GET.get(k, "").strip()[:100] for k in keys}
    status = params["status"] if params["status"] in STATUSES else "current"
    types = rule_types.visible_to(request.user)
    filters = selectors.Filters(
        severity=params["severity"],
        rule=uuid_or_none(params["rule"]),
        # A type the person may not see is no filter at all, as an unknown one: the list stays
        # within `types` either way.
        rule_type=params["type"] if params["type"] in types else "",
        location=uuid_or_none(params["location"]),
        no_location=params["location"] == NO_LOCATION,
        status="" if status == "all" else status,
        query=params["q"],
    )
    rows, next_cursor = selectors.finding_page(
        selectors.finding_list(filters, types), request.GET.get("after", "")[:200]
    )
    return render(
        request,
        "compliance/findings.html",
        {
            "rows": rows,
            "next_cursor": next_cursor,
            "first_page": not request.GET.get("after"),
            "params": params,
            "filtered": any(v for k, v in params.items() if k != "status") or status != "current",
            "status": status,
            "statuses": [("current", _("Open or acknowledged")), *Finding.Status.choices, ("all", _("All"))],
            "severities": selectors.current_by_severity(types),
            "severity_choices": [(s.value, s.label) for s in SEVERITY_ORDER],
            "type_choices": [(key, title) for key, title in rule_types.choices() if key in types],
            "no_location": NO_LOCATION,
            "rules": selectors.current_by_rule(types),
            "locations": selectors.current_by_location(types),
            "may_acknowledge": can(request.user, "compliance.acknowledge_finding"),
            "may_run": can(request.user, "compliance.run_compliance"),
        },
    )


@login_required
@require_POST
@permission_required("compliance.run_compliance")
def run_now(request: OrgRequest) -> HttpResponse:
    return pages.action(
        request,
        rules_evaluate,
        done=lambda run: (
            ngettext(
                "Rules evaluated: %(opened)s new finding, %(resolved)s resolved.",
                "Rules evaluated: %(opened)s new findings, %(resolved)s resolved.",
                run.opened,
            )
            % {"opened": run.opened, "resolved": run.resolved}
        ),
        redirect_to=reverse("compliance:findings"),
    )


@login_required
@permission_required("compliance.acknowledge_finding")
def acknowledge(request: OrgRequest) -> HttpResponse:
    finding = selectors.get_finding_for_user(request.user, (request.POST or request.GET).get("finding", ""))
    form = AcknowledgeForm(request.POST or None)
    return pages.form_page(
        request,
        form,
        save=lambda data: finding_acknowledge(finding=finding, actor=request.user, note=data["note"]),
        template="compliance/acknowledge.html",
        context={"finding": finding},
        saved_message=_("Finding acknowledged."),
        redirect_to=reverse("compliance:findings"),
    )
