"""A client's coverage: one primary on any date (secondaries beside it), the subscriber named
when it is not the client, and the primary in force on a date found."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.billing import coverage as coverages
from apps.billing.models import Coverage
from apps.billing.tests.setup_support import make_coverage, make_payer
from apps.clients.tests.conftest import make_client


@pytest.fixture
def maria(org_a):
    return make_client(org_a)


@pytest.fixture
def medicaid(org_a):
    return make_payer(org_a)


@pytest.fixture
def plan(org_a):
    return make_payer(org_a, name="Blue plan", payer_type="private", claim_filing_indicator="BL")


def test_a_second_primary_on_overlapping_dates_is_refused_naming_the_first(org_a, maria, medicaid, plan):
    make_coverage(org_a, maria, medicaid, start_date=dt.date(2026, 1, 1), end_date=None)
    with pytest.raises(ValidationError) as refused:
        make_coverage(org_a, maria, plan, start_date=dt.date(2026, 6, 1), member_id="B1")
    assert "State Medicaid" in " ".join(refused.value.message_dict["rank"])
    with org_a:
        assert Coverage.objects.count() == 1


def test_a_secondary_is_allowed_beside_the_primary(org_a, maria, medicaid, plan):
    make_coverage(org_a, maria, medicaid)
    make_coverage(org_a, maria, plan, rank=Coverage.Rank.SECONDARY, member_id="B1")
    with org_a:
        assert Coverage.objects.count() == 2


def test_primaries_one_after_the_other_are_allowed(org_a, maria, medicaid, plan):
    make_coverage(org_a, maria, medicaid, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 6, 30))
    make_coverage(org_a, maria, plan, start_date=dt.date(2026, 7, 1), member_id="B1")
    with org_a:
        assert coverages.primary_coverage(client=maria, day=dt.date(2026, 6, 30)).payer == medicaid
        assert coverages.primary_coverage(client=maria, day=dt.date(2026, 7, 1)).payer == plan
        assert coverages.primary_coverage(client=maria, day=dt.date(2025, 12, 31)) is None


def test_another_clients_primary_does_not_count(org_a, maria, medicaid):
    make_coverage(org_a, maria, medicaid)
    make_coverage(org_a, make_client(org_a, first_name="Ana"), medicaid)
    with org_a:
        assert Coverage.objects.count() == 2


def test_a_primary_changed_is_not_compared_with_itself(org_a, maria, medicaid):
    first = make_coverage(org_a, maria, medicaid)
    with org_a:
        coverages.coverage_save(client=maria, coverage=first, actor=None, end_date=dt.date(2026, 12, 31))
        first.refresh_from_db()
        assert first.end_date == dt.date(2026, 12, 31)


def test_a_subscriber_other_than_the_client_must_be_named_with_their_birth_date(org_a, maria, medicaid):
    with pytest.raises(ValidationError) as refused:
        make_coverage(org_a, maria, medicaid, subscriber_relationship=Coverage.Relationship.CHILD)
    assert {"subscriber_first_name", "subscriber_last_name", "subscriber_date_of_birth"} <= set(
        refused.value.message_dict
    )
    with org_a:
        assert not Coverage.objects.exists()


def test_a_parents_plan_keeps_the_subscribers_details(org_a, maria, medicaid):
    saved = make_coverage(
        org_a,
        maria,
        medicaid,
        subscriber_relationship=Coverage.Relationship.CHILD,
        subscriber_first_name="Rosa",
        subscriber_last_name="Lopez",
        subscriber_date_of_birth=dt.date(1965, 2, 3),
    )
    assert (saved.subscriber_first_name, saved.subscriber_date_of_birth) == ("Rosa", dt.date(1965, 2, 3))


def test_the_subscribers_details_are_dropped_when_the_client_is_the_subscriber(org_a, maria, medicaid):
    saved = make_coverage(
        org_a, maria, medicaid, subscriber_first_name="Rosa", subscriber_date_of_birth=dt.date(1965, 2, 3)
    )
    assert (saved.subscriber_first_name, saved.subscriber_date_of_birth) == ("", None)


def test_an_end_before_the_start_is_refused(org_a, maria, medicaid):
    with pytest.raises(ValidationError) as refused:
        make_coverage(org_a, maria, medicaid, start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 4, 1))
    assert "end_date" in refused.value.message_dict


def test_a_coverage_is_deleted(org_a, maria, medicaid):
    saved = make_coverage(org_a, maria, medicaid)
    with org_a:
        coverages.coverage_delete(coverage=saved, actor=None)
        assert not Coverage.objects.exists()
