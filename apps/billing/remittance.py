"""Posting an 835: payments, denials, adjustments and reversals onto our claims and lines.

`remittance_import` reads the whole file first (apps.billing.x12.in835 refuses a malformed
or unbalanced one), refuses a file already imported, then works out every claim's new state
in memory — `post_claim_payment` is the posting of one claim — and writes them all with a
few set-based statements (one UPDATE for the claims, one for the lines, two bulk INSERTs),
so an 835 of 10,000 lines costs the same handful of queries as one of ten. Everything runs in
one transaction: a problem anywhere posts nothing.

What does not match (a claim number we never sent, a claim not awaiting payment, a line the
payer names that is not on the claim) is kept on the Interchange's `unmatched` list and
shown, never posted somewhere it might not belong.

Bulk writes bypass django-auditlog's per-row hooks: the change log records the 835 itself
(an audited Interchange) and each claim's history gets a ClaimEvent naming the file.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from apps.billing.models import Claim, ClaimAdjustment, ClaimEvent, ClaimLine, Interchange, Payer
from apps.billing.x12.in835 import ClaimPayment, Remittance, RemittanceError, ServiceLine, parse_835

ZERO = Decimal("0.00")
# A claim takes a payment only while it waits for one (sent, or marked processed by a person);
# a claim an 835 paid, paid in part or denied changes only after the payer reverses that
# posting (CLP02 = 22), usually in the same file.
AWAITING = {Claim.Status.SUBMITTED}
POSTED = {Claim.Status.PROCESSED, Claim.Status.PAID, Claim.Status.DENIED}


@dataclass
class ClaimPosting:
    """What one CLP does to one claim: the claim and lines as they are to be saved, the
    adjustments and the history entry to add, and what could not be matched."""

    claim: Claim
    lines: list[ClaimLine] = field(default_factory=list)
    adjustments: list[ClaimAdjustment] = field(default_factory=list)
    event: ClaimEvent | None = None
    unmatched: list[dict] = field(default_factory=list)


def _unmatched(payment: ClaimPayment, why: str, line: ServiceLine | None = None) -> dict:
    entry = {"claim": payment.claim_number, "segment": payment.segment, "amount": str(payment.paid), "why": why}
    if line is not None:
        entry.update(
            segment=line.segment,
            line=" ".join([line.procedure_code, *line.modifiers]),
            date=line.service_date.isoformat() if line.service_date else "",
            amount=str(line.paid),
        )
    return entry


def _match_line(claim_lines: list[ClaimLine], used: set, service: ServiceLine, reversal: bool) -> ClaimLine | None:
    """The line the SVC pays: the one whose id the payer echoes in REF*6R, else the first
    line not yet matched with the same procedure code, date of service and charge."""
    free = [line for line in claim_lines if line.pk not in used]
    if service.control_number:
        try:
            key = uuid.UUID(service.control_number)
        except ValueError:
            key = None
        for line in free:
            if line.pk == key:
                return line
    charge = -service.charge if reversal else service.charge
    for line in free:
        if (
            line.procedure_code == service.procedure_code
            and line.charge == charge
            and (service.service_date is None or line.service_date == service.service_date)
        ):
            return line
    return None


def _line_status(line: ClaimLine) -> str:
    """What the line's payment makes it. The payer's amount is the line's whole payment, not
    an increment: a posted claim takes another payment only after its reversal."""
    if line.amount_paid <= 0:
        return ClaimLine.Status.DENIED
    if line.amount_paid < line.charge:
        return ClaimLine.Status.PARTIAL
    return ClaimLine.Status.PAID


def _refusal(claim: Claim, payment: ClaimPayment, processed_by_hand: bool) -> str:
    if payment.is_reversal:
        if claim.status not in POSTED or processed_by_hand:
            return _("The payer reverses a payment, but no payment was posted to this claim.")
        if -payment.paid != claim.amount_paid:
            return _("The payer reverses %(reversed)s, but %(posted)s was posted to this claim.") % {
                "reversed": -payment.paid,
                "posted": claim.amount_paid,
            }
        return ""
    if claim.status not in AWAITING and not processed_by_hand:
        return _("The claim is %(status)s, not awaiting payment: the payer must reverse the earlier posting first.") % {
            "status": claim.get_status_display().lower()
        }
    if payment.paid < 0 or any(line.paid < 0 for line in payment.lines):
        return _("A negative payment outside a reversal.")
    if payment.charge != claim.total_amount:
        return _("The payer's charge %(theirs)s is not the claim's total %(ours)s.") % {
            "theirs": payment.charge,
            "ours": claim.total_amount,
        }
    return ""


def post_claim_payment(
    claim: Claim,
    claim_lines: list[ClaimLine],
    payment: ClaimPayment,
    *,
    remittance: Remittance,
    interchange: Interchange,
    actor,
    processed_by_hand: bool = False,
) -> ClaimPosting:
    """The posting of one CLP to its claim, in memory (the caller saves it): amounts paid
    on the claim and the lines, the CAS adjustments, the status, and the history entry.

    A payment (CLP02 1/2/3/19/20/21…) sets the amounts the payer decided; a denial (4) pays
    nothing; a reversal (22) puts the claim back as it was before its posting, awaiting the
    payer's corrected decision, and keeps the reversal's negated adjustments beside the
    originals so the history adds up. A claim a person marked processed (the payer said it
    was accepted) still awaits its first payment: `processed_by_hand`."""
    posting = ClaimPosting(claim=claim)
    why = _refusal(claim, payment, processed_by_hand)
    if why:
        posting.unmatched.append(_unmatched(payment, why))
        return posting
    reversal = payment.is_reversal
    used: set = set()
    for service in payment.lines:
        line = _match_line(claim_lines, used, service, reversal)
        if line is None:
            posting.unmatched.append(
                _unmatched(payment, _("No line of this claim has this procedure, date and charge."), service)
            )
            continue
        used.add(line.pk)
        line.amount_paid = ZERO if reversal else service.paid
        line.status = ClaimLine.Status.PENDING if reversal else _line_status(line)
        posting.lines.append(line)
        posting.adjustments.extend(
            ClaimAdjustment(
                claim=claim,
                line=line,
                remittance=interchange,
                group_code=a.group,
                reason_code=a.reason,
                amount=a.amount,
                quantity=a.quantity,
            )
            for a in service.adjustments
        )
    if not payment.lines and (reversal or payment.is_denial):
        # A claim-level decision covers every line.
        for line in claim_lines:
            line.amount_paid = ZERO
            line.status = ClaimLine.Status.PENDING if reversal else ClaimLine.Status.DENIED
            posting.lines.append(line)
    posting.adjustments.extend(
        ClaimAdjustment(
            claim=claim,
            remittance=interchange,
            group_code=a.group,
            reason_code=a.reason,
            amount=a.amount,
            quantity=a.quantity,
        )
        for a in payment.adjustments
    )

    before = claim.status
    if reversal:
        claim.status = Claim.Status.SUBMITTED
        claim.amount_paid = claim.patient_responsibility = ZERO
        claim.payment_date = claim.processed_date = None
        note = _("Payment reversed by the payer (835, trace %(trace)s).")
    else:
        if payment.is_denial:
            claim.status = Claim.Status.DENIED
        elif payment.paid >= claim.total_amount:
            claim.status = Claim.Status.PAID
        else:
            claim.status = Claim.Status.PROCESSED
        claim.amount_paid = payment.paid
        claim.patient_responsibility = payment.patient_responsibility
        claim.processed_date = remittance.payment_date
        claim.payment_date = remittance.payment_date if payment.paid else None
        note = (
            _("Denied by the payer (835, trace %(trace)s).")
            if payment.is_denial
            else _("Payment posted (835, trace %(trace)s).")
        )
    claim.payer_claim_number = payment.payer_claim_number or claim.payer_claim_number
    posting.event = ClaimEvent(
        claim=claim,
        from_status=before,
        to_status=claim.status,
        note=note % {"trace": remittance.trace_number},
        amount=payment.paid,
        interchange=interchange,
        actor=actor,
    )
    return posting


def _processed_by_hand(claims: list[Claim]) -> set:
    """The processed claims that a person, not an 835, made processed: their latest entry
    into processed is not an 835's (an 835 posting counts even when the claim was processed
    before it; other entries that change no status, notes, are left out)."""
    processed = [claim for claim in claims if claim.status == Claim.Status.PROCESSED]
    if not processed:
        return set()
    latest = (
        ClaimEvent.objects.filter(claim__in=processed, to_status=Claim.Status.PROCESSED)
        .filter(Q(interchange__kind=Interchange.Kind.REMITTANCE_835) | ~Q(from_status=F("to_status")))
        .order_by("claim_id", "-created_at")
        .distinct("claim_id")
        .values_list("claim_id", "interchange__kind")
    )
    return {claim_id for claim_id, kind in latest if kind != Interchange.Kind.REMITTANCE_835}


def _payer(remittance: Remittance) -> Payer:
    ids = [value for value in (*remittance.payer_ids, remittance.originator_id) if value]
    payer = (
        Payer.objects.filter(edi_payer_id__in=ids).exclude(edi_payer_id="").order_by("name").first()
        or Payer.objects.filter(name__iexact=remittance.payer_name).order_by("pk").first()
    )
    if payer is None:
        raise ValidationError(
            {
                "file": _("The payer %(name)s (ID %(id)s) is not one of this organization's payers.")
                % {"name": remittance.payer_name, "id": ", ".join(ids) or "—"}
            }
        )
    return payer


def _refuse_duplicate(content_hash: str, remittance: Remittance, payer: Payer) -> None:
    files = Interchange.objects.filter(kind=Interchange.Kind.REMITTANCE_835)
    if files.filter(content_hash=content_hash).exists():
        raise ValidationError({"file": _("This file was already imported.")})
    if files.filter(payer=payer, trace_number=remittance.trace_number).exists():
        raise ValidationError(
            {
                "file": _("A payment with trace number %(trace)s from %(payer)s was already imported.")
                % {"trace": remittance.trace_number, "payer": payer.name}
            }
        )


def _save(postings: list[ClaimPosting]) -> None:
    """The postings' claims and lines in one UPDATE each (the last state of a claim posted
    twice in the file wins, as it should: a reversal then its correction)."""
    claims = {p.claim.pk: p.claim for p in postings if p.event is not None}
    lines = {line.pk: line for p in postings for line in p.lines}
    with connection.cursor() as cursor:
        if claims:
            cursor.execute(
                "UPDATE billing_claim AS c SET amount_paid = v.paid, patient_responsibility = v.patient, "
                "status = v.status, processed_date = v.processed, payment_date = v.paid_on, "
                "payer_claim_number = v.payer_number, updated_at = now() "
                "FROM unnest(%s::uuid[], %s::numeric[], %s::numeric[], %s::text[], %s::date[], %s::date[], %s::text[]) "
                "AS v(id, paid, patient, status, processed, paid_on, payer_number) WHERE c.id = v.id",
                [
                    list(claims),
                    [c.amount_paid for c in claims.values()],
                    [c.patient_responsibility for c in claims.values()],
                    [c.status for c in claims.values()],
                    [c.processed_date for c in claims.values()],
                    [c.payment_date for c in claims.values()],
                    [c.payer_claim_number for c in claims.values()],
                ],
            )
        if lines:
            cursor.execute(
                "UPDATE billing_claimline AS l SET amount_paid = v.paid, status = v.status, updated_at = now() "
                "FROM unnest(%s::uuid[], %s::numeric[], %s::text[]) AS v(id, paid, status) WHERE l.id = v.id",
                [list(lines), [line.amount_paid for line in lines.values()], [line.status for line in lines.values()]],
            )
    ClaimAdjustment.objects.bulk_create([a for p in postings for a in p.adjustments], batch_size=2000)
    ClaimEvent.objects.bulk_create([p.event for p in postings if p.event is not None], batch_size=2000)


@transaction.atomic
def remittance_import(*, content: str, actor, filename: str = "") -> Interchange:
    """Import an 835: post what matches, list what does not; refuse a malformed, unbalanced
    or already imported file with a ValidationError on `file`, having posted nothing."""
    try:
        remittance = parse_835(content)
    except RemittanceError as exc:
        raise ValidationError({"file": _("This is not a valid 835 file. %(problem)s") % {"problem": exc}}) from None
    payer = _payer(remittance)
    # One import per payer at a time: the duplicate check below cannot race another.
    Payer.objects.select_for_update().filter(pk=payer.pk).first()
    content_hash = hashlib.sha256(content.encode()).hexdigest()
    _refuse_duplicate(content_hash, remittance, payer)
    interchange = Interchange.objects.create(
        kind=Interchange.Kind.REMITTANCE_835,
        content=content,
        content_hash=content_hash,
        filename=filename[:255],
        payer=payer,
        trace_number=remittance.trace_number,
        payment_date=remittance.payment_date,
        total_paid=remittance.total_paid,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    numbers = {payment.claim_number for payment in remittance.claims}
    claims = {
        claim.claim_number: claim
        for claim in Claim.objects.select_for_update().filter(claim_number__in=numbers).order_by("pk")
    }
    lines: dict = {claim.pk: [] for claim in claims.values()}
    for line in (
        ClaimLine.objects.filter(claim__in=list(claims.values()))
        .only("id", "claim_id", "line_number", "procedure_code", "service_date", "charge", "amount_paid", "status")
        .order_by("claim_id", "line_number")
    ):
        lines[line.claim_id].append(line)
    by_hand = _processed_by_hand(list(claims.values()))

    postings: list[ClaimPosting] = []
    unmatched: list[dict] = []
    for payment in remittance.claims:
        claim = claims.get(payment.claim_number)
        if claim is None:
            unmatched.append(_unmatched(payment, _("No claim of ours has this number.")))
            continue
        if claim.payer_id != payer.pk:
            unmatched.append(_unmatched(payment, _("This claim was sent to another payer.")))
            continue
        posting = post_claim_payment(
            claim,
            lines[claim.pk],
            payment,
            remittance=remittance,
            interchange=interchange,
            actor=interchange.created_by,
            processed_by_hand=claim.pk in by_hand,
        )
        # Posted once, the claim is the 835's: a second CLP for it needs a reversal first.
        by_hand.discard(claim.pk)
        postings.append(posting)
        unmatched.extend(posting.unmatched)
    for plb in remittance.provider_adjustments:
        # Money the payer adds or takes back for the provider as a whole (an overpayment
        # recovered, interest): part of the payment, on no claim.
        unmatched.append(
            {
                "claim": "",
                "segment": plb.segment,
                "amount": str(-plb.amount),
                "why": _("Provider adjustment %(reason)s %(reference)s: part of the payment, on no claim.")
                % {"reason": plb.reason, "reference": plb.reference},
            }
        )
    _save(postings)
    interchange.claim_count = len({p.claim.pk for p in postings if p.event is not None})
    interchange.unmatched = unmatched
    interchange.save(update_fields=["claim_count", "unmatched", "updated_at"])
    return interchange
