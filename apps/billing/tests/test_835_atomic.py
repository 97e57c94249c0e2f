"""A malformed, unbalanced or repeated 835 posts nothing, and says why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.billing.models import Claim, ClaimAdjustment, ClaimEvent, ClaimLine, Interchange
from apps.billing.remittance import remittance_import
from apps.billing.tests.remit_support import make_claim, make_payer
from apps.billing.x12.sample835 import build_835
from conftest import person

PAID_ON = dt.date(2026, 12, 1)


@pytest.fixture
def world(org_a):
    with org_a:
        payer = make_payer()
        claims = [make_claim(payer), make_claim(payer, ("80.00",))]
        content = build_835(claims, trace_number="EFT1", payment_date=PAID_ON)
    return payer, claims, content


def nothing_posted(claims) -> bool:
    return (
        not Interchange.objects.exists()
        and not ClaimAdjustment.objects.exists()
        and not ClaimEvent.objects.exists()
        and set(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("status", "amount_paid"))
        == {(Claim.Status.SUBMITTED, Decimal("0.00"))}
        and not ClaimLine.objects.filter(amount_paid__gt=0).exists()
    )


def refusal(content: str, actor) -> str:
    with pytest.raises(ValidationError) as caught:
        remittance_import(content=content, actor=actor)
    return " ".join(caught.value.message_dict["file"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A claim paid less than charged with no CAS to say why.
        (lambda c: c.replace("*80*80*0*", "*80*70*0*"), "does not balance"),
        (lambda c: c.replace("SE*", "SE*9", 1), "SE01 says"),
        (lambda c: c.replace("IEA*1*000000001~\n", ""), "where IEA (interchange trailer) was expected"),
        (lambda c: c.replace("BPR*C*230*", "BPR*C*229.99*"), "BPR02 pays 229.99"),
        (lambda c: "garbage", "not an X12 file"),
    ],
)
def test_a_malformed_or_unbalanced_file_posts_nothing(org_a, world, change, message):
    _, claims, content = world
    with org_a:
        text = refusal(change(content), person(org_a, "billing"))
        assert message in text
        assert text.startswith("This is not a valid 835 file.")
        assert nothing_posted(claims)


def test_a_file_imported_twice_is_refused_the_second_time(org_a, world):
    _, _claims, content = world
    with org_a:
        billing = person(org_a, "billing")
        remittance_import(content=content, actor=billing)
        assert refusal(content, billing) == "This file was already imported."
        assert Interchange.objects.count() == 1
        assert ClaimEvent.objects.count() == 2


def test_the_same_trace_number_from_the_same_payer_is_refused_even_in_another_file(org_a, world):
    _, _claims, content = world
    with org_a:
        billing = person(org_a, "billing")
        remittance_import(content=content, actor=billing)
        other = (
            content.replace("*000000001*", "*000000002*")
            .replace("GS*HP*SKMD0*STARLINE*20261201*1200*1*", "GS*HP*SKMD0*STARLINE*20261201*1200*2*")
            .replace("GE*1*1~", "GE*1*2~")
            .replace("IEA*1*000000001", "IEA*1*000000002")
        )
        assert refusal(other, billing) == "A payment with trace number EFT1 from State Medicaid was already imported."


def test_a_payer_we_do_not_have_is_refused(org_a, world):
    _, claims, content = world
    with org_a:
        text = refusal(
            content.replace("N1*PR*STATE MEDICAID*XV*SKMD0", "N1*PR*Elsewhere Health*XV*ZZZ9"), person(org_a, "billing")
        )
        assert "Elsewhere Health" in text and "not one of this organization's payers" in text
        assert nothing_posted(claims)


def test_a_failure_after_posting_began_rolls_everything_back(org_a, world):
    """The claim-total trigger refuses a claim whose lines no longer add up; it fires at
    the end of the transaction, after the posting wrote: the whole import goes."""
    _, claims, content = world
    from django.db import IntegrityError, connection, transaction

    with org_a:
        with pytest.raises(IntegrityError), transaction.atomic():
            remittance_import(content=content, actor=person(org_a, "billing"))
            with connection.cursor() as cursor:
                cursor.execute("UPDATE billing_claimline SET charge = charge + 1 WHERE claim_id = %s", [claims[0].pk])
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert nothing_posted(claims)
