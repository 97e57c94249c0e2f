"""Generating billable services from verified visits: units, rate and Decimal totals; twice
creates nothing (and the database refuses a second row for a visit); what is skipped."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.billing.generation import billable_create_manual, billable_void, billables_generate, billables_recheck
from apps.billing.models import BillableService, PayerRate
from apps.billing.tests.billables_support import make_service, make_setting, make_visit
from apps.scheduling.models import Visit
from conftest import person

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def setting(org_a):
    s = make_setting(org_a)
    with org_a:
        yield s


def test_a_verified_visit_becomes_a_ready_billable_service_priced_in_decimal(setting):
    PayerRate.objects.create(
        payer=setting.payer, service=setting.service, rate=Decimal("6.33"), effective_from=dt.date(2026, 1, 1)
    )
    visit = make_visit(setting, day=DAY, start="09:00", minutes=68)
    result = billables_generate(start=DAY, end=DAY)
    assert (result.visits, result.created, result.ready, result.blocked) == (1, 1, 1, 0)
    billable = BillableService.objects.get()
    assert billable.visit == visit
    assert billable.status == BillableService.Status.READY
    assert billable.blocking_reasons == []
    assert (billable.client, billable.staff, billable.service) == (setting.client, setting.staff, setting.service)
    assert billable.payer == setting.payer
    assert billable.authorization == setting.authorization
    assert billable.service_date == DAY
    assert billable.start_time == dt.time(9, 0)
    assert billable.minutes == 68
    assert billable.units == Decimal("5.00")  # 68 minutes: 4 units and 8 minutes
    assert billable.rate == Decimal("6.33")
    assert isinstance(billable.total_amount, Decimal)
    assert billable.total_amount == Decimal("31.65")


def test_generation_records_who_ran_it_and_nothing_else_by_hand(org_a, setting):
    make_visit(setting, day=DAY)
    admin = person(org_a, "admin")
    billables_generate(start=DAY, end=DAY, actor=admin)
    billable = BillableService.objects.get()
    assert (billable.created_by, billable.reason, billable.notes) == (admin, "", "")
    assert billable.source == BillableService.Source.VISIT


def test_generating_twice_creates_nothing_new(setting):
    make_visit(setting, day=DAY)
    make_visit(setting, day=DAY + dt.timedelta(days=1))
    assert billables_generate(start=DAY, end=DAY + dt.timedelta(days=1)).created == 2
    again = billables_generate(start=DAY, end=DAY + dt.timedelta(days=1))
    assert (again.visits, again.created) == (0, 0)
    assert BillableService.objects.count() == 2


def test_the_database_refuses_a_second_billable_for_a_visit(setting):
    make_visit(setting, day=DAY)
    billables_generate(start=DAY, end=DAY)
    first = BillableService.objects.get()
    copy = BillableService(
        client=first.client,
        staff=first.staff,
        service=first.service,
        visit=first.visit,
        service_date=first.service_date,
        units=first.units,
        rate=first.rate,
        total_amount=first.total_amount,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save(force_insert=True)


def test_visits_not_verified_are_left_for_a_later_run(setting):
    make_visit(setting, day=DAY, status=Visit.Status.EXCEPTION)
    result = billables_generate(start=DAY, end=DAY)
    assert (result.visits, result.created) == (0, 0)


def test_only_the_periods_visits_are_generated(setting):
    make_visit(setting, day=DAY - dt.timedelta(days=1))
    make_visit(setting, day=DAY)
    make_visit(setting, day=DAY + dt.timedelta(days=1))
    assert billables_generate(start=DAY, end=DAY).created == 1
    assert BillableService.objects.get().service_date == DAY


def test_a_day_service_is_billed_once_per_client_and_date(setting):
    daily = make_service(unit_type="day", base_rate=Decimal("120.00"))
    make_visit(setting, day=DAY, start="08:00", minutes=120, service=daily)
    make_visit(setting, day=DAY, start="14:00", minutes=120, service=daily)
    billables_generate(start=DAY, end=DAY)
    assert sorted(BillableService.objects.values_list("units", flat=True)) == [Decimal("0"), Decimal("1")]


def test_a_manual_entry_needs_a_reason_and_is_checked_like_the_rest(org_a, setting):
    admin = person(org_a, "admin")
    with pytest.raises(Exception) as refused:
        billable_create_manual(
            client=setting.client,
            staff=setting.staff,
            service=setting.service,
            service_date=DAY,
            start_time=dt.time(9),
            end_time=dt.time(10),
            reason=" ",
            actor=admin,
        )
    assert "reason" in refused.value.message_dict
    billable = billable_create_manual(
        client=setting.client,
        staff=setting.staff,
        service=setting.service,
        service_date=DAY,
        start_time=dt.time(9),
        end_time=dt.time(10),
        reason="Paper timesheet: the phone was lost",
        actor=admin,
    )
    assert billable.source == BillableService.Source.MANUAL
    assert billable.units == Decimal("4.00")
    assert billable.total_amount == Decimal("20.00")
    assert billable.status == BillableService.Status.READY
    assert billable.authorization == setting.authorization


def test_voiding_frees_what_it_held_and_a_claimed_service_is_never_touched(org_a, setting):
    admin = person(org_a, "admin")
    first = make_visit(setting, day=DAY, start="09:00", minutes=60)
    make_visit(setting, day=DAY, start="09:30", minutes=60)
    billables_generate(start=DAY, end=DAY)
    assert set(BillableService.objects.values_list("status", flat=True)) == {BillableService.Status.BLOCKED}
    billable_void(billable=BillableService.objects.get(visit=first), actor=admin, reason="Duplicate entry")
    other = BillableService.objects.exclude(visit=first).get()
    assert other.status == BillableService.Status.READY
    BillableService.objects.filter(pk=other.pk).update(status=BillableService.Status.CLAIMED)
    setting.coverage.delete()
    assert billables_recheck(queryset_or_ids=[other.pk]) == 0
    other.refresh_from_db()
    assert other.status == BillableService.Status.CLAIMED
    with pytest.raises(Exception, match="on a claim"):
        billable_void(billable=other, actor=admin, reason="No")
