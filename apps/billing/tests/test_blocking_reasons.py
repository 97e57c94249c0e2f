"""Each blocking reason alone makes a billable service BLOCKED, and clearing it makes the
service READY on a re-check; the checks take a fixed number of queries for any number."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from apps.billing import validation
from apps.billing.generation import billables_generate, billables_recheck
from apps.billing.models import BillableService, ServiceAuthorization
from apps.billing.tests.billables_support import make_setting, make_visit
from apps.core import clock
from apps.scheduling.models import Shift, Visit
from apps.staff.models import Certification, Staff

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def setting(org_a):
    s = make_setting(org_a, units=Decimal("8.00"))
    with org_a:
        yield s


def generate_one(setting, **visit):
    make_visit(setting, day=visit.pop("day", DAY), **visit)
    billables_generate(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    return BillableService.objects.order_by("-service_date", "-starts_at").first()


def recheck(billable):
    billables_recheck(queryset_or_ids=[billable.pk])
    billable.refresh_from_db()
    return billable


def blocked_by(billable, code):
    assert billable.status == BillableService.Status.BLOCKED
    assert billable.blocking_reasons == [code]


def test_every_reason_has_a_readable_label():
    assert set(validation.LABELS) == {
        "no_authorization",
        "authorization_exhausted",
        "no_coverage",
        "staff_not_certified",
        "staff_not_employed",
        "overlap",
        "future_date",
        "visit_unverified",
    }
    assert all(validation.label(code) for code in validation.CODES)


def test_no_authorization(setting):
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(status="suspended")
    billable = generate_one(setting)
    blocked_by(billable, "no_authorization")
    assert billable.authorization is None
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(status="active")
    billable = recheck(billable)
    assert billable.status == BillableService.Status.READY
    assert billable.authorization == setting.authorization


def test_an_authorization_outside_the_date_is_no_authorization(setting):
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(end_date=DAY - dt.timedelta(days=1))
    blocked_by(generate_one(setting), "no_authorization")


def test_authorization_exhausted_counts_earlier_services_in_date_order(setting):
    make_visit(setting, day=DAY, minutes=60)  # 4 units
    make_visit(setting, day=DAY + dt.timedelta(days=1), minutes=60)  # 8
    make_visit(setting, day=DAY + dt.timedelta(days=2), minutes=15)  # 9 > 8
    billables_generate(start=DAY, end=DAY + dt.timedelta(days=2))
    statuses = list(BillableService.objects.order_by("service_date").values_list("status", "blocking_reasons"))
    assert statuses == [("ready", []), ("ready", []), ("blocked", ["authorization_exhausted"])]
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(units_authorized=Decimal("9.00"))
    billable = recheck(BillableService.objects.get(service_date=DAY + dt.timedelta(days=2)))
    assert billable.status == BillableService.Status.READY


def test_a_weekly_cap_blocks_what_goes_beyond_the_week(setting):
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(
        units_authorized=Decimal("100"), period="week", period_units=Decimal("5")
    )
    monday = dt.date(2026, 3, 9)
    make_visit(setting, day=monday, minutes=60)
    make_visit(setting, day=monday + dt.timedelta(days=2), minutes=30)
    make_visit(setting, day=monday + dt.timedelta(days=7), minutes=60)  # the next week
    billables_generate(start=monday, end=monday + dt.timedelta(days=7))
    statuses = list(BillableService.objects.order_by("service_date").values_list("status", flat=True))
    assert statuses == ["ready", "blocked", "ready"]


def test_a_monthly_cap_blocks_what_goes_beyond_the_month(setting):
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(
        units_authorized=Decimal("100"), period="month", period_units=Decimal("4")
    )
    make_visit(setting, day=dt.date(2026, 3, 30), minutes=60)
    make_visit(setting, day=dt.date(2026, 3, 31), minutes=15)
    make_visit(setting, day=dt.date(2026, 4, 1), minutes=60)
    billables_generate(start=dt.date(2026, 3, 30), end=dt.date(2026, 4, 1))
    statuses = list(BillableService.objects.order_by("service_date").values_list("status", flat=True))
    assert statuses == ["ready", "blocked", "ready"]


def test_no_coverage(setting):
    setting.coverage.start_date = DAY + dt.timedelta(days=1)
    setting.coverage.save()
    billable = generate_one(setting)
    # Without coverage there is no payer, so no authorization of that payer either.
    assert billable.status == BillableService.Status.BLOCKED
    assert billable.blocking_reasons == ["no_authorization", "no_coverage"]
    setting.coverage.start_date = dt.date(2026, 1, 1)
    setting.coverage.save()
    assert recheck(billable).status == BillableService.Status.READY
    assert billable.payer == setting.payer


def test_staff_not_certified(setting):
    setting.service.required_certifications = ["CPR"]
    setting.service.save()
    cert = Certification.objects.create(
        staff=setting.staff,
        certification_type="CPR",
        certification_name="CPR",
        issuing_organization="Red Cross",
        issue_date=dt.date(2025, 1, 1),
        expiry_date=DAY - dt.timedelta(days=1),
    )
    billable = generate_one(setting)
    blocked_by(billable, "staff_not_certified")
    cert.expiry_date = DAY
    cert.save()
    assert recheck(billable).status == BillableService.Status.READY


def test_staff_not_employed(setting):
    Staff.objects.filter(pk=setting.staff.pk).update(hire_date=DAY + dt.timedelta(days=1))
    billable = generate_one(setting)
    blocked_by(billable, "staff_not_employed")
    Staff.objects.filter(pk=setting.staff.pk).update(hire_date=DAY)
    assert recheck(billable).status == BillableService.Status.READY
    Staff.objects.filter(pk=setting.staff.pk).update(termination_date=DAY)
    blocked_by(recheck(billable), "staff_not_employed")


def test_overlap(setting):
    make_visit(setting, day=DAY, start="09:00", minutes=30)
    make_visit(setting, day=DAY, start="09:15", minutes=15)
    make_visit(setting, day=DAY, start="09:30", minutes=15)  # touches, does not overlap
    billables_generate(start=DAY, end=DAY)
    rows = list(BillableService.objects.order_by("starts_at").values_list("status", "blocking_reasons"))
    assert rows == [("blocked", ["overlap"]), ("blocked", ["overlap"]), ("ready", [])]
    second = BillableService.objects.order_by("starts_at")[1]
    second.status = BillableService.Status.VOID
    second.save()
    first = BillableService.objects.order_by("starts_at").first()
    assert recheck(first).status == BillableService.Status.READY


def test_future_date(setting):
    # A visit clocked in ahead of the clock (a device's wrong time) dated tomorrow.
    tomorrow = clock.today() + dt.timedelta(days=1)
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(end_date=tomorrow + dt.timedelta(days=5))
    make_visit(setting, day=tomorrow)
    billables_generate(start=tomorrow, end=tomorrow)
    billable = BillableService.objects.get()
    blocked_by(billable, "future_date")
    with time_machine.travel(clock.now() + dt.timedelta(days=2)):
        assert recheck(billable).status == BillableService.Status.READY


def test_visit_unverified(setting):
    billable = generate_one(setting, shift_status=Shift.Status.NEEDS_REVIEW)
    blocked_by(billable, "visit_unverified")
    Shift.objects.filter(visits__pk=billable.visit_id).update(status=Shift.Status.COMPLETED)
    assert recheck(billable).status == BillableService.Status.READY
    Visit.objects.filter(pk=billable.visit_id).update(status=Visit.Status.EXCEPTION)
    blocked_by(recheck(billable), "visit_unverified")


def test_checking_many_services_takes_a_fixed_number_of_queries(setting, django_assert_max_num_queries):
    for n in range(12):
        make_visit(setting, day=DAY + dt.timedelta(days=n), minutes=15)
    billables_generate(start=DAY, end=DAY + dt.timedelta(days=20))
    rows = list(BillableService.objects.all())
    with django_assert_max_num_queries(8):
        validation.blocking_reasons(rows)
