"""Building claims from READY billable services: one claim per payer, client and month, lines
in date order, fifty lines at most a claim, the primary coverage on the first date, nothing
claimed twice and a second run building nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.billing import claims as services
from apps.billing.models import BillableService, Claim, ClaimEvent, ClaimLine
from apps.billing.tests import claims_support as s
from conftest import person


@pytest.fixture
def world(org_a):
    with org_a:
        payer = s.make_payer()
        yield {
            "payer": payer,
            "other_payer": s.make_payer("Care Plan HMO", edi_payer_id="HMO1", claim_filing_indicator="HM"),
            "service": s.make_service(),
            "actor": person(org_a, "billing"),
        }


def build(world, start, end, **kwargs):
    return services.claims_build(start=start, end=end, actor=world["actor"], **kwargs)


def test_services_are_grouped_by_payer_client_and_month(org_a, world):
    with org_a:
        ann = s.make_client(world["payer"], first_name="Ann")
        ben = s.make_client(world["payer"], first_name="Ben")
        s.make_billables(ann, world["payer"], world["service"], [dt.date(2026, 10, 30), dt.date(2026, 11, 2)])
        s.make_billables(ann, world["other_payer"], world["service"], [dt.date(2026, 11, 3)])
        s.make_billables(ben, world["payer"], world["service"], [dt.date(2026, 11, 4), dt.date(2026, 11, 1)])
        claims = build(world, dt.date(2026, 10, 1), dt.date(2026, 11, 30))
        keys = sorted((c.client.first_name, c.payer.name, c.period_start.month, c.lines.count()) for c in claims)
        assert keys == [
            ("Ann", "Care Plan HMO", 11, 1),
            ("Ann", "State Medicaid", 10, 1),
            ("Ann", "State Medicaid", 11, 1),
            ("Ben", "State Medicaid", 11, 2),
        ]
        ben_claim = next(c for c in claims if c.client == ben)
        assert [line.service_date.day for line in ben_claim.lines.order_by("line_number")] == [1, 4]
        assert (ben_claim.period_start, ben_claim.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 4))
        assert ben_claim.total_amount == Decimal("50.00") == sum(line.charge for line in ben_claim.lines.all())
        assert ben_claim.coverage.client == ben
        assert ben_claim.claim_number.startswith("C") and len(ben_claim.claim_number) <= 20
        assert len({c.claim_number for c in claims}) == 4
        assert ClaimEvent.objects.filter(claim__in=claims, to_status="draft").count() == 4
        assert not BillableService.objects.exclude(status=BillableService.Status.CLAIMED).exists()


def test_more_than_fifty_lines_continue_on_another_claim(org_a, world):
    with org_a:
        client = s.make_client(world["payer"])
        days = sorted(dt.date(2026, 11, 1) + dt.timedelta(days=i % 30) for i in range(120))
        s.make_billables(client, world["payer"], world["service"], days)
        claims = build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert sorted(c.lines.count() for c in claims) == [20, 50, 50]
        assert ClaimLine.objects.filter(claim__in=claims).count() == 120
        for claim in claims:
            assert list(claim.lines.order_by("line_number").values_list("line_number", flat=True)) == list(
                range(1, claim.lines.count() + 1)
            )


def test_a_second_run_builds_nothing_and_nothing_is_claimed_twice(org_a, world):
    with org_a:
        client = s.make_client(world["payer"])
        s.make_billables(client, world["payer"], world["service"], [dt.date(2026, 11, 2), dt.date(2026, 11, 3)])
        first = build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert len(first) == 1
        assert build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
        # Even a service put back to READY by hand while it sits on a claim is not claimed again.
        BillableService.objects.update(status=BillableService.Status.READY)
        assert build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
        assert ClaimLine.objects.count() == 2


def test_only_ready_services_in_the_period_and_of_the_payer_asked_for_are_claimed(org_a, world):
    with org_a:
        client = s.make_client(world["payer"])
        s.make_billables(client, world["payer"], world["service"], [dt.date(2026, 11, 2)])
        s.make_billables(client, world["payer"], world["service"], [dt.date(2026, 11, 3)], status="blocked")
        s.make_billables(client, world["payer"], world["service"], [dt.date(2026, 12, 1)])
        s.make_billables(client, world["other_payer"], world["service"], [dt.date(2026, 11, 4)])
        claims = build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30), payer=world["payer"])
        assert [c.lines.get().service_date for c in claims] == [dt.date(2026, 11, 2)]


def test_an_end_before_the_start_is_refused(org_a, world):
    with org_a, pytest.raises(ValidationError):
        build(world, dt.date(2026, 11, 30), dt.date(2026, 11, 1))


def test_removing_a_line_frees_its_service_for_the_next_build(org_a, world):
    with org_a:
        client = s.make_client(world["payer"])
        s.make_billables(client, world["payer"], world["service"], [dt.date(2026, 11, 2), dt.date(2026, 11, 3)])
        (claim,) = build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        line = claim.lines.get(line_number=1)
        services.claim_line_remove(claim=claim, line=line, actor=world["actor"])
        (again,) = build(world, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert again.lines.get().billable_service_id == line.billable_service_id
        assert Claim.objects.get(pk=claim.pk).lines.get().line_number == 1
