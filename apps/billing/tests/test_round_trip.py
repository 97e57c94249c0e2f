"""A round trip through billing as production runs it: billable services → claims_build →
claims_export (an 837P that pyx12 accepts, a control number on each line) → the payer's 835
for those claims (paid in full, in part with CO or PR adjustments, denied) →
remittance_import. Each claim and line ends with the amounts, status and balance the 835
says; the sum posted is the 835's BPR amount; the receivables page shows the open balances
an independent SQL query finds; the same 835 imported again is refused and posts nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from apps.billing import claims as services
from apps.billing.models import Claim, ClaimAdjustment, ClaimEvent, ClaimLine, Interchange
from apps.billing.remittance import remittance_import
from apps.billing.tests import claims_support as s
from apps.billing.tests.pyx12_support import assert_valid, pyx12_errors_835
from apps.billing.x12.in835 import parse_835
from apps.billing.x12.sample835 import build_835
from conftest import person, signed_in

S = Claim.Status
NOV = dt.date(2026, 11, 3)


def _swap_first_two_service_lines(content: str, claim_number: str) -> str:
    """The claim's first two SVC blocks in the other order: only their REF*6R can then say
    which line each pays (both have the same code, date and charge)."""
    segments = content.split("~\n")
    clp = next(i for i, seg in enumerate(segments) if seg.startswith(f"CLP*{claim_number}*"))
    # Where each SVC block starts, and where the claim's last one ends.
    bounds = [i for i in range(clp + 1, len(segments)) if segments[i].startswith(("SVC*", "LX*", "CLP*", "SE*"))]
    first, second, end = bounds[:3]
    segments[first:end] = segments[second:end] + segments[first:second]
    return "~\n".join(segments)


@pytest.fixture
def trip(org_a):
    s.set_identity(org_a)
    billing = person(org_a, "billing")
    with org_a:
        payer = s.make_payer()
        service = s.make_service()
        clients = {
            name: s.make_client(payer, first_name=name, last_name="Trip") for name in ("Ann", "Ben", "Cy", "Dee", "Eve")
        }
        s.make_billables(clients["Ann"], payer, service, [NOV, NOV + dt.timedelta(days=1)])
        # Two lines alike in all but their id: the 835 says which is which by REF*6R.
        s.make_billables(clients["Ben"], payer, service, [NOV, NOV])
        s.make_billables(clients["Cy"], payer, service, [NOV + dt.timedelta(days=i) for i in range(3)], units="6")
        s.make_billables(clients["Dee"], payer, service, [NOV])
        s.make_billables(clients["Eve"], payer, service, [NOV])
        built = services.claims_build(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), actor=billing)
        claims = {claim.client.first_name: claim for claim in built}
        interchange = services.claims_export(claims=built, actor=billing)
        answered = [claims[name] for name in ("Ann", "Ben", "Cy", "Dee")]
        content = build_835(
            answered,
            paid={claims["Ben"].claim_number: Decimal("30.00"), claims["Cy"].claim_number: Decimal("80.00")},
            denied=[claims["Dee"].claim_number],
            adjustments={claims["Cy"].claim_number: ("PR", "2")},
            trace_number="EFT-TRIP-1",
            payment_date=dt.date(2026, 12, 1),
        )
        content = _swap_first_two_service_lines(content, claims["Ben"].claim_number)
        yield {
            "claims": claims,
            "sent": interchange,
            "content": content,
            "actor": billing,
            "remittance": remittance_import(content=content, actor=billing, filename="trip.835"),
        }


def _lines(claim: Claim) -> list[tuple[Decimal, Decimal, str]]:
    return list(
        ClaimLine.objects.filter(claim=claim).order_by("line_number").values_list("charge", "amount_paid", "status")
    )


def test_the_837p_sent_validates_and_names_each_line(org_a, trip):
    assert_valid(trip["sent"].content)
    with org_a:
        ids = {str(pk) for pk in ClaimLine.objects.values_list("pk", flat=True)}
    sent = {seg.split("*")[2] for seg in trip["sent"].content.split("~\n") if seg.startswith("REF*6R*")}
    assert sent == ids and len(ids) == 9


def test_the_835_validates_and_echoes_the_lines_control_numbers(org_a, trip):
    valid, errors = pyx12_errors_835(trip["content"])
    assert valid and not errors, errors
    echoed = {line.control_number for claim in parse_835(trip["content"]).claims for line in claim.lines}
    with org_a:
        answered = ClaimLine.objects.exclude(claim__client__first_name="Eve").values_list("pk", flat=True)
        assert echoed == {str(pk) for pk in answered}


def test_each_claim_and_line_ends_as_the_835_says(org_a, trip):
    with org_a:
        got = {c.client.first_name: c for c in Claim.objects.select_related("client")}
        ann, ben, cy, dee, eve = (got[name] for name in ("Ann", "Ben", "Cy", "Dee", "Eve"))
        d = Decimal
        assert (ann.status, ann.amount_paid, ann.balance) == (S.PAID, d("50.00"), d("0.00"))
        assert _lines(ann) == [(d("25.00"), d("25.00"), "paid"), (d("25.00"), d("25.00"), "paid")]
        # The 835 paid Ben's second line in part and his first in full, in that order.
        assert (ben.status, ben.amount_paid, ben.balance) == (S.PROCESSED, d("30.00"), d("20.00"))
        assert _lines(ben) == [(d("25.00"), d("25.00"), "paid"), (d("25.00"), d("5.00"), "partial")]
        assert (cy.status, cy.amount_paid, cy.balance, cy.patient_responsibility) == (
            S.PROCESSED,
            d("80.00"),
            d("32.50"),
            d("32.50"),
        )
        assert _lines(cy) == [
            (d("37.50"), d("37.50"), "paid"),
            (d("37.50"), d("37.50"), "paid"),
            (d("37.50"), d("5.00"), "partial"),
        ]
        assert (dee.status, dee.amount_paid, dee.balance) == (S.DENIED, d("0.00"), d("25.00"))
        assert _lines(dee) == [(d("25.00"), d("0.00"), "denied")]
        assert (eve.status, eve.amount_paid, eve.balance) == (S.SUBMITTED, d("0.00"), d("25.00"))
        assert _lines(eve) == [(d("25.00"), d("0.00"), "pending")]
        adjustments = {
            (a.claim.client.first_name, a.group_code, a.reason_code): a.amount
            for a in ClaimAdjustment.objects.select_related("claim__client")
        }
        assert adjustments == {
            ("Ben", "CO", "45"): d("20.00"),
            ("Cy", "PR", "2"): d("32.50"),
            ("Dee", "CO", "96"): d("25.00"),
        }


def test_the_sum_posted_is_the_835s_payment(org_a, trip):
    bpr = next(seg for seg in trip["content"].split("~\n") if seg.startswith("BPR*"))
    paid = Decimal(bpr.split("*")[2])
    with org_a:
        assert paid == Decimal("160.00") == trip["remittance"].total_paid
        assert Claim.objects.aggregate(paid=Sum("amount_paid"))["paid"] == paid
        assert ClaimLine.objects.aggregate(paid=Sum("amount_paid"))["paid"] == paid
        assert trip["remittance"].claim_count == 4 and trip["remittance"].unmatched == []


def test_the_receivables_page_shows_the_open_balances(org_a, trip):
    page = signed_in(org_a, "billing").get("/billing/receivables/")
    assert page.status_code == 200
    with org_a, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(total_amount - amount_paid) FROM billing_claim"
            " WHERE status IN ('submitted', 'processed', 'paid') AND claim_type <> 'void'"
            " AND total_amount > amount_paid AND submitted_date IS NOT NULL"
        )
        count, owed = cursor.fetchone()
    # Ben 20.00, Cy 32.50, Eve 25.00; Ann owes nothing and Dee's denial is no receivable.
    assert (count, owed) == (3, Decimal("77.50"))
    assert (page.context["sums"]["claims"], page.context["sums"]["total"]) == (count, owed)
    assert "77.50" in page.content.decode()


def test_the_same_835_imported_again_is_refused_and_posts_nothing(org_a, trip):
    with org_a:
        before = (
            list(Claim.objects.order_by("pk").values_list("status", "amount_paid")),
            list(ClaimLine.objects.order_by("pk").values_list("status", "amount_paid")),
            ClaimAdjustment.objects.count(),
            ClaimEvent.objects.count(),
            Interchange.objects.count(),
        )
        with pytest.raises(ValidationError) as refusal:
            remittance_import(content=trip["content"], actor=trip["actor"], filename="again.835")
        assert refusal.value.message_dict["file"] == ["This file was already imported."]
        after = (
            list(Claim.objects.order_by("pk").values_list("status", "amount_paid")),
            list(ClaimLine.objects.order_by("pk").values_list("status", "amount_paid")),
            ClaimAdjustment.objects.count(),
            ClaimEvent.objects.count(),
            Interchange.objects.count(),
        )
    assert after == before
