"""The compliance pages: the findings dashboard (counts by severity, rule and location; the
list filtered by them), running the rules now, and acknowledging a finding."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.models import User
from apps.accounts.permissions import can, permission_required
from apps.billing.params import uuid_or_none
from apps.clients.models import ClientLocation
from apps.compliance import rule_types, selectors
from apps.compliance.forms import AcknowledgeForm
from apps.compliance.models import SEVERITY_ORDER, ComplianceRule, Finding
from apps.compliance.services import finding_acknowledge, rules_evaluate
from apps.core import fragments, pages
from apps.core.db.replicas import replica_reads
from apps.core.versions import table_versions, tables_of

STATUSES = ("current", *Finding.Status.values, "all")
FILTER_KEYS = ("severity", "rule", "type", "location", "status", "q")
# The location filter's value for findings about no location (a location is otherwise a UUID).
NO_LOCATION = "none"


# What the dashboard's counts read: while none of these change, the counts are the same.
SUMMARY_TABLES = tables_of(Finding, ComplianceRule, ClientLocation)


def _summary(request: OrgRequest, types: list[str], versions: dict) -> str:
    """The counts by severity, rule and location (three aggregates over every current finding:
    200 ms with 100,000 findings), kept in the worker while the findings, rules and locations
    stand still, for each set of rule types a person may see. The nightly run, an
    acknowledgement or a renamed location changes a table's version and they are counted anew."""

    def render() -> str:
        return render_to_string(
            "compliance/partials/_summary.html",
            {
                "severities": selectors.current_by_severity(types),
                "rules": selectors.current_by_rule(types),
                "locations": selectors.current_by_location(types),
                "no_location": NO_LOCATION,
            },
            request=request,
        )

    html = fragments.cached(
        ("compliance-summary", get_language(), get_current_timezone_name(), tuple(types)),
        tables=SUMMARY_TABLES,
        render=render,
        versions=versions,
    )
    return mark_safe(html)  # noqa: S308 - the template's own output, escaped as it rendered # nosec B308, B703


# What the list shows: the findings with their rule, location and who acknowledged them.
LIST_TABLES = tables_of(Finding, ComplianceRule, ClientLocation, User)


def _listing(
    request: OrgRequest,
    filters: selectors.Filters,
    types: list[str],
    *,
    filtered: bool,
    may_acknowledge: bool,
    versions: dict,
) -> str:
    """The list and its pager, kept (per query string, language and zone) while its tables stand
    still: 25 rows of a few lookups each were most of a warm page's time."""

    def context() -> dict:
        rows, next_cursor = selectors.finding_page(
            selectors.finding_list(filters, types), request.GET.get("after", "")[:200]
        )
        return {
            "rows": rows,
            "next_cursor": next_cursor,
            "first_page": not request.GET.get("after"),
            "filtered": filtered,
            "may_acknowledge": may_acknowledge,
        }

    return fragments.cached_template(
        request,
        "compliance/partials/_list.html",
        key=(tuple(types), may_acknowledge),
        tables=LIST_TABLES,
        context=context,
    )


@login_required
@permission_required("compliance.view_finding")
@replica_reads
def findings(request: OrgRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip()[:100] for k in FILTER_KEYS}
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
    filtered = any(v for k, v in params.items() if k != "status") or status != "current"
    may_acknowledge = can(request.user, "compliance.acknowledge_finding")
    # The versions of every table the kept parts read, in one query for both.
    tables = tuple(dict.fromkeys((*SUMMARY_TABLES, *LIST_TABLES)))
    versions = dict(zip(tables, table_versions(*tables), strict=True))
    return render(
        request,
        "compliance/findings.html",
        {
            "listing": _listing(
                request, filters, types, filtered=filtered, may_acknowledge=may_acknowledge, versions=versions
            ),
            "params": params,
            "filtered": filtered,
            "status": status,
            "statuses": [("current", _("Open or acknowledged")), *Finding.Status.choices, ("all", _("All"))],
            "summary": _summary(request, types, versions),
            "severity_choices": [(s.value, s.label) for s in SEVERITY_ORDER],
            "type_choices": [(key, title) for key, title in rule_types.choices() if key in types],
            "no_location": NO_LOCATION,
            "rules": selectors.rules_of(types),
            "location_choices": selectors.location_choices(),
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


def _findings_url(query: str) -> str:
    """The dashboard with the filters it was left with (`query`, as its own query string): only
    its own filters are kept, so the address cannot lead anywhere else."""
    given, kept = QueryDict(query[:1000]), QueryDict(mutable=True)
    for key in FILTER_KEYS:
        if value := given.get(key, ""):
            kept[key] = value[:100]
    url = reverse("compliance:findings")
    return f"{url}?{kept.urlencode()}#findings" if kept else url


@login_required
@permission_required("compliance.acknowledge_finding")
def acknowledge(request: OrgRequest) -> HttpResponse:
    data = request.POST or request.GET
    finding = selectors.get_finding_for_user(request.user, data.get("finding", ""))
    back = _findings_url(data.get("back", ""))
    form = AcknowledgeForm(request.POST or None)
    return pages.form_page(
        request,
        form,
        save=lambda data: finding_acknowledge(finding=finding, actor=request.user, note=data["note"]),
        template="compliance/acknowledge.html",
        context={"finding": finding, "back": back, "back_query": data.get("back", "")[:1000]},
        saved_message=_("Finding acknowledged."),
        redirect_to=back,
    )
