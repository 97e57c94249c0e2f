"""Posting an 835 built for our own claims: payments per claim and line adding up to the
payment, partial payments leaving a balance explained by CAS, denials, what did not match,
and reversals undoing a posting."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing.models import Claim, ClaimAdjustment, ClaimEvent, ClaimLine, Interchange
from apps.billing.remittance import remittance_import
from apps.billing.tests.remit_support import make_claim, make_payer, text
from apps.billing.x12.sample835 import build_835
from conftest import person

PAID_ON = dt.date(2026, 12, 1)


@pytest.fixture
def billing(org_a):
    return person(org_a, "billing")


def test_an_835_for_our_claims_posts_what_the_payer_paid_and_the_totals_match(org_a, billing):
    with org_a:
        payer = make_payer()
        claims = [make_claim(payer), make_claim(payer, ("80.00",)), make_claim(payer, ("20.00", "40.00", "60.00"))]
        content = build_835(claims, trace_number="EFT1", payment_date=PAID_ON)
        remittance = remittance_import(content=content, actor=billing, filename="era.835")
        assert remittance.kind == Interchange.Kind.REMITTANCE_835
        assert (remittance.payer, remittance.trace_number, remittance.payment_date) == (payer, "EFT1", PAID_ON)
        assert remittance.total_paid == Decimal("350.00")
        assert remittance.claim_count == 3 and remittance.unmatched == []
        posted = Claim.objects.filter(pk__in=[c.pk for c in claims])
        assert sum(c.amount_paid for c in posted) == remittance.total_paid
        assert sum(line.amount_paid for line in ClaimLine.objects.filter(claim__in=posted)) == remittance.total_paid
        assert {c.status for c in posted} == {Claim.Status.PAID}
        assert {c.payment_date for c in posted} == {PAID_ON}
        assert {line.status for line in ClaimLine.objects.filter(claim__in=posted)} == {ClaimLine.Status.PAID}
        claim = posted.get(pk=claims[0].pk)
        assert claim.payer_claim_number == f"PCN{claim.claim_number}"
        event = ClaimEvent.objects.get(claim=claim)
        assert (event.from_status, event.to_status, event.amount) == ("submitted", "paid", Decimal("150.00"))
        assert event.interchange == remittance and event.actor == billing


def test_a_partial_payment_leaves_a_balance_explained_by_pr_and_co_adjustments(org_a, billing):
    with org_a:
        payer = make_payer()
        deductible, contractual = make_claim(payer), make_claim(payer, ("80.00",))
        content = build_835(
            [deductible, contractual],
            paid={deductible.claim_number: Decimal("110.00"), contractual.claim_number: Decimal("64.00")},
            adjustments={deductible.claim_number: ("PR", "1")},
            trace_number="EFT2",
            payment_date=PAID_ON,
        )
        remittance = remittance_import(content=content, actor=billing)
        deductible.refresh_from_db()
        contractual.refresh_from_db()
        assert remittance.total_paid == Decimal("174.00")
        assert (deductible.status, deductible.amount_paid, deductible.balance) == (
            Claim.Status.PROCESSED,
            Decimal("110.00"),
            Decimal("40.00"),
        )
        assert deductible.patient_responsibility == Decimal("40.00")
        first, second = deductible.lines.order_by("line_number")
        assert (first.amount_paid, first.status) == (Decimal("100.00"), ClaimLine.Status.PAID)
        assert (second.amount_paid, second.status) == (Decimal("10.00"), ClaimLine.Status.PARTIAL)
        adjustment = ClaimAdjustment.objects.get(claim=deductible)
        assert (adjustment.line, adjustment.group_code, adjustment.reason_code, adjustment.amount) == (
            second,
            "PR",
            "1",
            Decimal("40.00"),
        )
        assert contractual.balance == Decimal("16.00") and contractual.patient_responsibility == 0
        assert ClaimAdjustment.objects.get(claim=contractual).group_code == "CO"


def test_a_denial_marks_the_claim_and_its_lines_denied_with_the_reason(org_a, billing):
    with org_a:
        payer = make_payer()
        claim = make_claim(payer)
        content = build_835(
            [claim],
            denied=[claim.claim_number],
            adjustments={claim.claim_number: ("CO", "197")},
            trace_number="EFT3",
            payment_date=PAID_ON,
        )
        remittance_import(content=content, actor=billing)
        claim.refresh_from_db()
        assert (claim.status, claim.amount_paid, claim.payment_date, claim.processed_date) == (
            Claim.Status.DENIED,
            0,
            None,
            PAID_ON,
        )
        assert {line.status for line in claim.lines.all()} == {ClaimLine.Status.DENIED}
        assert sorted(a.amount for a in claim.adjustments.all()) == [Decimal("50.00"), Decimal("100.00")]
        assert {a.reason_code for a in claim.adjustments.all()} == {"197"}


def test_a_claim_we_never_sent_is_listed_and_not_posted_while_the_rest_posts(org_a, billing):
    with org_a:
        payer = make_payer()
        ours, other = make_claim(payer), make_claim(payer, ("80.00",))
        content = build_835([ours, other], trace_number="EFT4", payment_date=PAID_ON)
        content = content.replace(f"CLP*{other.claim_number}*", "CLP*NOT-OURS-9*")
        remittance = remittance_import(content=content, actor=billing)
        ours.refresh_from_db()
        other.refresh_from_db()
        assert ours.status == Claim.Status.PAID
        assert (other.status, other.amount_paid) == (Claim.Status.SUBMITTED, 0)
        assert remittance.claim_count == 1
        assert remittance.unmatched == [
            {"claim": "NOT-OURS-9", "segment": 21, "amount": "80.00", "why": "No claim of ours has this number."}
        ]


def test_lines_are_matched_by_code_date_and_charge_without_a_line_control_number(org_a, billing):
    with org_a:
        payer = make_payer()
        claim = make_claim(payer, ("40.00", "40.00"))
        content = build_835(
            [claim],
            paid={claim.claim_number: Decimal("60.00")},
            trace_number="EFT5",
            payment_date=PAID_ON,
            line_control_numbers=False,
        )
        remittance_import(content=content, actor=billing)
        assert [line.amount_paid for line in claim.lines.order_by("line_number")] == [
            Decimal("40.00"),
            Decimal("20.00"),
        ]


def test_a_line_the_claim_does_not_have_is_listed_and_not_posted(org_a, billing):
    with org_a:
        payer = make_payer()
        claim = make_claim(payer)
        content = build_835([claim], trace_number="EFT6", payment_date=PAID_ON, line_control_numbers=False)
        content = content.replace(
            "SVC*HC:T1019:U1*50*50**4~\nDTM*472*20261103", "SVC*HC:T2025:U1*50*50**4~\nDTM*472*20261103"
        )
        remittance = remittance_import(content=content, actor=billing)
        first, second = claim.lines.order_by("line_number")
        assert (first.amount_paid, second.amount_paid, second.status) == (
            Decimal("100.00"),
            0,
            ClaimLine.Status.PENDING,
        )
        [entry] = remittance.unmatched
        assert (entry["claim"], entry["line"], entry["date"], entry["amount"]) == (
            claim.claim_number,
            "T2025 U1",
            "2026-11-03",
            "50.00",
        )


def test_a_reversal_undoes_the_earlier_posting_and_its_correction_posts_anew(org_a, billing):
    with org_a:
        payer = make_payer()
        claim = make_claim(payer)
        remittance_import(content=build_835([claim], trace_number="EFT7", payment_date=PAID_ON), actor=billing)
        claim.refresh_from_db()
        reversal = build_835([claim], reversed=[claim.claim_number], trace_number="EFT8", payment_date=PAID_ON)
        remittance = remittance_import(content=reversal, actor=billing)
        claim.refresh_from_db()
        assert remittance.total_paid == Decimal("-150.00")
        assert (claim.status, claim.amount_paid, claim.payment_date) == (Claim.Status.SUBMITTED, 0, None)
        assert {(line.amount_paid, line.status) for line in claim.lines.all()} == {(0, ClaimLine.Status.PENDING)}
        assert [e.to_status for e in claim.events.order_by("created_at")] == ["paid", "submitted"]
        # The payer's corrected decision posts on the claim put back.
        remittance_import(
            content=build_835(
                [claim], paid={claim.claim_number: Decimal("120.00")}, trace_number="EFT9", payment_date=PAID_ON
            ),
            actor=billing,
        )
        claim.refresh_from_db()
        assert (claim.status, claim.amount_paid) == (Claim.Status.PROCESSED, Decimal("120.00"))


def test_a_claim_already_paid_is_not_paid_twice_without_a_reversal(org_a, billing):
    with org_a:
        payer = make_payer()
        claim = make_claim(payer)
        remittance_import(content=build_835([claim], trace_number="EFT10", payment_date=PAID_ON), actor=billing)
        again = remittance_import(content=build_835([claim], trace_number="EFT11", payment_date=PAID_ON), actor=billing)
        claim.refresh_from_db()
        assert claim.amount_paid == Decimal("150.00")
        assert "not awaiting payment" in again.unmatched[0]["why"]
        assert again.claim_count == 0


def test_posting_costs_the_same_queries_for_three_claims_or_thirty(org_a, billing):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    with org_a:
        # The first import also fills per-process caches (content types): not counted.
        for size, trace in ((1, "WARM"), (3, "SMALL"), (30, "LARGE")):
            payer = make_payer(name=f"Payer {trace}", edi_payer_id=trace)
            claims = [make_claim(payer, ("10.00", "20.00", "30.00")) for _ in range(size)]
            content = build_835(
                claims,
                paid={c.claim_number: Decimal("45.00") for c in claims},
                trace_number=trace,
                payment_date=PAID_ON,
            )
            with CaptureQueriesContext(connection) as queries:
                remittance_import(content=content, actor=billing)
            counts.append(len(queries))
    assert counts[1] == counts[2]


def test_a_reversal_and_its_correction_in_one_file_leave_the_corrected_payment(org_a, billing):
    with org_a:
        payer = make_payer()
        claim = make_claim(payer)
        remittance_import(content=build_835([claim], trace_number="EFT12", payment_date=PAID_ON), actor=billing)
        content = build_835(
            [claim],
            reversed=[claim.claim_number],
            paid={claim.claim_number: Decimal("90.00")},
            adjustments={claim.claim_number: ("CO", "45")},
            trace_number="EFT13",
            payment_date=PAID_ON,
        )
        remittance = remittance_import(content=content, actor=billing)
        claim.refresh_from_db()
        assert remittance.total_paid == Decimal("-60.00")
        assert remittance.claim_count == 1
        assert (claim.status, claim.amount_paid) == (Claim.Status.PROCESSED, Decimal("90.00"))
        assert [line.amount_paid for line in claim.lines.order_by("line_number")] == [Decimal("90.00"), 0]
        assert [e.to_status for e in claim.events.order_by("created_at")] == ["paid", "submitted", "processed"]


def test_provider_adjustments_and_unknown_claims_are_listed_not_posted(org_a, billing):
    with org_a:
        make_payer(name="State Medicaid", edi_payer_id="SKMD0")
        remittance = remittance_import(content=text(), actor=billing)
        assert remittance.total_paid == Decimal("90.00") and remittance.claim_count == 0
        assert [(u["claim"], u["amount"]) for u in remittance.unmatched] == [
            ("CLM1", "110.00"),
            ("CLM2", "0.00"),
            ("CLM3", "-40.00"),
            ("", "20.00"),
        ]
        assert remittance.unmatched[-1]["why"] == "Provider adjustment WO ACCT9: part of the payment, on no claim."


def test_a_line_paid_more_than_its_charge_is_paid_and_so_is_its_claim(org_a, billing):
    with org_a:
        claim = make_claim(make_payer(), ("100.00",))
        line = claim.lines.get()
        paid_in_full = build_835([claim], trace_number="EFT-OVER", payment_date=PAID_ON)
        # The payer pays 110.00 for the 100.00 line; the CAS of -10.00 keeps the file balanced.
        content = (
            paid_in_full.replace("BPR*C*100*", "BPR*C*110*")
            .replace(f"CLP*{claim.claim_number}*1*100*100*", f"CLP*{claim.claim_number}*1*100*110*")
            .replace("SVC*HC:T1019:U1*100*100**4~\n", "SVC*HC:T1019:U1*100*110**4~\n")
            .replace(f"REF*6R*{line.pk}~", f"CAS*CO*45*-10~\nREF*6R*{line.pk}~")
            .replace("SE*15*", "SE*16*")
        )
        remittance = remittance_import(content=content, actor=billing)
        assert remittance.unmatched == [] and remittance.total_paid == Decimal("110.00")
        posted = Claim.objects.get(pk=claim.pk)
        assert (posted.status, posted.amount_paid, posted.balance) == (
            Claim.Status.PAID,
            Decimal("110.00"),
            Decimal("-10.00"),
        )
        assert ClaimLine.objects.get(pk=line.pk).status == ClaimLine.Status.PAID
