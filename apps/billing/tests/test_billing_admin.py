"""Billing in the Django admin: every page loads for an organization admin; payers, rates and
coverage are saved through the services (an overlapping rate or a second primary refused by
the field, nothing saved); claims, files, history and adjustments are read-only; billable
services keep their money as priced; opening a coverage is access-logged."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.audit.models import LogEntry
from apps.billing import payers
from apps.billing.models import (
    BillableService,
    Claim,
    ClaimAdjustment,
    ClaimEvent,
    Coverage,
    Interchange,
    Payer,
    PayerRate,
    ServiceAuthorization,
)
from apps.billing.tests.setup_support import make_coverage, make_payer, make_service
from apps.clients.tests.conftest import make_client
from apps.scheduling.models import Service
from conftest import signed_in

MODELS = [
    Payer,
    Coverage,
    ServiceAuthorization,
    BillableService,
    Claim,
    Interchange,
    ClaimEvent,
    ClaimAdjustment,
]
READ_ONLY = [Claim, Interchange, ClaimEvent, ClaimAdjustment, BillableService]


@pytest.fixture
def payer(org_a):
    return make_payer(org_a)


@pytest.fixture
def service(org_a):
    return make_service(org_a)


@pytest.fixture
def maria(org_a):
    return make_client(org_a)


def rates(*rows, initial: int = 0) -> dict:
    data = {
        "rates-TOTAL_FORMS": str(len(rows)),
        "rates-INITIAL_FORMS": str(initial),
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"rates-{index}-{key}": value for key, value in row.items()})
    return data


def payer_form(**values) -> dict:
    return {
        "name": "Sunflower Health Plan",
        "payer_type": "managed_care",
        "edi_payer_id": "68069",
        "claim_filing_indicator": "HM",
        "is_active": "on",
    } | values


def test_every_billing_page_of_the_admin_loads_for_an_organization_admin(org_a, payer, maria):
    coverage = make_coverage(org_a, maria, payer)
    admin = signed_in(org_a, "admin")
    for model in MODELS:
        assert admin.get(f"/admin/billing/{model._meta.model_name}/").status_code == 200, model
    assert admin.get("/admin/billing/payer/add/").status_code == 200
    assert admin.get(f"/admin/billing/payer/{payer.pk}/change/").status_code == 200
    assert admin.get(f"/admin/billing/coverage/{coverage.pk}/change/").status_code == 200
    with org_a:
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(coverage.pk)).exists()


def test_read_only_billing_records_cannot_be_added_in_the_admin(org_a):
    admin = signed_in(org_a, "admin")
    for model in READ_ONLY:
        assert admin.get(f"/admin/billing/{model._meta.model_name}/add/").status_code == 403, model


def test_a_payer_with_its_rates_is_saved_through_the_services(org_a, service):
    admin = signed_in(org_a, "admin")
    form = payer_form() | rates(
        {"service": service.pk, "rate": "7.00", "effective_from": "2026-01-01", "effective_to": "2026-06-30"},
        {"service": service.pk, "rate": "7.50", "effective_from": "2026-07-01", "effective_to": ""},
    )
    response = admin.post("/admin/billing/payer/add/", form)
    assert response.status_code == 302
    with org_a:
        payer = Payer.objects.get()
        assert payer.edi_payer_id == "68069"
        assert sorted(PayerRate.objects.values_list("rate", flat=True)) == [Decimal("7.00"), Decimal("7.50")]


def test_rates_overlapping_each_other_in_the_admin_are_refused_and_nothing_is_saved(org_a, service):
    form = payer_form() | rates(
        {"service": service.pk, "rate": "7.00", "effective_from": "2026-01-01", "effective_to": ""},
        {"service": service.pk, "rate": "7.50", "effective_from": "2026-07-01", "effective_to": ""},
    )
    response = signed_in(org_a, "admin").post("/admin/billing/payer/add/", form)
    assert response.status_code == 200 and "overlap another rate" in response.content.decode()
    with org_a:
        assert not Payer.objects.exists() and not PayerRate.objects.exists()


def test_a_new_rate_overlapping_a_saved_one_is_refused_in_the_admin(org_a, payer, service):
    with org_a:
        saved = payers.payer_rate_set(
            payer=payer,
            service=service,
            rate=Decimal("7.00"),
            effective_from=dt.date(2026, 1, 1),
            effective_to=None,
            actor=None,
        )
    form = payer_form(name=payer.name) | rates(
        {"id": saved.pk, "payer": payer.pk, "service": service.pk, "rate": "7.00", "effective_from": "2026-01-01"},
        {"service": service.pk, "rate": "9.00", "effective_from": "2027-01-01", "effective_to": ""},
        initial=1,
    )
    # The first row is unchanged (still open-ended), so the new one overlaps it.
    form["rates-0-effective_to"] = ""
    response = signed_in(org_a, "admin").post(f"/admin/billing/payer/{payer.pk}/change/", form)
    assert response.status_code == 200 and "overlap" in response.content.decode()
    with org_a:
        assert PayerRate.objects.count() == 1


def test_a_second_primary_coverage_is_refused_in_the_admin_by_the_field(org_a, payer, maria):
    make_coverage(org_a, maria, payer)
    form = {
        "client": maria.pk,
        "payer": payer.pk,
        "rank": "1",
        "member_id": "K2",
        "subscriber_relationship": "18",
        "start_date": "2026-05-01",
    }
    response = signed_in(org_a, "admin").post("/admin/billing/coverage/add/", form)
    assert response.status_code == 200 and "already has a primary coverage" in response.content.decode()
    form["rank"] = "2"
    assert signed_in(org_a, "admin").post("/admin/billing/coverage/add/", form).status_code == 302
    with org_a:
        assert Coverage.objects.count() == 2


def test_billing_pages_of_the_admin_are_closed_to_a_dsp(org_a):
    dsp = signed_in(org_a, "dsp")
    assert dsp.get("/admin/billing/payer/").status_code in (302, 403)


def service_form(**values) -> dict:
    return {
        "code": "T2017",
        "name": "Habilitation",
        "description": "",
        "required_certifications": "",
        "unit_type": "unit",
        "unit_minutes": "15",
        "rounding": "eight_minute",
        "base_rate": "5.10",
        "modifiers": "u1, HQ",
        "is_active": "on",
    } | values


def test_a_services_modifiers_are_saved_in_capitals(org_a):
    assert signed_in(org_a, "admin").post("/admin/scheduling/service/add/", service_form()).status_code == 302
    with org_a:
        assert Service.objects.get(code="T2017").modifiers == ["U1", "HQ"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("modifiers", "U1, HQX", "HQX: a modifier is two letters or digits"),
        ("modifiers", "U1, U2, U3, U4, U5", "at most four modifiers"),
        ("base_rate", "-1.00", "greater than or equal to 0"),
        ("base_rate", "5.123", "2 decimal places"),
    ],
)
def test_a_bad_modifier_or_rate_of_a_service_is_refused_with_a_clear_message(org_a, field, value, message):
    response = signed_in(org_a, "admin").post("/admin/scheduling/service/add/", service_form(**{field: value}))
    assert response.status_code == 200 and message in response.content.decode()
    with org_a:
        assert not Service.objects.filter(code="T2017").exists()
