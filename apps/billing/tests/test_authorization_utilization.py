"""An authorization's utilization: used, scheduled and remaining units, percent used, burn
rate, projected exhaustion and the current week's or month's cap; and saving one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.billing.authorizations import authorization_save, authorization_set_status, utilization
from apps.billing.generation import billables_generate
from apps.billing.models import BillableService, ServiceAuthorization
from apps.billing.tests.billables_support import make_setting, make_visit
from apps.core import clock
from apps.scheduling.models import Shift
from conftest import person

START = dt.date(2026, 3, 1)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def setting(org_a):
    s = make_setting(org_a, units=Decimal("40.00"), start=START, end=dt.date(2026, 5, 31))
    with org_a:
        yield s


def use(setting, *days_and_minutes):
    for day, minutes in days_and_minutes:
        make_visit(setting, day=day, minutes=minutes)
    billables_generate(start=START, end=TODAY)


def test_nothing_used_has_no_burn_and_no_exhaustion_date(setting):
    u = utilization([setting.authorization], today=TODAY)[setting.authorization.pk]
    assert (u.used, u.remaining, u.percent_used) == (0, Decimal("40.00"), 0)
    assert u.burn_per_day == 0
    assert u.exhausts_on is None


def test_used_remaining_burn_rate_and_projected_exhaustion(setting):
    use(setting, (dt.date(2026, 3, 2), 60), (dt.date(2026, 3, 6), 60))  # 8 units in 10 days
    u = utilization([setting.authorization], today=TODAY)[setting.authorization.pk]
    assert u.used == Decimal("8.00")
    assert u.remaining == Decimal("32.00")
    assert u.percent_used == Decimal("20.0")
    assert u.burn_per_day == Decimal("0.80")
    assert u.burn_per_week == Decimal("5.60")
    assert u.exhausts_on == TODAY + dt.timedelta(days=40)  # 32 units at 0.8 a day
    assert all(isinstance(v, Decimal) for v in (u.used, u.remaining, u.percent_used, u.burn_per_day))


def test_void_services_do_not_count_as_used(setting):
    use(setting, (dt.date(2026, 3, 2), 60))
    BillableService.objects.update(status=BillableService.Status.VOID)
    assert utilization([setting.authorization], today=TODAY)[setting.authorization.pk].used == 0


def test_an_exhausted_authorization_has_nothing_left(setting):
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(units_authorized=Decimal("8.00"))
    setting.authorization.refresh_from_db()
    use(setting, (dt.date(2026, 3, 2), 60), (dt.date(2026, 3, 3), 60), (dt.date(2026, 3, 4), 60))
    assert list(BillableService.objects.order_by("service_date").values_list("status", flat=True)) == [
        "ready",
        "ready",
        "blocked",
    ]
    u = utilization([setting.authorization], today=TODAY)[setting.authorization.pk]
    # The service it blocked is not covered by it, so it does not count as used.
    assert (u.used, u.remaining, u.percent_used) == (Decimal("8.00"), 0, Decimal("100.0"))
    assert u.exhausted
    assert u.bar_percent == 100


def test_scheduled_units_are_the_future_shifts_converted_by_the_rule(setting):
    soon = timezone.now() + dt.timedelta(days=1)
    for minutes, status in ((38, Shift.Status.SCHEDULED), (60, Shift.Status.CONFIRMED), (60, Shift.Status.CANCELLED)):
        Shift.objects.create(
            staff=setting.staff,
            client=setting.client,
            service=setting.service,
            shift_date=clock.local_date(soon),
            start_time=dt.time(9),
            end_time=dt.time(10),
            starts_at=soon,
            ends_at=soon + dt.timedelta(minutes=minutes),
            status=status,
        )
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(
        end_date=clock.today() + dt.timedelta(days=9)
    )
    setting.authorization.refresh_from_db()
    u = utilization([setting.authorization])[setting.authorization.pk]
    assert u.scheduled == Decimal("7.00")  # 3 units for 38 minutes, 4 for an hour


def test_the_weekly_cap_shows_this_weeks_use(setting):
    ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(period="week", period_units=Decimal("6"))
    setting.authorization.refresh_from_db()
    use(setting, (dt.date(2026, 3, 6), 60), (dt.date(2026, 3, 9), 30))  # last Friday, this Monday
    u = utilization([setting.authorization], today=TODAY)[setting.authorization.pk]
    assert (u.period, u.period_units, u.period_used) == ("week", Decimal("6.00"), Decimal("2.00"))


def test_many_authorizations_take_a_fixed_number_of_queries(org_a, setting, django_assert_max_num_queries):
    others = [make_setting(org_a).authorization for _ in range(3)]
    with org_a, django_assert_max_num_queries(4):
        found = utilization([setting.authorization, *others], today=TODAY)
    assert len(found) == 4


def test_saving_validates_and_a_change_of_units_or_end_resets_the_alerts(org_a, setting):
    admin = person(org_a, "admin")
    a = setting.authorization
    with pytest.raises(ValidationError) as refused:
        authorization_save(authorization=a, actor=admin, end_date=START - dt.timedelta(days=1))
    assert refused.value.messages
    a.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        authorization_save(authorization=a, actor=admin, period="week")
    assert "period_units" in refused.value.message_dict
    a.refresh_from_db()
    ServiceAuthorization.objects.filter(pk=a.pk).update(
        notified_80_at=timezone.now(), notified_ending_at=timezone.now()
    )
    a.refresh_from_db()
    authorization_save(authorization=a, actor=admin, notes="Called the payer")
    a.refresh_from_db()
    assert a.notified_80_at is not None
    authorization_save(authorization=a, actor=admin, units_authorized=Decimal("60.00"))
    a.refresh_from_db()
    assert (a.notified_80_at, a.notified_100_at, a.notified_ending_at) == (None, None, None)


def test_a_duplicate_number_for_the_payer_is_refused(org_a, setting):
    with pytest.raises(ValidationError):
        authorization_save(
            actor=person(org_a, "admin"),
            client=setting.client,
            payer=setting.payer,
            service=setting.service,
            authorization_number=setting.authorization.authorization_number,
            start_date=START,
            end_date=START,
            units_authorized=Decimal("1"),
        )


def test_suspending_blocks_its_services_and_reactivating_frees_them(org_a, setting):
    use(setting, (dt.date(2026, 3, 2), 60))
    admin = person(org_a, "admin")
    authorization_set_status(authorization=setting.authorization, status="suspended", actor=admin)
    assert BillableService.objects.get().blocking_reasons == ["no_authorization"]
    authorization_set_status(authorization=setting.authorization, status="active", actor=admin)
    assert BillableService.objects.get().status == "ready"
