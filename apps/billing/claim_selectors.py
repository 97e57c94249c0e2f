"""Reads for the claims pages: the filtered list with keyset pagination and its totals, one
claim with what its page shows, receivables aged by payer (one aggregate query) and a period's
billing summary."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from apps.billing.models import ZERO, Claim, ClaimAdjustment, ClaimEvent, ClaimLine, Interchange, Payer
from apps.clients.models import Client, clinical_of
from apps.core import keyset
from apps.core.versions import tables_of

PAGE_SIZE = 25
# Sent and not settled: what the payers still owe (a partial payment leaves a balance).
OPEN_STATUSES = (Claim.Status.SUBMITTED, Claim.Status.PROCESSED, Claim.Status.PAID)
BUCKETS = ("days_0_30", "days_31_60", "days_61_90", "days_90_plus")


@dataclass(frozen=True)
class Filters:
    status: str = ""
    payer: uuid.UUID | None = None
    claim_type: str = ""
    search: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # From the receivables page: claims with a balance, submitted within an age bucket.
    aging: str = ""
    today: dt.date | None = None


# What the claims list shows (a kept page: apps.core.fragments.cached_page).
LIST_TABLES = tables_of(Claim, Payer, Client)


def claim_list(filters: Filters) -> QuerySet[Claim]:
    # The list names the client; their SSN and clinical detail are never decrypted for it.
    claims = Claim.objects.select_related("payer", "client").defer(*clinical_of())
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.payer:
        claims = claims.filter(payer_id=filters.payer)
    if filters.claim_type:
        claims = claims.filter(claim_type=filters.claim_type)
    if filters.search:
        term = filters.search.strip()
        by_name = Q()
        for word in term.split()[:4]:
            by_name &= Q(client__first_name__icontains=word) | Q(client__last_name__icontains=word)
        claims = claims.filter(Q(claim_number__iexact=term) | by_name)
    if filters.date_from:
        claims = claims.filter(period_end__gte=filters.date_from)
    if filters.date_to:
        claims = claims.filter(period_start__lte=filters.date_to)
    if filters.aging in BUCKETS and filters.today:
        claims = open_claims(claims).filter(**_bucket_range(filters.aging, filters.today))
    return claims.order_by("-period_end", "claim_number")


def totals(claims: QuerySet[Claim]) -> dict:
    return claims.order_by().aggregate(
        count=Count("id"),
        total=Coalesce(Sum("total_amount"), Value(ZERO)),
        paid=Coalesce(Sum("amount_paid"), Value(ZERO)),
    )


def page_of(claims: QuerySet[Claim], cursor: str = "") -> tuple[list[Claim], str]:
    """One page in the list's order (latest period first) after `cursor`, and the next cursor."""
    return keyset.page(claims, cursor, order=("-period_end", "claim_number"), size=PAGE_SIZE)


def get_claim(pk) -> Claim:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    claim = (
        Claim.objects.select_related("payer", "client", "coverage", "original", "interchange", "created_by")
        .filter(pk=key)
        .first()
    )
    if claim is None:
        raise Http404
    return claim


def get_line(claim: Claim, pk) -> ClaimLine:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    line = claim.lines.filter(pk=key).first()
    if line is None:
        raise Http404
    return line


def claim_page(claim: Claim) -> dict:
    """What the claim's page shows beside the claim, in a fixed number of queries."""
    return {
        "lines": list(claim.lines.select_related("billable_service__authorization").order_by("line_number")),
        "adjustments": list(
            ClaimAdjustment.objects.filter(claim=claim).select_related("line", "remittance").order_by("created_at")
        ),
        "events": list(
            ClaimEvent.objects.filter(claim=claim).select_related("actor", "interchange").order_by("created_at", "id")
        ),
        "corrections": list(claim.corrections.order_by("created_at")),
    }


# --- receivables ---------------------------------------------------------------------------------


def open_claims(claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    claims = Claim.objects.all() if claims is None else claims
    return claims.filter(
        status__in=OPEN_STATUSES, submitted_date__isnull=False, total_amount__gt=F("amount_paid")
    ).exclude(claim_type=Claim.Type.VOID)


def _bucket_range(bucket: str, today: dt.date) -> dict:
    """submitted_date bounds of an age bucket: 0–30, 31–60, 61–90 and over 90 days old."""
    day = dt.timedelta
    return {
        "days_0_30": {"submitted_date__gt": today - day(31)},
        "days_31_60": {"submitted_date__lte": today - day(31), "submitted_date__gt": today - day(61)},
        "days_61_90": {"submitted_date__lte": today - day(61), "submitted_date__gt": today - day(91)},
        "days_90_plus": {"submitted_date__lte": today - day(91)},
    }[bucket]


def receivables(today: dt.date) -> tuple[list[dict], dict]:
    """The open balance (total − paid) of sent claims by payer and age since it was sent, in
    one aggregate query; and the totals of each column."""
    money: DecimalField = DecimalField(max_digits=14, decimal_places=2)
    balance = F("total_amount") - F("amount_paid")
    columns = {
        bucket: Coalesce(Sum(balance, filter=Q(**_bucket_range(bucket, today)), output_field=money), Value(ZERO))
        for bucket in BUCKETS
    }
    rows = list(
        open_claims()
        .values("payer_id", "payer__name")
        .annotate(claims=Count("id"), total=Coalesce(Sum(balance, output_field=money), Value(ZERO)), **columns)
        .order_by("payer__name", "payer_id")
    )
    sums = {key: sum((row[key] for row in rows), ZERO) for key in ("total", *BUCKETS)}
    sums["claims"] = sum(row["claims"] for row in rows)
    return rows, sums


# --- the period's summary ------------------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def summary(month: dt.date) -> dict:
    """The month's billing: services billed by payer and service (lines of claims dated in the
    month, voids left out), claims by status, and the payments received in the month's 835s."""
    start, end = month_bounds(month)
    lines = ClaimLine.objects.filter(service_date__gte=start, service_date__lte=end).exclude(
        claim__claim_type=Claim.Type.VOID
    )
    billed = list(
        lines.values("claim__payer__name", "procedure_code")
        .annotate(lines=Count("id"), units=Sum("units"), charged=Sum("charge"), paid=Sum("amount_paid"))
        .order_by("claim__payer__name", "procedure_code")
    )
    statuses = dict(Claim.Status.choices)
    # In the lifecycle's order (draft, submitted … rejected), as the overview lists them.
    lifecycle = list(statuses)
    by_status = sorted(
        (
            {**row, "label": statuses.get(row["status"], row["status"])}
            for row in Claim.objects.filter(period_start__lte=end, period_end__gte=start)
            .values("status")
            .annotate(claims=Count("id"), total=Sum("total_amount"), paid=Sum("amount_paid"))
            .order_by()
        ),
        key=lambda row: lifecycle.index(row["status"]) if row["status"] in lifecycle else len(lifecycle),
    )
    payments = list(
        Interchange.objects.filter(kind=Interchange.Kind.REMITTANCE_835, payment_date__gte=start, payment_date__lte=end)
        .select_related("payer")
        .order_by("payment_date", "trace_number")
    )
    return {
        "start": start,
        "end": end,
        "billed": billed,
        "billed_total": sum((row["charged"] for row in billed), ZERO),
        "by_status": by_status,
        "payments": payments,
        "payments_total": sum((p.total_paid or ZERO for p in payments), Decimal("0.00")),
    }


def payers() -> QuerySet[Payer]:
    return Payer.objects.only("pk", "name").order_by("name")
