"""Reading 835 files for their pages: the list (keyset pages, no file text loaded) and one
file's claims with their adjustments in a fixed number of queries."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Func, IntegerField, Q, QuerySet
from django.http import Http404

from apps.billing.models import Claim, ClaimAdjustment, ClaimEvent, Interchange

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


def _encode(row: Interchange) -> str:
    raw = json.dumps([row.created_at.isoformat(), str(row.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, uuid.UUID] | None:
    """The position a cursor names, or None for one that is not ours (an edited URL)."""
    try:
        when, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return dt.datetime.fromisoformat(when), uuid.UUID(pk)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


def page_of(rows: QuerySet[Interchange], cursor: str = "") -> tuple[list[Interchange], str]:
    """One page, newest first, after `cursor`, and the next page's cursor ("" at the end)."""
    position = _decode(cursor) if cursor else None
    if position is not None:
        when, pk = position
        rows = rows.filter(Q(created_at__lt=when) | Q(created_at=when, id__lt=pk))
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return page, _encode(page[-1]) if more and page else ""


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
