"""Reading an X12 835 (005010X221A1) health care claim payment/advice, strictly.

`parse_835(text)` returns one `Remittance` (the payment: BPR, TRN, payer, payee, each CLP with
its CAS and SVC lines, PLB provider adjustments) or raises `RemittanceError` naming the
segment (its position in the file, ISA = 1) and what is wrong with it. Nothing is guessed:
control numbers and counts of the envelopes must agree, amounts must be numbers of at most
two decimals and the file must balance (each line's charge minus its paid amount is its
adjustments; each claim's charge minus paid is all its adjustments; the payment is the sum
of the claims' payments less the provider adjustments), because a file that does not
balance was cut, edited or mis-generated, and posting part of it would leave the ledger
wrong in a way nobody sees.

One payment (ST…SE) per file: the file becomes one Interchange with one trace number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ADJUSTMENT_GROUPS = {"CO", "CR", "OA", "PI", "PR"}
# CLP02: processed as primary/secondary/tertiary, denied, processed and forwarded, reversal.
CLAIM_STATUS_CODES = {"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"}
REVERSAL = "22"
DENIED = "4"
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


class RemittanceError(ValueError):
    """A malformed or inconsistent 835; the message says where and why."""

    def __init__(self, message: str, *, segment: int | None = None):
        self.segment = segment
        super().__init__(
            _("Segment %(number)s: %(problem)s") % {"number": segment, "problem": message} if segment else message
        )


@dataclass
class Adjustment:
    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass
class ServiceLine:
    segment: int
    qualifier: str
    procedure_code: str
    modifiers: list[str]
    charge: Decimal
    paid: Decimal
    units: Decimal
    service_date: dt.date | None = None
    control_number: str = ""
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass
class ClaimPayment:
    segment: int
    claim_number: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    payer_claim_number: str
    patient_name: str = ""
    adjustments: list[Adjustment] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)

    @property
    def is_reversal(self) -> bool:
        return self.status_code == REVERSAL

    @property
    def is_denial(self) -> bool:
        return self.status_code == DENIED


@dataclass
class ProviderAdjustment:
    segment: int
    reason: str
    reference: str
    amount: Decimal


@dataclass
class Remittance:
    interchange_control: str
    sender_id: str
    receiver_id: str
    # Signed: a debit (BPR03 = D) is money taken back.
    total_paid: Decimal
    payment_method: str
    payment_date: dt.date
    trace_number: str
    originator_id: str
    payer_name: str
    payer_ids: list[str]
    payee_name: str
    payee_id: str
    claims: list[ClaimPayment] = field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)


@dataclass
class Segment:
    number: int
    id: str
    elements: list[str]

    def name(self, position: int) -> str:
        """An element's name as the X12 guides write it: CLP04."""
        return f"{self.id}{position:02d}"

    def get(self, position: int) -> str:
        """Element `position` (1-based, as X12 numbers them), "" when absent."""
        return self.elements[position - 1].strip() if position <= len(self.elements) else ""

    def required(self, position: int, what: str) -> str:
        value = self.get(position)
        if not value:
            raise RemittanceError(
                _("%(element)s (%(what)s) is missing.") % {"element": self.name(position), "what": what},
                segment=self.number,
            )
        return value

    def amount(self, position: int, what: str, *, optional: bool = False) -> Decimal:
        value = self.get(position)
        if not value and optional:
            return ZERO
        return _decimal(self.required(position, what), f"{self.name(position)} ({what})", self.number, cents=True)

    def quantity(self, position: int, what: str) -> Decimal | None:
        value = self.get(position)
        return _decimal(value, f"{self.name(position)} ({what})", self.number) if value else None

    def date(self, position: int, what: str) -> dt.date:
        value = self.required(position, what)
        try:
            if len(value) != 8 or not value.isdigit():
                raise ValueError
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise RemittanceError(
                _("%(element)s (%(what)s) is not a date as CCYYMMDD: '%(value)s'.")
                % {"element": self.name(position), "what": what, "value": value},
                segment=self.number,
            ) from None


def _decimal(value: str, what: str, segment: int, *, cents: bool = False) -> Decimal:
    if not _NUMBER.match(value):
        raise RemittanceError(
            _("%(what)s is not a number: '%(value)s'.") % {"what": what, "value": value}, segment=segment
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RemittanceError(
            _("%(what)s is not a number: '%(value)s'.") % {"what": what, "value": value}, segment=segment
        ) from None
    if cents:
        if number != number.quantize(CENT):
            raise RemittanceError(
                _("%(what)s has more than two decimals: '%(value)s'.") % {"what": what, "value": value}, segment=segment
            )
        number = number.quantize(CENT)
    return number


def split_segments(text: str) -> tuple[list[Segment], str]:
    """The file's segments, with the separators the ISA declares: the element separator is
    the character after "ISA", the component separator ISA16, and the segment terminator the
    character after it. Line breaks between segments are allowed and ignored."""
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA"):
        raise RemittanceError(_("The file does not start with an ISA segment: it is not an X12 file."), segment=1)
    if len(text) < 106:
        raise RemittanceError(_("The ISA segment is cut short (an ISA is 106 characters)."), segment=1)
    element = text[3]
    if element.isalnum() or element.isspace():
        raise RemittanceError(
            _("ISA declares an unusable element separator '%(separator)s'.") % {"separator": element}, segment=1
        )
    # ISA has 16 elements: the component separator follows the 16th element separator.
    position, seen = 3, 0
    while seen < 16:
        position = text.find(element, position)
        if position == -1:
            raise RemittanceError(_("The ISA segment has fewer than 16 elements."), segment=1)
        seen += 1
        position += 1
    if position + 1 >= len(text):
        raise RemittanceError(_("The file ends inside the ISA segment."), segment=1)
    component, terminator = text[position], text[position + 1]
    if terminator.isalnum() or len({element, component, terminator}) != 3:
        raise RemittanceError(
            _(
                "ISA declares separators that collide or cannot be told apart "
                "(element '%(element)s', component '%(component)s', segment '%(terminator)s')."
            )
            % {"element": element, "component": component, "terminator": terminator},
            segment=1,
        )
    parts = [part.strip("\r\n ") for part in text.split(terminator)]
    # What follows the last terminator may only be line breaks.
    if parts[-1]:
        raise RemittanceError(_("The last segment has no terminator: the file is cut short."), segment=len(parts))
    segments = []
    for number, raw in enumerate(parts[:-1], start=1):
        if not raw:
            raise RemittanceError(_("An empty segment (two terminators in a row)."), segment=number)
        elements = raw.split(element)
        if not re.fullmatch(r"[A-Z][A-Z0-9]{1,2}", elements[0]):
            raise RemittanceError(
                _("'%(text)s' is not a segment identifier.") % {"text": elements[0][:10]}, segment=number
            )
        segments.append(Segment(number, elements[0], elements[1:]))
    return segments, component


class _Reader:
    def __init__(self, segments: list[Segment]):
        self.segments = segments
        self.index = 0

    def peek(self) -> Segment | None:
        return self.segments[self.index] if self.index < len(self.segments) else None

    def next_is(self, *ids: str) -> bool:
        segment = self.peek()
        return segment is not None and segment.id in ids

    def take(self, expected: str, what: str) -> Segment:
        segment = self.peek()
        if segment is None:
            last = self.segments[-1].number + 1 if self.segments else 1
            raise RemittanceError(
                _("The file ends where %(expected)s (%(what)s) was expected.") % {"expected": expected, "what": what},
                segment=last,
            )
        if segment.id != expected:
            raise RemittanceError(
                _("%(found)s found where %(expected)s (%(what)s) was expected.")
                % {"found": segment.id, "expected": expected, "what": what},
                segment=segment.number,
            )
        self.index += 1
        return segment

    def skip(self, *ids: str) -> list[Segment]:
        taken = []
        while self.next_is(*ids):
            taken.append(self.segments[self.index])
            self.index += 1
        return taken


def _adjustments(segment: Segment) -> list[Adjustment]:
    group = segment.required(1, _("claim adjustment group code"))
    if group not in ADJUSTMENT_GROUPS:
        raise RemittanceError(
            _("CAS01 '%(group)s' is not an adjustment group (CO, CR, OA, PI, PR).") % {"group": group},
            segment=segment.number,
        )
    found = []
    for start in range(2, 20, 3):
        reason = segment.get(start)
        amount = segment.get(start + 1)
        if not reason and not amount:
            continue
        if not reason or not amount:
            raise RemittanceError(
                _("%(reason)s/%(amount)s: a reason code needs its amount and an amount its reason.")
                % {"reason": segment.name(start), "amount": segment.name(start + 1)},
                segment=segment.number,
            )
        found.append(
            Adjustment(
                group=group,
                reason=reason,
                amount=segment.amount(start + 1, _("adjustment amount")),
                quantity=segment.quantity(start + 2, _("adjustment quantity")),
            )
        )
    if not found:
        raise RemittanceError(_("CAS has no reason code and amount."), segment=segment.number)
    if len(segment.elements) > 19:
        raise RemittanceError(_("CAS has more than six adjustments."), segment=segment.number)
    return found


def _service_line(segment: Segment, component: str) -> ServiceLine:
    procedure = segment.required(1, _("procedure")).split(component)
    if len(procedure) < 2 or not procedure[0] or not procedure[1]:
        raise RemittanceError(
            _(
                "SVC01 must be a qualifier and a procedure code separated by '%(separator)s' "
                "(such as HC%(separator)sT1019)."
            )
            % {"separator": component},
            segment=segment.number,
        )
    units = segment.quantity(5, _("units paid"))
    return ServiceLine(
        segment=segment.number,
        qualifier=procedure[0],
        procedure_code=procedure[1],
        modifiers=[m for m in procedure[2:6] if m],
        charge=segment.amount(2, _("line charge")),
        paid=segment.amount(3, _("line paid")),
        units=units if units is not None else Decimal("1"),
    )


def _claim(reader: _Reader, component: str) -> ClaimPayment:
    clp = reader.take("CLP", _("claim payment"))
    status = clp.required(2, _("claim status code"))
    if status not in CLAIM_STATUS_CODES:
        raise RemittanceError(
            _("CLP02 '%(code)s' is not a claim status code this 835 may use.") % {"code": status}, segment=clp.number
        )
    claim = ClaimPayment(
        segment=clp.number,
        claim_number=clp.required(1, _("claim number")),
        status_code=status,
        charge=clp.amount(3, _("claim charge")),
        paid=clp.amount(4, _("claim paid")),
        patient_responsibility=clp.amount(5, _("patient responsibility"), optional=True),
        payer_claim_number=clp.get(7),
    )
    for cas in reader.skip("CAS"):
        claim.adjustments.extend(_adjustments(cas))
    patient = reader.take("NM1", _("patient name"))
    if patient.get(1) != "QC":
        raise RemittanceError(_("The NM1 after CLP must name the patient (NM101 = QC)."), segment=patient.number)
    claim.patient_name = " ".join(p for p in (patient.get(4), patient.get(3)) if p)
    reader.skip("NM1", "MIA", "MOA", "REF", "DTM", "PER", "AMT", "QTY")
    while reader.next_is("SVC"):
        line = _service_line(reader.take("SVC", _("service payment")), component)
        while reader.next_is("DTM", "CAS", "REF", "AMT", "QTY", "LQ"):
            segment = reader.take(reader.peek().id, "")  # type: ignore[union-attr]
            if segment.id == "DTM" and segment.get(1) in ("472", "150"):
                line.service_date = segment.date(2, _("service date"))
            elif segment.id == "CAS":
                line.adjustments.extend(_adjustments(segment))
            elif segment.id == "REF" and segment.get(1) == "6R":
                line.control_number = segment.required(2, _("line item control number"))
        _balance(
            line.charge - line.paid,
            sum((a.amount for a in line.adjustments), ZERO),
            _("the line's charge %(charge)s less its paid %(paid)s") % {"charge": line.charge, "paid": line.paid},
            line.segment,
        )
        claim.lines.append(line)
    line_adjustments = sum((a.amount for line in claim.lines for a in line.adjustments), ZERO)
    _balance(
        claim.charge - claim.paid,
        sum((a.amount for a in claim.adjustments), ZERO) + line_adjustments,
        _("claim %(claim)s's charge %(charge)s less its paid %(paid)s")
        % {"claim": claim.claim_number, "charge": claim.charge, "paid": claim.paid},
        claim.segment,
    )
    if claim.lines and sum((line.charge for line in claim.lines), ZERO) != claim.charge:
        raise RemittanceError(
            _("Claim %(claim)s's charge %(charge)s is not the sum of its lines' charges.")
            % {"claim": claim.claim_number, "charge": claim.charge},
            segment=claim.segment,
        )
    return claim


def _balance(expected: Decimal, adjusted: Decimal, what: str, segment: int) -> None:
    if expected != adjusted:
        raise RemittanceError(
            _("The file does not balance: %(what)s is %(expected)s, but its adjustments (CAS) add up to %(adjusted)s.")
            % {"what": what, "expected": expected, "adjusted": adjusted},
            segment=segment,
        )


def _provider_adjustments(segment: Segment, component: str) -> list[ProviderAdjustment]:
    found = []
    for start in range(3, 15, 2):
        code = segment.get(start)
        if not code:
            continue
        reason, _separator, reference = code.partition(component)
        found.append(
            ProviderAdjustment(
                segment=segment.number,
                reason=reason,
                reference=reference,
                amount=segment.amount(start + 1, _("provider adjustment amount")),
            )
        )
    return found


def _envelope_count(segment: Segment, position: int, what: str, expected: int) -> None:
    value = segment.required(position, what)
    if not value.isdigit() or int(value) != expected:
        raise RemittanceError(
            _("%(element)s says %(value)s %(what)s, the file has %(expected)s.")
            % {"element": segment.name(position), "value": value, "what": what, "expected": expected},
            segment=segment.number,
        )


def _same_control(segment: Segment, position: int, opener: Segment, opener_position: int) -> None:
    closing, opening = segment.get(position), opener.get(opener_position)
    if closing.lstrip("0") != opening.lstrip("0") or not closing:
        raise RemittanceError(
            _("%(element)s control number '%(closing)s' does not match %(opener)s '%(opening)s' (segment %(number)s).")
            % {
                "element": segment.name(position),
                "closing": closing,
                "opener": opener.name(opener_position),
                "opening": opening,
                "number": opener.number,
            },
            segment=segment.number,
        )


def parse_835(text: str) -> Remittance:
    segments, component = split_segments(text)
    reader = _Reader(segments)
    isa = reader.take("ISA", _("interchange header"))
    if len(isa.elements) != 16:
        raise RemittanceError(
            _("ISA has %(count)s elements, not 16.") % {"count": len(isa.elements)}, segment=isa.number
        )
    if isa.get(12) != "00501":
        raise RemittanceError(
            _("ISA12 version '%(version)s' is not 00501 (X12 5010).") % {"version": isa.get(12)}, segment=isa.number
        )
    if not re.fullmatch(r"\d{9}", isa.get(13)):
        raise RemittanceError(_("ISA13 (interchange control number) must be nine digits."), segment=isa.number)
    gs = reader.take("GS", _("functional group header"))
    if gs.get(1) != "HP":
        raise RemittanceError(
            _("GS01 '%(code)s' is not HP: this is not a claim payment (835) group.") % {"code": gs.get(1)},
            segment=gs.number,
        )
    if not gs.get(8).startswith("005010X221"):
        raise RemittanceError(
            _("GS08 '%(version)s' is not the 835 5010 version 005010X221A1.") % {"version": gs.get(8)},
            segment=gs.number,
        )
    st = reader.take("ST", _("transaction set header"))
    if st.get(1) != "835":
        raise RemittanceError(_("ST01 '%(code)s' is not 835.") % {"code": st.get(1)}, segment=st.number)
    st.required(2, _("transaction set control number"))

    bpr = reader.take("BPR", _("financial information"))
    credit = bpr.required(3, _("credit or debit flag"))
    if credit not in ("C", "D"):
        raise RemittanceError(
            _("BPR03 '%(code)s' must be C (credit) or D (debit).") % {"code": credit}, segment=bpr.number
        )
    total = bpr.amount(2, _("total payment"))
    trn = reader.take("TRN", _("reassociation trace number"))
    if trn.get(1) != "1":
        raise RemittanceError(_("TRN01 must be 1 (current transaction trace number)."), segment=trn.number)
    if len(trn.get(2)) > 50:
        raise RemittanceError(_("TRN02 (trace number) is longer than 50 characters."), segment=trn.number)
    reader.skip("CUR", "REF", "DTM")

    n1 = reader.take("N1", _("payer identification"))
    if n1.get(1) != "PR":
        raise RemittanceError(_("The first N1 must identify the payer (N101 = PR)."), segment=n1.number)
    payer_ids = [n1.get(4)] if n1.get(4) else []
    reader.take("N3", _("payer address"))
    reader.take("N4", _("payer city, state and ZIP code"))
    for ref in reader.skip("REF"):
        if ref.get(1) == "2U" and ref.get(2):
            payer_ids.append(ref.get(2))
    reader.skip("PER")
    payee = reader.take("N1", _("payee identification"))
    if payee.get(1) != "PE":
        raise RemittanceError(_("The second N1 must identify the payee (N101 = PE)."), segment=payee.number)
    reader.skip("N3", "N4", "REF", "RDM")

    remittance = Remittance(
        interchange_control=isa.get(13),
        sender_id=isa.get(6),
        receiver_id=isa.get(8),
        total_paid=total if credit == "C" else -total,
        payment_method=bpr.get(4),
        payment_date=bpr.date(16, _("payment date")),
        trace_number=trn.required(2, _("check or EFT trace number")),
        originator_id=trn.get(3),
        payer_name=n1.required(2, _("payer name")),
        payer_ids=payer_ids,
        payee_name=payee.get(2),
        payee_id=payee.get(4),
    )
    while reader.next_is("LX"):
        reader.take("LX", _("header number"))
        reader.skip("TS3", "TS2")
        if not reader.next_is("CLP"):
            segment = reader.peek()
            raise RemittanceError(
                _("LX must be followed by a claim (CLP)."),
                segment=segment.number if segment else segments[-1].number + 1,
            )
        while reader.next_is("CLP"):
            remittance.claims.append(_claim(reader, component))
    for plb in reader.skip("PLB"):
        remittance.provider_adjustments.extend(_provider_adjustments(plb, component))

    se = reader.take("SE", _("transaction set trailer"))
    _envelope_count(se, 1, _("segments"), se.number - st.number + 1)
    _same_control(se, 2, st, 2)
    if reader.next_is("ST"):
        raise RemittanceError(
            _("This file holds more than one payment (ST…SE); import each payment as a file of its own."),
            segment=reader.peek().number,  # type: ignore[union-attr]
        )
    ge = reader.take("GE", _("functional group trailer"))
    _envelope_count(ge, 1, _("transaction sets"), 1)
    _same_control(ge, 2, gs, 6)
    if reader.next_is("GS"):
        raise RemittanceError(
            _("This file holds more than one functional group (GS…GE); import each payment as a file of its own."),
            segment=reader.peek().number,  # type: ignore[union-attr]
        )
    iea = reader.take("IEA", _("interchange trailer"))
    _envelope_count(iea, 1, _("functional groups"), 1)
    _same_control(iea, 2, isa, 13)
    extra = reader.peek()
    if extra is not None:
        raise RemittanceError(
            _("%(found)s found after IEA: the file must end with IEA.") % {"found": extra.id}, segment=extra.number
        )

    claims_paid = sum((claim.paid for claim in remittance.claims), ZERO)
    provider = sum((plb.amount for plb in remittance.provider_adjustments), ZERO)
    if claims_paid - provider != remittance.total_paid:
        raise RemittanceError(
            (
                _(
                    "The file does not balance: BPR02 pays %(total)s, but the claims' payments (CLP04) add up to "
                    "%(claims)s less %(provider)s of provider adjustments (PLB)."
                )
                if provider
                else _(
                    "The file does not balance: BPR02 pays %(total)s, but the claims' payments (CLP04) "
                    "add up to %(claims)s."
                )
            )
            % {"total": remittance.total_paid, "claims": claims_paid, "provider": provider},
            segment=bpr.number,
        )
    return remittance
