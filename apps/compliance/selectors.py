"""Reading findings: the dashboard's counts (one aggregate query each, whatever the number of
findings), its list (keyset pages, rows with their rule and location in the same query), and
the one lookup of a finding for a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.accounts.permissions import can
from apps.compliance import rule_types
from apps.compliance.models import SEVERITY_ORDER, ComplianceRule, Finding, Severity
from apps.core import keyset

PAGE_SIZE = 25
CURRENT_STATUSES = [Finding.Status.OPEN, Finding.Status.ACKNOWLEDGED]
CURRENT = Q(status__in=CURRENT_STATUSES)
ORDER = ("-first_seen", "-id")


@dataclass(frozen=True)
class Filters:
    severity: str = ""
    rule: uuid.UUID | None = None
    # One rule type (a registry key): what a home panel's number links to, whatever the rule.
    rule_type: str = ""
    location: uuid.UUID | None = None
    # The findings about no location (a person's or an authorization's have none): the
    # dashboard's "No location" row links to them.
    no_location: bool = False
    # "current" (open or acknowledged, the default), one status, or "" for all.
    status: str = "current"
    query: str = ""


def current_by_severity(types: list[str]) -> list[dict]:
    """Each severity, most severe first, with how many findings (of the rule types given: those
    the person sees, `rule_types.visible_to`) are open and acknowledged."""
    counts = {
        row["severity"]: row
        for row in Finding.objects.filter(CURRENT, rule__rule_type__in=types)
        .values("severity")
        .annotate(
            open=Count("pk", filter=Q(status=Finding.Status.OPEN)),
            acknowledged=Count("pk", filter=Q(status=Finding.Status.ACKNOWLEDGED)),
        )
        .order_by()
    }
    return [
        {
            "value": severity.value,
            "label": severity.label,
            "open": counts.get(severity.value, {}).get("open", 0),
            "acknowledged": counts.get(severity.value, {}).get("acknowledged", 0),
        }
        for severity in SEVERITY_ORDER
    ]


def current_by_rule(types: list[str]) -> list[ComplianceRule]:
    """Every rule of the types given with how many of its findings are current (`current`),
    active rules first."""
    current = Q(findings__status__in=CURRENT_STATUSES)
    return list(
        ComplianceRule.objects.filter(rule_type__in=types)
        .annotate(current=Count("findings", filter=current))
        .order_by("-is_active", "rule_name")
    )


def rules_of(types: list[str]) -> QuerySet[ComplianceRule]:
    """The rules of the types given, for the filter's choices (no counts: those are the summary's)."""
    return ComplianceRule.objects.filter(rule_type__in=types).order_by("-is_active", "rule_name")


def location_choices() -> list[tuple]:
    """Every location, for the filter: a short list, read without counting any finding."""
    from apps.clients.models import ClientLocation

    return list(ClientLocation.objects.order_by("name").values_list("pk", "name"))


def current_by_location(types: list[str]) -> list[dict]:
    """Locations with current findings, the most first; findings with no location together."""
    return list(
        Finding.objects.filter(CURRENT, rule__rule_type__in=types)
        .values("location_id", "location__name")
        .annotate(current=Count("pk"))
        .order_by("-current", "location__name")
    )


def finding_list(filters: Filters, types: list[str]) -> QuerySet[Finding]:
    rows = Finding.objects.select_related("rule", "location", "acknowledged_by").filter(rule__rule_type__in=types)
    if filters.status == "current":
        rows = rows.filter(CURRENT)
    elif filters.status in Finding.Status.values:
        rows = rows.filter(status=filters.status)
    if filters.severity in Severity.values:
        rows = rows.filter(severity=filters.severity)
    if filters.rule:
        rows = rows.filter(rule_id=filters.rule)
    if filters.rule_type:
        rows = rows.filter(rule__rule_type=filters.rule_type)
    if filters.location:
        rows = rows.filter(location_id=filters.location)
    elif filters.no_location:
        rows = rows.filter(location__isnull=True)
    if filters.query:
        rows = rows.filter(Q(label__icontains=filters.query) | Q(rule__rule_name__icontains=filters.query))
    return rows


def finding_page(rows: QuerySet[Finding], cursor: str = "") -> tuple[list[Finding], str]:
    return keyset.page(rows, cursor, order=ORDER, size=PAGE_SIZE)


def get_finding_for_user(user, pk) -> Finding:
    """The finding, or 404 both when there is none and when the person may not see it (findings,
    or those about records of its kind)."""
    if not can(user, "compliance.view_finding"):
        raise Http404
    try:
        key = uuid.UUID(str(pk))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    finding = (
        Finding.objects.select_related("rule").filter(pk=key, rule__rule_type__in=rule_types.visible_to(user)).first()
    )
    if finding is None:
        raise Http404
    return finding
