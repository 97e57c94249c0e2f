"""The payer's rate on a date (both ends inclusive), else the service's base rate; totals
rounded half-up to cents in Decimal, as the database's own check computes them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from apps.billing.models import PayerRate
from apps.billing.rates import rate_on, rates_on, total_for
from apps.billing.tests.billables_support import make_payer, make_service


@pytest.fixture
def priced(org_a):
    with org_a:
        service = make_service(base_rate=Decimal("6.00"))
        payer = make_payer()
        PayerRate.objects.create(
            payer=payer,
            service=service,
            rate=Decimal("7.25"),
            effective_from=dt.date(2026, 1, 1),
            effective_to=dt.date(2026, 6, 30),
        )
        PayerRate.objects.create(payer=payer, service=service, rate=Decimal("7.50"), effective_from=dt.date(2026, 7, 1))
        yield payer, service


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (dt.date(2025, 12, 31), "6.00"),
        (dt.date(2026, 1, 1), "7.25"),
        (dt.date(2026, 6, 30), "7.25"),
        (dt.date(2026, 7, 1), "7.50"),
        (dt.date(2030, 1, 1), "7.50"),
    ],
)
def test_the_payers_rate_covers_its_dates_inclusive_and_the_base_rate_the_rest(priced, day, rate):
    payer, service = priced
    got = rate_on(payer=payer, service=service, day=day)
    assert isinstance(got, Decimal)
    assert got == Decimal(rate)
    assert rates_on([(payer.pk, service.pk, day)])[(payer.pk, service.pk, day)] == Decimal(rate)


def test_without_a_payer_or_another_payers_rate_the_base_rate_applies(priced):
    _, service = priced
    other = make_payer()
    day = dt.date(2026, 3, 1)
    assert rate_on(payer=None, service=service, day=day) == Decimal("6.00")
    assert rate_on(payer=other, service=service, day=day) == Decimal("6.00")
    assert rates_on([(None, service.pk, day)])[(None, service.pk, day)] == Decimal("6.00")


def test_many_rates_at_once_take_two_queries(priced, django_assert_max_num_queries):
    payer, service = priced
    keys = [(payer.pk, service.pk, dt.date(2026, 1, 1) + dt.timedelta(days=n)) for n in range(365)]
    with django_assert_max_num_queries(2):
        found = rates_on(keys)
    assert found[keys[0]] == Decimal("7.25")
    assert found[keys[-1]] == Decimal("7.50")


@pytest.mark.parametrize(
    ("units", "rate", "total"),
    [
        ("4", "5.25", "21.00"),
        ("1.25", "10.10", "12.63"),  # 12.625 rounds up
        ("0.33", "7.50", "2.48"),  # 2.475 rounds up
        ("3", "0.00", "0.00"),
    ],
)
def test_totals_are_rounded_half_up_to_cents_like_the_database(db, units, rate, total):
    got = total_for(Decimal(units), Decimal(rate))
    assert isinstance(got, Decimal)
    assert got == Decimal(total)
    with connection.cursor() as cursor:
        cursor.execute("SELECT round(%s::numeric * %s::numeric, 2)", [units, rate])
        assert cursor.fetchone()[0] == got
