"""An 835 a payer could send back for our own claims: for the tests, the demo's "an 835 to
import" and the bench. It balances by construction (each line's unpaid part is one CAS on
the line) and validates in pyx12. Written with the 837P's writer (apps.billing.x12.segments), so
values are cleaned the same way in both directions.

`paid` maps a claim number to what the payer pays for it (spread over its lines in order;
default: the whole charge); `denied` lists claim numbers denied (CLP02 = 4);
`reversed` lists claim numbers whose posted payment the payer takes back (CLP02 = 22, the
amounts posted negated), followed by the corrected payment when `paid` names the claim too;
`adjustments` maps a claim number to the CAS group and reason of its unpaid part (default
CO-45, and CO-96 for a denial).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db.models import Prefetch

from apps.billing.identity import billing_identity
from apps.billing.models import Claim, ClaimLine
from apps.billing.x12.segments import COMPONENT, REPETITION, Writer, amount, composite, text
from apps.core.tenancy import current_organization

ZERO = Decimal("0.00")
VERSION = "005010X221A1"
CONTRACTUAL = ("CO", "45")
NOT_COVERED = ("CO", "96")
# CLP06 codes the 835 allows; another filing indicator of the 837 is sent as ZZ.
CLP06_CODES = {
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "AM",
    "CH",
    "DS",
    "HM",
    "LM",
    "MA",
    "MB",
    "MC",
    "OF",
    "TV",
    "VA",
    "WC",
}


def _claims(claims: Iterable[Claim]) -> list[Claim]:
    ids = [claim.pk for claim in claims]
    found = {
        claim.pk: claim
        for claim in Claim.objects.filter(pk__in=ids)
        .select_related("payer", "client", "coverage")
        .prefetch_related(
            Prefetch("lines", queryset=ClaimLine.objects.order_by("line_number").prefetch_related("adjustments"))
        )
    }
    return [found[pk] for pk in ids]


def _spread(lines: list[ClaimLine], amount: Decimal) -> list[Decimal]:
    paid = []
    for line in lines:
        share = min(line.charge, amount)
        paid.append(share)
        amount -= share
    if amount:
        raise ValueError("A claim cannot be paid more than its charge in the sample 835.")
    return paid


def build_835(
    claims: Iterable[Claim],
    *,
    paid: Mapping[str, Decimal] | None = None,
    denied: Iterable[str] = (),
    reversed: Iterable[str] = (),
    adjustments: Mapping[str, tuple[str, str]] | None = None,
    trace_number: str,
    payment_date: dt.date,
    control_number: int = 1,
    line_control_numbers: bool = True,
) -> str:
    rows = _claims(claims)
    if not rows:
        raise ValueError("An 835 needs at least one claim.")
    payers = {claim.payer_id for claim in rows}
    if len(payers) != 1:
        raise ValueError("An 835 comes from one payer: give claims of one payer.")
    paid, adjustments = paid or {}, adjustments or {}
    denied, reversed = set(denied), set(reversed)
    payer = rows[0].payer
    organization = current_organization()
    identity = billing_identity(organization)

    filing = payer.claim_filing_indicator if payer.claim_filing_indicator in CLP06_CODES else "ZZ"
    # Each CLP to write: the claim, its status code, the sign of its amounts, each line's paid.
    decisions: list[tuple[Claim, str, Decimal, list[Decimal]]] = []
    for claim in rows:
        lines = list(claim.lines.all())
        if claim.claim_number in reversed:
            decisions.append((claim, "22", Decimal(-1), [line.amount_paid for line in lines]))
        if claim.claim_number in denied:
            decisions.append((claim, "4", Decimal(1), [ZERO for _ in lines]))
        elif claim.claim_number not in reversed or claim.claim_number in paid:
            charge = sum((line.charge for line in lines), ZERO)
            decisions.append((claim, "1", Decimal(1), _spread(lines, paid.get(claim.claim_number, charge))))
    total = sum((sign * sum(line_paid, ZERO) for _c, _s, sign, line_paid in decisions), ZERO)

    sender = text(payer.edi_payer_id or "PAYER", 15)
    receiver = text(identity.submitter_id or "STARLINE", 15)
    stamp = dt.datetime.combine(payment_date, dt.time(12, 0))
    control = f"{control_number:09d}"
    w = Writer()
    w.segment(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        sender.ljust(15),
        "ZZ",
        receiver.ljust(15),
        stamp.strftime("%y%m%d"),
        stamp.strftime("%H%M"),
        REPETITION,
        "00501",
        control,
        "0",
        "P",
        COMPONENT,
    )
    w.segment(
        "GS",
        "HP",
        sender,
        receiver,
        stamp.strftime("%Y%m%d"),
        stamp.strftime("%H%M"),
        str(control_number),
        "X",
        VERSION,
    )
    st_at = len(w)
    w.segment("ST", "835", f"{control_number:04d}")
    w.segment(
        "BPR",
        "C" if total else "H",
        amount(abs(total)),
        "C" if total >= 0 else "D",
        "CHK" if total else "NON",
        *[""] * 11,
        payment_date.strftime("%Y%m%d"),
    )
    w.segment("TRN", "1", text(trace_number), "1" + text(identity.tax_id or "999999999", 9))
    w.segment("N1", "PR", text(payer.name, 60), *(["XV", text(payer.edi_payer_id, 80)] if payer.edi_payer_id else []))
    w.segment("N3", text(payer.address_line1 or "PO BOX 1", 55))
    w.segment(
        "N4",
        text(payer.city or "CAPITAL CITY", 30),
        text(payer.state or "IL", 2),
        text(payer.postal_code or "62701", 15),
    )
    w.segment("PER", "BL", "EDI SUPPORT", "TE", text(payer.phone or "8005550100", 256))
    w.segment("N1", "PE", text(identity.name, 60), "XX", text(identity.npi or "1234567893", 80))
    for number, (claim, status, sign, line_paid) in enumerate(decisions, start=1):
        _claim_payment(w, claim, status, sign, line_paid, number, filing, adjustments, line_control_numbers)
    w.segment("SE", str(len(w) - st_at + 1), f"{control_number:04d}")
    w.segment("GE", "1", str(control_number))
    w.segment("IEA", "1", control)
    return w.render()


def _claim_payment(
    w: Writer,
    claim: Claim,
    status: str,
    sign: Decimal,
    line_paid: list[Decimal],
    number: int,
    filing: str,
    adjustments: Mapping[str, tuple[str, str]],
    line_control_numbers: bool,
) -> None:
    lines = list(claim.lines.all())
    charge = sum((line.charge for line in lines), ZERO)
    group, reason = adjustments.get(claim.claim_number, NOT_COVERED if status == "4" else CONTRACTUAL)
    claim_paid = sum(line_paid, ZERO)
    patient = charge - claim_paid if group == "PR" and status != "22" else ZERO
    w.segment("LX", str(number))
    w.segment(
        "CLP",
        text(claim.claim_number, 38),
        status,
        amount(sign * charge),
        amount(sign * claim_paid),
        amount(patient),
        filing,
        text(claim.payer_claim_number or f"PCN{claim.claim_number}", 50),
        "12",
        "1",
    )
    member = claim.coverage.member_id if claim.coverage else "UNKNOWN"
    w.segment(
        "NM1",
        "QC",
        "1",
        text(claim.client.last_name, 60),
        text(claim.client.first_name, 35),
        "",
        "",
        "",
        "MI",
        text(member, 80),
    )
    for line, line_pay in zip(lines, line_paid, strict=True):
        procedure = composite("HC", text(line.procedure_code, 48), *[text(m, 2) for m in line.modifiers[:4]])
        w.segment("SVC", procedure, amount(sign * line.charge), amount(sign * line_pay), "", amount(line.units))
        w.segment("DTM", "472", line.service_date.strftime("%Y%m%d"))
        if line.charge - line_pay:
            w.segment("CAS", group, reason, amount(sign * (line.charge - line_pay)))
        if line_control_numbers:
            w.segment("REF", "6R", str(line.pk))
