"""Reading 835 files: separators from the ISA, each segment's values, and every malformed or
unbalanced file refused with the segment and the problem named."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from apps.billing.tests.pyx12_support import pyx12_errors_835
from apps.billing.tests.remit_support import SEGMENTS, make_claim, make_payer, text
from apps.billing.x12.in835 import RemittanceError, parse_835
from apps.billing.x12.sample835 import build_835


def replaced(old: str, new: str | None) -> str:
    segments = [s for s in (new if s == old else s for s in SEGMENTS) if s is not None]
    return text(segments)


def test_it_reads_the_payment_the_payer_and_each_claim_with_its_lines_and_adjustments():
    remittance = parse_835(text())
    assert remittance.total_paid == Decimal("90.00")
    assert remittance.payment_date == dt.date(2026, 12, 1)
    assert remittance.trace_number == "EFT0001"
    assert remittance.payer_name == "STATE MEDICAID"
    assert remittance.payer_ids == ["SKMD0"]
    paid, denied, reversal = remittance.claims
    assert (paid.claim_number, paid.status_code, paid.charge, paid.paid, paid.patient_responsibility) == (
        "CLM1",
        "1",
        Decimal("150.00"),
        Decimal("110.00"),
        Decimal("20.00"),
    )
    assert paid.payer_claim_number == "PCN1"
    first, second = paid.lines
    assert (first.procedure_code, first.modifiers, first.units) == ("T1019", ["U1", "U2"], Decimal("4"))
    assert first.service_date == dt.date(2026, 11, 2)
    assert first.control_number == "LINE-A"
    assert [(a.group, a.reason, a.amount) for a in first.adjustments] == [
        ("PR", "1", Decimal("15.00")),
        ("PR", "2", Decimal("5.00")),
    ]
    assert second.units == Decimal("1")
    assert second.adjustments[0].quantity == Decimal("2")
    assert denied.is_denial and [(a.group, a.reason) for a in denied.adjustments] == [("CO", "96")]
    assert reversal.is_reversal and reversal.paid == Decimal("-40.00")
    assert remittance.provider_adjustments[0].amount == Decimal("-20.00")


@pytest.mark.parametrize(
    ("element", "component", "terminator", "newline"),
    [("|", ">", "~", ""), ("*", "^", "\n", ""), ("^", "\\", "'", "\r\n")],
)
def test_it_takes_the_separators_from_the_isa(element, component, terminator, newline):
    segments = [s.replace("*", element).replace(":", component) for s in SEGMENTS]
    # The ISA's repetition separator must not collide with the chosen ones.
    segments[0] = (
        segments[0].replace(f"{element}^{element}", f"{element}U{element}")
        if "^" in (element, component)
        else segments[0]
    )
    remittance = parse_835((terminator + newline).join(segments) + terminator)
    assert remittance.claims[0].lines[0].modifiers == ["U1", "U2"]
    assert remittance.total_paid == Decimal("90.00")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("hello", "does not start with an ISA"),
        (text()[:60], "cut short"),
        (text().replace("IEA*1*000000007~\n", "IEA*1*000000007"), "no terminator"),
        (replaced("SE*26*0001", "SE*25*0001"), "Segment 28: SE01 says 25 segments, the file has 26"),
        (replaced("SE*26*0001", "SE*26*0002"), "SE02 control number '0002' does not match ST02"),
        (replaced("GE*1*7", "GE*1*8"), "GE02 control number '8' does not match GS06"),
        (replaced("IEA*1*000000007", "IEA*1*000000008"), "IEA02 control number"),
        (replaced("IEA*1*000000007", "IEA*2*000000007"), "IEA01 says 2 functional groups"),
        (
            replaced(
                "GS*HP*SKMD0*STARLINE*20261201*1200*7*X*005010X221A1",
                "GS*HC*SKMD0*STARLINE*20261201*1200*7*X*005010X222A1",
            ),
            "Segment 2: GS01 'HC' is not HP",
        ),
        (replaced("ST*835*0001", "ST*837*0001"), "ST01 '837' is not 835"),
        (replaced("TRN*1*EFT0001*1512345678", None), "Segment 5: N1 found where TRN"),
        (replaced("TRN*1*EFT0001*1512345678", "TRN*1*" + "9" * 51), "TRN02 (trace number) is longer than 50"),
        (
            replaced(
                "BPR*I*90*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261201",
                "BPR*I*210*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261341",
            ),
            "BPR16 (payment date) is not a date",
        ),
        (
            replaced(
                "BPR*I*90*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261201",
                "BPR*I*91*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261201",
            ),
            "BPR02 pays 91.00, but the claims' payments (CLP04) add up to 70.00 less -20.00",
        ),
        (
            replaced("CLP*CLM1*1*150*110*20*MC*PCN1*12*1", "CLP*CLM1*9*150*110*20*MC*PCN1*12*1"),
            "Segment 12: CLP02 '9' is not a claim status code",
        ),
        (
            replaced("CLP*CLM1*1*150*110*20*MC*PCN1*12*1", "CLP*CLM1*1*150*11O*20*MC*PCN1*12*1"),
            "CLP04 (claim paid) is not a number: '11O'",
        ),
        (
            replaced("CLP*CLM1*1*150*110*20*MC*PCN1*12*1", "CLP*CLM1*1*150*110.001*20*MC*PCN1*12*1"),
            "more than two decimals",
        ),
        (
            replaced("CLP*CLM1*1*150*110*20*MC*PCN1*12*1", "CLP**1*150*110*20*MC*PCN1*12*1"),
            "CLP01 (claim number) is missing",
        ),
        (replaced("NM1*QC*1*LOPEZ*MARIA****MI*M1", None), "Segment 13: SVC found where NM1 (patient name)"),
        (
            replaced("SVC*HC:T1019:U1:U2*100*80**4", "SVC*T1019*100*80**4"),
            "SVC01 must be a qualifier and a procedure code",
        ),
        (replaced("CAS*PR*1*15**2*5", "CAS*XX*1*20"), "CAS01 'XX' is not an adjustment group"),
        (replaced("CAS*PR*1*15**2*5", "CAS*PR*1"), "a reason code needs its amount"),
        (
            replaced("CAS*PR*1*15**2*5", "CAS*PR*1*25"),
            "Segment 14: The file does not balance: the line's charge 100.00 less its paid 80.00 is 20.00, "
            "but its adjustments (CAS) add up to 25.00",
        ),
        (replaced("CAS*CO*96*75", "CAS*CO*96*70"), "claim CLM2's charge 75.00 less its paid 0.00 is 75.00"),
        (replaced("LX*2", "FOO*2"), "FOO found where SE"),
        (text() + "ISA*00~\n", "ISA found after IEA"),
        (text().replace("CLP*CLM2", "clp*CLM2"), "'clp' is not a segment identifier"),
        (text().replace("~\nLX*2", "~\n~\nLX*2"), "An empty segment"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_segment_and_the_problem(content, message):
    with pytest.raises(RemittanceError) as caught:
        parse_835(content)
    assert message in str(caught.value)


def test_two_payments_in_one_file_are_refused_with_a_clear_message():
    segments = [*SEGMENTS[:28], "ST*835*0002", *SEGMENTS[3:28], *SEGMENTS[28:]]
    with pytest.raises(RemittanceError, match="more than one payment"):
        parse_835(text(segments))


def test_the_sample_835_of_our_claims_validates_in_pyx12_and_reads_back(org_a):
    with org_a:
        payer = make_payer()
        paid = make_claim(payer)
        partial = make_claim(payer, ("60.00",))
        denied = make_claim(payer, ("20.00", "40.00"))
        content = build_835(
            [paid, partial, denied],
            paid={partial.claim_number: Decimal("45.50")},
            denied=[denied.claim_number],
            adjustments={partial.claim_number: ("PR", "2")},
            trace_number="CHK123",
            payment_date=dt.date(2026, 12, 1),
        )
        first_line = paid.lines.order_by("line_number")[0]
        correction = build_835(
            [paid],
            reversed=[paid.claim_number],
            paid={paid.claim_number: Decimal("120.00")},
            trace_number="CHK124",
            payment_date=dt.date(2026, 12, 2),
        )
    valid, errors = pyx12_errors_835(content)
    assert valid and not errors, errors
    valid, errors = pyx12_errors_835(correction)
    assert valid and not errors, errors
    assert [c.status_code for c in parse_835(correction).claims] == ["22", "1"]
    # The check can fail: without the payer's address pyx12 objects.
    assert pyx12_errors_835(content.replace("N3*1 CAPITOL WAY~\n", ""))[1]
    remittance = parse_835(content)
    assert remittance.total_paid == Decimal("195.50")
    assert [c.status_code for c in remittance.claims] == ["1", "1", "4"]
    assert remittance.claims[1].patient_responsibility == Decimal("14.50")
    assert remittance.claims[0].lines[0].control_number == str(first_line.pk)


def test_the_problem_is_told_in_the_readers_language():
    with translation.override("es"), pytest.raises(RemittanceError) as caught:
        parse_835(replaced("CAS*CO*96*75", "CAS*CO*96*70"))
    assert str(caught.value).startswith("Segmento 21: El archivo no cuadra: el cargo de la reclamación CLM2")
