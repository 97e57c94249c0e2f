"""Reading 835 files for their pages: the list (keyset pages, no file text loaded) and one
file's claims with their adjustments in a fixed number of queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Func, IntegerField, Q, QuerySet
from django.http import Http404

from apps.billing.models import Claim, ClaimAdjustment, ClaimEvent, Interchange
from apps.core import keyset

PAGE_SIZE = 25


def remittance_list(*, query: str = "", payer: uuid.UUID | None = None) -> QuerySet[Interchange]:
    """The 835s received, newest first; `query` finds a trace number or file name."""
    rows = Interchange.objects.filter(kind=Interchange.Kind.REMITTANCE_835)
    if query:
        rows = rows.filter(Q(trace_number__icontains=query) | Q(filename__icontains=query))
    if payer:
        rows = rows.filter(payer_id=payer)
    return (
        rows.select_related("payer")
        .defer("content", "unmatched")
        .annotate(unmatched_count=Func("unmatched", function="jsonb_array_length", output_field=IntegerField()))
        .order_by("-created_at", "-id")
    )


def page_of(rows: QuerySet[Interchange], cursor: str = "") -> tuple[list[Interchange], str]:
    """One page, newest first, after `cursor`, and the next page's cursor ("" at the end)."""
    return keyset.page(rows, cursor, order=("-created_at", "-id"), size=PAGE_SIZE)


def get_remittance(pk) -> Interchange:
    """An 835 of this organization, or 404 (another schema's file does not exist here)."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    remittance = (
        Interchange.objects.filter(pk=key, kind=Interchange.Kind.REMITTANCE_835)
        .select_related("payer", "created_by")
        .defer("content")
        .first()
    )
    if remittance is None:
        raise Http404
    return remittance


@dataclass
class PostedClaim:
    event: ClaimEvent
    adjustments: list[ClaimAdjustment] = field(default_factory=list)

    @property
    def change(self) -> str:
        labels = dict(Claim.Status.choices)
        before, after = self.event.from_status, self.event.to_status
        return f"{labels.get(before, before)} → {labels.get(after, after)}"


def posted_claims(remittance: Interchange) -> list[PostedClaim]:
    """Each claim the file posted (its history entry: status change and amount) with the
    file's adjustments to it, claim-level first."""
    events = (
        ClaimEvent.objects.filter(interchange=remittance)
        .select_related("claim", "claim__client")
        .order_by("claim__claim_number", "created_at")
    )
    adjustments = defaultdict(list)
    for adjustment in (
        ClaimAdjustment.objects.filter(remittance=remittance)
        .select_related("line")
        .order_by("claim_id", "line__line_number", "group_code", "reason_code")
    ):
        adjustments[adjustment.claim_id].append(adjustment)
    return [PostedClaim(event=event, adjustments=adjustments.pop(event.claim_id, [])) for event in events]
