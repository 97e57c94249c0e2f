"""The numbers on billing's overview: each one aggregate query, whatever the table's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django_stubs_ext import StrOrPromise

from apps.billing import lists
from apps.billing.models import ZERO, BillableService, Claim, Payer, ServiceAuthorization

ENDING_SOON_DAYS = 30


@dataclass(frozen=True)
class ClaimRow:
    status: str
    label: StrOrPromise
    count: int
    total: Decimal
    paid: Decimal


def billable_counts() -> dict:
    return BillableService.objects.aggregate(
        blocked=Count("pk", filter=Q(status=BillableService.Status.BLOCKED)),
        ready=Count("pk", filter=Q(status=BillableService.Status.READY)),
        ready_amount=Sum("total_amount", filter=Q(status=BillableService.Status.READY), default=ZERO),
    )


def claims_by_status() -> list[ClaimRow]:
    found = {
        row["status"]: row
        for row in Claim.objects.order_by()
        .values("status")
        .annotate(count=Count("pk"), total=Sum("total_amount"), paid=Sum("amount_paid"))
    }
    return [
        ClaimRow(
            status=status,
            label=label,
            count=found[status]["count"] if status in found else 0,
            total=found[status]["total"] if status in found else ZERO,
            paid=found[status]["paid"] if status in found else ZERO,
        )
        for status, label in Claim.Status.choices
    ]


def authorizations_ending(today: dt.date) -> int:
    """Active authorizations whose last day is within the next 30 days (today included)."""
    return ServiceAuthorization.objects.filter(
        status=ServiceAuthorization.Status.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=ENDING_SOON_DAYS),
    ).count()


def authorizations_near_limit() -> int:
    """Active authorizations with 80% or more of their units used, used up included."""
    return lists.near_limit(ServiceAuthorization.objects.all()).count()


def payer_counts() -> dict:
    return Payer.objects.aggregate(active=Count("pk", filter=Q(is_active=True)), total=Count("pk"))
