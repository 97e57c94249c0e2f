"""Payers and their rates: a payer saved whole or refused by the field, and a payer's rates for
one service never overlapping in dates (open-ended ones included), the refusal naming the
other rate's dates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.billing import payers
from apps.billing.models import Payer, PayerRate
from apps.billing.tests.setup_support import make_payer, make_service

JAN = dt.date(2027, 1, 1)
JUN = dt.date(2027, 6, 30)
JUL = dt.date(2027, 7, 1)


@pytest.fixture
def payer(org_a):
    return make_payer(org_a)


@pytest.fixture
def service(org_a):
    return make_service(org_a)


def set_rate(payer, service, start, end, rate="7.00", **kwargs):
    return payers.payer_rate_set(
        payer=payer, service=service, rate=Decimal(rate), effective_from=start, effective_to=end, actor=None, **kwargs
    )


def test_a_payer_is_saved_with_its_codes_tidied(org_a):
    with org_a:
        payer = payers.payer_save(actor=None, name="  Acme Health ", edi_payer_id=" ac123 ", state="ks")
        assert (payer.name, payer.edi_payer_id, payer.state) == ("Acme Health", "AC123", "KS")


def test_a_payer_without_a_name_is_refused_and_nothing_is_saved(org_a):
    with org_a:
        with pytest.raises(ValidationError) as refused:
            payers.payer_save(actor=None, name="", payer_type="medicaid")
        assert "name" in refused.value.message_dict
        assert not Payer.objects.exists()


def test_an_unknown_payer_type_is_refused_by_its_field(org_a, payer):
    with org_a:
        with pytest.raises(ValidationError) as refused:
            payers.payer_save(payer=payer, actor=None, payer_type="lottery")
        assert "payer_type" in refused.value.message_dict


def test_rates_one_after_the_other_are_accepted(org_a, payer, service):
    with org_a:
        set_rate(payer, service, JAN, JUN)
        set_rate(payer, service, JUL, None, rate="7.50")
        assert PayerRate.objects.filter(payer=payer).count() == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2027, 6, 30), None),  # starts on the other's last day
        (dt.date(2026, 12, 1), dt.date(2027, 1, 1)),  # ends on its first day
        (dt.date(2027, 3, 1), dt.date(2027, 3, 31)),  # inside it
        (dt.date(2026, 1, 1), None),  # open-ended, starting before it
    ],
)
def test_a_rate_overlapping_another_is_refused_naming_its_dates(org_a, payer, service, start, end):
    with org_a:
        set_rate(payer, service, JAN, JUN)
        with pytest.raises(ValidationError) as refused:
            set_rate(payer, service, start, end)
        message = " ".join(refused.value.message_dict["effective_from"])
        assert "7.00" in message and "Jan 1, 2027" in message and "Jun 30, 2027" in message
        assert PayerRate.objects.count() == 1


def test_an_open_ended_rate_overlaps_every_later_one(org_a, payer, service):
    with org_a:
        set_rate(payer, service, JAN, None)
        with pytest.raises(ValidationError) as refused:
            set_rate(payer, service, dt.date(2030, 1, 1), dt.date(2030, 12, 31))
        message = " ".join(refused.value.message_dict["effective_from"])
        assert "for this service from Jan 1, 2027 on." in message


def test_another_service_or_payer_may_have_a_rate_on_the_same_dates(org_a, payer, service):
    with org_a:
        set_rate(payer, service, JAN, None)
        set_rate(payer, make_service(org_a, code="S5125"), JAN, None)
        set_rate(make_payer(org_a, name="Other plan"), service, JAN, None)
        assert PayerRate.objects.count() == 3


def test_a_rate_changed_is_not_compared_with_itself(org_a, payer, service):
    with org_a:
        rate = set_rate(payer, service, JAN, JUN)
        set_rate(payer, service, JAN, None, rate="8.00", rate_obj=rate)
        rate.refresh_from_db()
        assert (rate.rate, rate.effective_to) == (Decimal("8.00"), None)


def test_a_rate_ending_before_it_starts_is_refused(org_a, payer, service):
    with org_a:
        with pytest.raises(ValidationError) as refused:
            set_rate(payer, service, JUN, JAN)
        assert "effective_to" in refused.value.message_dict


def test_a_negative_rate_is_refused(org_a, payer, service):
    with org_a:
        with pytest.raises(ValidationError) as refused:
            set_rate(payer, service, JAN, None, rate="-1.00")
        assert "rate" in refused.value.message_dict
        assert not PayerRate.objects.exists()


def test_a_rate_of_another_payer_cannot_be_changed_through_this_one(org_a, payer, service):
    with org_a:
        rate = set_rate(make_payer(org_a, name="Other plan"), service, JAN, None)
        with pytest.raises(ValidationError):
            set_rate(payer, service, JAN, None, rate_obj=rate)


def test_a_deleted_rate_frees_its_dates(org_a, payer, service):
    with org_a:
        rate = set_rate(payer, service, JAN, None)
        payers.payer_rate_delete(rate_obj=rate, actor=None)
        set_rate(payer, service, JAN, None)
        assert PayerRate.objects.count() == 1
