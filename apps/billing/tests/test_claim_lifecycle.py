"""A claim's lifecycle: the status changes allowed and those refused with a message, payments
posted from an 835 as production posts them (partial, denial, reversal, paid → processed only
through a reversal), replacements and voids pointing at the original,
removing lines and deleting drafts; and the total equal to the sum of the lines, enforced by
the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from apps.billing import claims as services
from apps.billing.models import BillableService, Claim, ClaimEvent, ClaimLine
from apps.billing.tests import claims_support as s
from conftest import person

S = Claim.Status


@pytest.fixture
def claim(org_a):
    with org_a:
        payer = s.make_payer()
        client = s.make_client(payer)
        s.make_billables(client, payer, s.make_service(), [dt.date(2026, 11, 2), dt.date(2026, 11, 3)])
        (built,) = services.claims_build(
            start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), actor=person(org_a, "billing")
        )
        yield built


def move(claim, *statuses, actor=None):
    for status in statuses:
        claim = services.claim_status_set(claim=claim, status=status, actor=actor, note=f"to {status}")
    return claim


@pytest.mark.parametrize(
    "path",
    [
        [S.SUBMITTED, S.PROCESSED, S.PAID],
        [S.SUBMITTED, S.PROCESSED, S.DENIED],
        [S.SUBMITTED, S.REJECTED, S.DRAFT, S.SUBMITTED],
        [S.SUBMITTED, S.PROCESSED, S.REJECTED],
    ],
)
def test_allowed_changes_are_made_and_kept_in_the_history(org_a, claim, path):
    with org_a:
        moved = move(claim, *path)
        assert moved.status == path[-1]
        history = list(
            ClaimEvent.objects.filter(claim=claim).order_by("created_at").values_list("to_status", flat=True)
        )
        assert history == ["draft", *path]
        assert moved.submitted_date is not None


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], S.PAID),
        ([], S.PROCESSED),
        ([S.SUBMITTED], S.DRAFT),
        ([S.SUBMITTED, S.PROCESSED, S.PAID], S.PROCESSED),
        ([S.SUBMITTED, S.PROCESSED, S.DENIED], S.PAID),
    ],
)
def test_other_changes_are_refused_with_a_message(org_a, claim, path, refused):
    with org_a:
        claim = move(claim, *path)
        with pytest.raises(ValidationError) as refusal:
            services.claim_status_set(claim=claim, status=refused, actor=None)
        assert "cannot become" in refusal.value.message_dict["status"][0]
        assert Claim.objects.get(pk=claim.pk).status == (path[-1] if path else S.DRAFT)


def line_statuses(claim) -> dict[int, str]:
    return dict(ClaimLine.objects.filter(claim=claim).values_list("line_number", "status"))


def test_a_partial_payment_shows_per_line_and_a_reversal_takes_it_back(org_a, claim):
    with org_a:
        claim = move(claim, S.SUBMITTED)
        s.post_835([claim], trace="EFT-PART", paid={claim.claim_number: Decimal("35.00")})
        paid = Claim.objects.get(pk=claim.pk)
        assert (paid.status, paid.amount_paid, paid.balance, paid.payer_claim_number) == (
            S.PROCESSED,
            Decimal("35.00"),
            Decimal("15.00"),
            f"PCN{claim.claim_number}",
        )
        assert line_statuses(claim) == {1: "paid", 2: "partial"}
        s.post_835([paid], trace="EFT-REV", reversed=[claim.claim_number])
        reversed_ = Claim.objects.get(pk=claim.pk)
        assert (reversed_.status, reversed_.amount_paid, reversed_.payment_date) == (S.SUBMITTED, Decimal("0.00"), None)
        assert line_statuses(claim) == {1: "pending", 2: "pending"}


def test_a_denial_denies_every_line(org_a, claim):
    with org_a:
        claim = move(claim, S.SUBMITTED)
        s.post_835([claim], trace="EFT-DENY", denied=[claim.claim_number])
        denied = Claim.objects.get(pk=claim.pk)
        assert (denied.status, denied.amount_paid, denied.balance) == (S.DENIED, Decimal("0.00"), Decimal("50.00"))
        assert line_statuses(claim) == {1: "denied", 2: "denied"}


def test_a_paid_claim_becomes_processed_only_through_its_reversal(org_a, claim):
    with org_a:
        claim = move(claim, S.SUBMITTED)
        s.post_835([claim], trace="EFT-FULL")
        assert Claim.objects.get(pk=claim.pk).status == S.PAID
        with pytest.raises(ValidationError, match="cannot become"):
            services.claim_status_set(claim=claim, status=S.PROCESSED, actor=None)
        again = s.post_835([claim], trace="EFT-AGAIN", paid={claim.claim_number: Decimal("30.00")})
        assert again.claim_count == 0 and "not awaiting payment" in again.unmatched[0]["why"]
        assert Claim.objects.get(pk=claim.pk).amount_paid == Decimal("50.00")
        s.post_835(
            [claim], trace="EFT-CORR", reversed=[claim.claim_number], paid={claim.claim_number: Decimal("30.00")}
        )
        corrected = Claim.objects.get(pk=claim.pk)
        assert (corrected.status, corrected.amount_paid) == (S.PROCESSED, Decimal("30.00"))
        assert line_statuses(claim) == {1: "paid", 2: "partial"}


def test_a_payment_on_a_draft_or_a_reversal_of_nothing_posts_nothing(org_a, claim):
    with org_a:
        draft = s.post_835([claim], trace="EFT-DRAFT")
        assert draft.claim_count == 0 and "not awaiting payment" in draft.unmatched[0]["why"]
        claim = move(claim, S.SUBMITTED)
        nothing = s.post_835([claim], trace="EFT-NOTHING", reversed=[claim.claim_number])
        assert nothing.claim_count == 0 and "no payment was posted" in nothing.unmatched[0]["why"]
        unchanged = Claim.objects.get(pk=claim.pk)
        assert (unchanged.status, unchanged.amount_paid) == (S.SUBMITTED, Decimal("0.00"))
        assert line_statuses(claim) == {1: "pending", 2: "pending"}


def test_a_replacement_and_a_void_copy_the_lines_and_point_at_the_original(org_a, claim):
    with org_a:
        claim = move(claim, S.SUBMITTED)
        replacement = services.claim_replace(claim=claim, actor=None)
        assert (replacement.claim_type, replacement.frequency_code, replacement.original) == ("replacement", "7", claim)
        assert replacement.total_amount == claim.total_amount
        assert replacement.lines.count() == 2 and replacement.claim_number != claim.claim_number
        with pytest.raises(ValidationError, match="already has a correction"):
            services.claim_void(claim=claim, actor=None)
        services.claim_delete_draft(claim=replacement, actor=None)
        assert set(BillableService.objects.values_list("status", flat=True)) == {"claimed"}
        void = services.claim_void(claim=claim, actor=None)
        assert (void.claim_type, void.frequency_code, void.lines.count()) == ("void", "8", 2)


def test_a_draft_cannot_be_replaced_nor_a_sent_claim_edited(org_a, claim):
    with org_a:
        with pytest.raises(ValidationError, match="has been sent"):
            services.claim_replace(claim=claim, actor=None)
        sent = move(claim, S.SUBMITTED)
        with pytest.raises(ValidationError, match="Only a draft"):
            services.claim_line_remove(claim=sent, line=sent.lines.first(), actor=None)
        with pytest.raises(ValidationError, match="Only a draft"):
            services.claim_delete_draft(claim=sent, actor=None)


def test_removing_a_line_keeps_the_total_equal_to_the_lines(org_a, claim):
    with org_a:
        line = claim.lines.get(line_number=1)
        changed = services.claim_line_remove(claim=claim, line=line, actor=None)
        assert changed.total_amount == Decimal("25.00") == sum(x.charge for x in changed.lines.all())
        assert BillableService.objects.get(pk=line.billable_service_id).status == "ready"
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_deleting_a_draft_makes_its_services_ready_again(org_a, claim):
    with org_a:
        services.claim_delete_draft(claim=claim, actor=None)
        assert not Claim.objects.exists()
        assert set(BillableService.objects.values_list("status", flat=True)) == {"ready"}


def test_the_database_refuses_a_line_changed_without_the_total(org_a, claim):
    with org_a:
        line = claim.lines.first()
        with pytest.raises(IntegrityError, match="not the sum of its lines"), transaction.atomic():
            ClaimLine.objects.filter(pk=line.pk).update(charge=line.charge + 1)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with transaction.atomic():
            ClaimLine.objects.filter(pk=line.pk).update(charge=line.charge + 1)
            Claim.objects.filter(pk=claim.pk).update(total_amount=claim.total_amount + 1)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_claim_marked_processed_by_hand_still_takes_its_first_835_and_only_that(org_a, claim):
    with org_a:
        claim = move(claim, S.SUBMITTED, S.PROCESSED)
        services.claim_replace(claim=claim, actor=None)
        first = s.post_835([claim], trace="EFT-HAND", paid={claim.claim_number: Decimal("35.00")})
        assert first.claim_count == 1 and first.unmatched == []
        posted = Claim.objects.get(pk=claim.pk)
        assert (posted.status, posted.amount_paid) == (S.PROCESSED, Decimal("35.00"))
        second = s.post_835([claim], trace="EFT-HAND-2")
        assert second.claim_count == 0 and "not awaiting payment" in second.unmatched[0]["why"]
        assert Claim.objects.get(pk=claim.pk).amount_paid == Decimal("35.00")
