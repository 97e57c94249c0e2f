"""An 835 a payer could send back for our own claims: for the tests, the demo's "an 835 to
import" and the bench. It balances by construction (each line's unpaid part is one CAS on
the line) and validates in pyx12.

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
from apps.core.tenancy import current_organization

ZERO = Decimal("0.00")
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


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


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
    today = payment_date.strftime("%Y%m%d")

    filing = payer.claim_filing_indicator if payer.claim_filing_indicator in CLP06_CODES else "ZZ"
    body: list[str] = []
    total, header_number = ZERO, 0
    for claim in rows:
        lines = list(claim.lines.all())
        charge = sum((line.charge for line in lines), ZERO)
        decisions = []
        if claim.claim_number in reversed:
            decisions.append(("22", Decimal(-1), [line.amount_paid for line in lines]))
        if claim.claim_number in denied:
            decisions.append(("4", Decimal(1), [ZERO for _ in lines]))
        elif claim.claim_number not in reversed or claim.claim_number in paid:
            decisions.append(("1", Decimal(1), _spread(lines, paid.get(claim.claim_number, charge))))
        for status, sign, line_paid in decisions:
            group, reason = adjustments.get(claim.claim_number, NOT_COVERED if status == "4" else CONTRACTUAL)
            claim_paid = sum(line_paid, ZERO)
            patient = charge - claim_paid if group == "PR" and status != "22" else ZERO
            total += sign * claim_paid
            header_number += 1
            body.append(f"LX*{header_number}")
            body.append(
                f"CLP*{claim.claim_number}*{status}*{_num(sign * charge)}*{_num(sign * claim_paid)}*{_num(patient)}"
                f"*{filing}*{claim.payer_claim_number or f'PCN{claim.claim_number}'}*12*1"
            )
            member = claim.coverage.member_id if claim.coverage else "UNKNOWN"
            body.append(f"NM1*QC*1*{claim.client.last_name[:60]}*{claim.client.first_name[:35]}****MI*{member}")
            for line, line_pay in zip(lines, line_paid, strict=True):
                procedure = ":".join(["HC", line.procedure_code, *line.modifiers])
                body.append(f"SVC*{procedure}*{_num(sign * line.charge)}*{_num(sign * line_pay)}**{_num(line.units)}")
                body.append(f"DTM*472*{line.service_date:%Y%m%d}")
                if line.charge - line_pay:
                    body.append(f"CAS*{group}*{reason}*{_num(sign * (line.charge - line_pay))}")
                if line_control_numbers:
                    body.append(f"REF*6R*{line.pk}")

    header = [
        f"ST*835*{control_number:04d}",
        f"BPR*{'C' if total else 'H'}*{_num(abs(total))}*{'C' if total >= 0 else 'D'}*{'CHK' if total else 'NON'}"
        f"************{today}",
        f"TRN*1*{trace_number}*1{(identity.tax_id or '999999999')[:9]}",
        f"N1*PR*{payer.name[:60]}" + (f"*XV*{payer.edi_payer_id}" if payer.edi_payer_id else ""),
        f"N3*{payer.address_line1 or 'PO BOX 1'}",
        f"N4*{payer.city or 'CAPITAL CITY'}*{payer.state or 'IL'}*{payer.postal_code or '62701'}",
        f"PER*BL*EDI SUPPORT*TE*{payer.phone or '8005550100'}",
        f"N1*PE*{identity.name[:60]}*XX*{identity.npi or '1234567893'}",
    ]
    transaction = [*header, *body]
    transaction.append(f"SE*{len(transaction) + 1}*{control_number:04d}")
    sender = (payer.edi_payer_id or "PAYER")[:15]
    receiver = (identity.submitter_id or "STARLINE")[:15]
    stamp = dt.datetime.combine(payment_date, dt.time(12, 0))
    segments = [
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*{stamp:%y%m%d}*{stamp:%H%M}*^*00501"
        f"*{control_number:09d}*0*P*:",
        f"GS*HP*{sender}*{receiver}*{stamp:%Y%m%d}*{stamp:%H%M}*{control_number}*X*005010X221A1",
        *transaction,
        f"GE*1*{control_number}",
        f"IEA*1*{control_number:09d}",
    ]
    return "~\n".join(segments) + "~\n"
