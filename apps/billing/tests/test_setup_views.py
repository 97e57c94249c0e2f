"""Billing's setup pages (payers and rates, a client's coverage tab, the overview): open to
Billing Specialists and admins, closed (403) to roles without billing, another organization's
records a 404 and absent from lists, bad input a 400 with nothing saved, and lists whose
query count does not grow with their rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import LogEntry
from apps.billing import payers
from apps.billing.models import BillableService, Claim, ClaimLine, Coverage, Payer, PayerRate, ServiceAuthorization
from apps.billing.tests.setup_support import make_coverage, make_payer, make_service
from apps.clients.tests.conftest import make_client
from apps.core import clock
from apps.scheduling.tests.conftest import make_staff
from conftest import signed_in

CLOSED = ["dsp", "hr", "scheduler", "outsider"]


@pytest.fixture
def payer(org_a):
    return make_payer(org_a)


@pytest.fixture
def service(org_a):
    return make_service(org_a)


@pytest.fixture
def rate(org_a, payer, service):
    with org_a:
        return payers.payer_rate_set(
            payer=payer,
            service=service,
            rate=Decimal("7.10"),
            effective_from=dt.date(2026, 1, 1),
            effective_to=None,
            actor=None,
        )


@pytest.fixture
def maria(org_a):
    return make_client(org_a)


@pytest.fixture
def coverage(org_a, maria, payer):
    return make_coverage(org_a, maria, payer)


def payer_form(**values) -> dict:
    return {
        "name": "Sunflower Health Plan",
        "payer_type": "managed_care",
        "edi_payer_id": "68069",
        "claim_filing_indicator": "HM",
        "address_line1": "",
        "address_line2": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "phone": "",
        "is_active": "on",
    } | values


def coverage_form(payer, **values) -> dict:
    return {
        "payer": payer.pk,
        "rank": "1",
        "member_id": "K0000001",
        "group_number": "",
        "subscriber_relationship": "18",
        "subscriber_first_name": "",
        "subscriber_last_name": "",
        "subscriber_date_of_birth": "",
        "start_date": "2026-01-01",
        "end_date": "",
    } | values


def queries_of(browser, url: str) -> int:
    browser.get(url)  # the session and caches warmed, as on any later visit
    with CaptureQueriesContext(connection) as seen:
        assert browser.get(url).status_code == 200
    return len(seen)


# --- who may open what ----------------------------------------------------------------------------


def pages(payer, rate, maria, coverage) -> list[str]:
    return [
        "/billing/",
        "/billing/payers/",
        "/billing/payers/new/",
        f"/billing/payers/{payer.pk}/",
        f"/billing/payers/{payer.pk}/edit/",
        f"/billing/payers/{payer.pk}/rates/new/",
        f"/billing/payers/{payer.pk}/rates/{rate.pk}/edit/",
        f"/billing/clients/{maria.pk}/",
        f"/billing/clients/{maria.pk}/coverage/new/",
        f"/billing/coverage/{coverage.pk}/edit/",
        "/billing/settings/",
    ]


@pytest.mark.parametrize("local", ["billing", "admin"])
def test_billing_specialists_and_admins_open_every_setup_page(org_a, payer, rate, maria, coverage, local):
    browser = signed_in(org_a, local)
    for url in pages(payer, rate, maria, coverage):
        assert browser.get(url).status_code == 200, url


@pytest.mark.parametrize("local", CLOSED)
def test_roles_without_billing_are_refused_every_setup_page(org_a, payer, rate, maria, coverage, local):
    browser = signed_in(org_a, local)
    for url in pages(payer, rate, maria, coverage):
        assert browser.get(url).status_code == 403, url
    assert browser.post(f"/billing/payers/{payer.pk}/rates/{rate.pk}/delete/").status_code == 403
    assert browser.post(f"/billing/coverage/{coverage.pk}/delete/").status_code == 403
    with org_a:
        assert PayerRate.objects.exists() and Coverage.objects.exists()


def test_another_organizations_records_are_not_found(org_a, org_b, payer, rate, maria, coverage):
    browser = signed_in(org_b, "billing")
    for url in pages(payer, rate, maria, coverage):
        if str(payer.pk) in url or str(maria.pk) in url or str(coverage.pk) in url:
            assert browser.get(url).status_code == 404, url
    assert browser.post(f"/billing/payers/{payer.pk}/rates/{rate.pk}/delete/").status_code == 404
    assert browser.post(f"/billing/coverage/{coverage.pk}/delete/").status_code == 404
    with org_a:
        assert PayerRate.objects.exists() and Coverage.objects.exists()


def test_another_organizations_payers_are_not_listed(org_a, org_b, payer):
    make_payer(org_b, name="Beta Seguro")
    text = signed_in(org_b, "billing").get("/billing/payers/").content.decode()
    assert "Beta Seguro" in text and "State Medicaid" not in text


def test_a_program_manager_reads_coverage_but_not_payers(org_a, maria, coverage):
    manager = signed_in(org_a, "manager")
    assert manager.get("/billing/payers/").status_code == 403
    assert manager.get(f"/billing/clients/{maria.pk}/coverage/new/").status_code == 403


# --- payers and rates ---------------------------------------------------------------------------


def test_the_payer_list_finds_by_name_or_edi_id_and_filters_by_status(org_a, payer):
    make_payer(org_a, name="Closed plan", edi_payer_id="CLOSED1", is_active=False)
    browser = signed_in(org_a, "billing")
    assert "Closed plan" not in browser.get("/billing/payers/?q=skmd").content.decode()
    assert "State Medicaid" in browser.get("/billing/payers/?q=skmd").content.decode()
    inactive = browser.get("/billing/payers/?active=0").content.decode()
    assert "Closed plan" in inactive and "State Medicaid" not in inactive
    assert "No payers match" in browser.get("/billing/payers/?q=nothing-like-it").content.decode()


def test_the_payer_list_pages_by_25(org_a):
    for number in range(27):
        make_payer(org_a, name=f"Plan {number:02d}")
    browser = signed_in(org_a, "billing")
    first = browser.get("/billing/payers/").content.decode()
    assert "Plan 24" in first and "Plan 25" not in first and 'rel="next"' in first
    assert "Plan 26" in browser.get("/billing/payers/?page=2").content.decode()


def test_the_payer_list_costs_the_same_queries_for_many_payers(
    one_minute, org_a, service, django_assert_max_num_queries
):
    browser = signed_in(org_a, "billing")
    make_payer(org_a, name="Plan one")
    few = queries_of(browser, "/billing/payers/")
    for number in range(20):
        payer = make_payer(org_a, name=f"Plan {number:02d}")
        with org_a:
            payers.payer_rate_set(
                payer=payer,
                service=service,
                rate=Decimal("5.00"),
                effective_from=dt.date(2026, 1, 1),
                effective_to=None,
                actor=None,
            )
    with django_assert_max_num_queries(few):
        assert browser.get("/billing/payers/").status_code == 200


def test_the_payer_page_costs_the_same_queries_for_many_rates(
    one_minute, org_a, payer, rate, django_assert_max_num_queries
):
    browser = signed_in(org_a, "billing")
    few = queries_of(browser, f"/billing/payers/{payer.pk}/")
    with org_a:
        for number in range(10):
            service = make_service(org_a, code=f"S{number:04d}")
            payers.payer_rate_set(
                payer=payer,
                service=service,
                rate=Decimal("5.00"),
                effective_from=dt.date(2026, 1, 1),
                effective_to=None,
                actor=None,
            )
    with django_assert_max_num_queries(few):
        page = browser.get(f"/billing/payers/{payer.pk}/")
    assert page.status_code == 200 and "S0009" in page.content.decode()


def test_a_payer_is_created_and_edited_through_its_form(org_a):
    browser = signed_in(org_a, "billing")
    response = browser.post("/billing/payers/new/", payer_form())
    with org_a:
        payer = Payer.objects.get()
    assert response.status_code == 302 and response.url == f"/billing/payers/{payer.pk}/"
    response = browser.post(f"/billing/payers/{payer.pk}/edit/", payer_form(name="Sunflower", is_active=""))
    assert response.status_code == 302
    with org_a:
        payer.refresh_from_db()
        assert (payer.name, payer.is_active) == ("Sunflower", False)


def test_a_payer_without_a_name_is_a_400_and_nothing_is_saved(org_a):
    response = signed_in(org_a, "billing").post("/billing/payers/new/", payer_form(name=""))
    assert response.status_code == 400 and "name" in response.context["form"].errors
    with org_a:
        assert not Payer.objects.exists()


def test_the_payer_page_shows_its_rates_by_service_and_its_coverages(org_a, payer, rate, coverage):
    text = signed_in(org_a, "billing").get(f"/billing/payers/{payer.pk}/").content.decode()
    assert "T1019" in text and "7.10" in text and "open-ended" in text
    assert "1 client coverage names this payer" in text


def test_an_overlapping_rate_is_a_400_naming_the_other_and_nothing_is_saved(org_a, payer, service, rate):
    form = {"service": service.pk, "rate": "9.00", "effective_from": "2026-06-01", "effective_to": ""}
    response = signed_in(org_a, "billing").post(f"/billing/payers/{payer.pk}/rates/new/", form)
    assert response.status_code == 400
    assert "7.10" in " ".join(response.context["form"].errors["effective_from"])
    with org_a:
        assert PayerRate.objects.count() == 1


def test_a_rate_is_added_edited_and_deleted(org_a, payer, service, rate):
    browser = signed_in(org_a, "billing")
    base = f"/billing/payers/{payer.pk}/rates/"
    edit = {"service": service.pk, "rate": "7.10", "effective_from": "2026-01-01", "effective_to": "2026-12-31"}
    assert browser.post(f"{base}{rate.pk}/edit/", edit).status_code == 302
    new = {"service": service.pk, "rate": "7.50", "effective_from": "2027-01-01", "effective_to": ""}
    assert browser.post(f"{base}new/", new).status_code == 302
    with org_a:
        assert list(PayerRate.objects.order_by("effective_from").values_list("rate", flat=True)) == [
            Decimal("7.10"),
            Decimal("7.50"),
        ]
    assert browser.post(f"{base}{rate.pk}/delete/").status_code == 302
    with org_a:
        assert PayerRate.objects.count() == 1


def test_a_rate_with_a_bad_amount_is_a_400(org_a, payer, service):
    form = {"service": service.pk, "rate": "seven", "effective_from": "2026-01-01", "effective_to": ""}
    response = signed_in(org_a, "billing").post(f"/billing/payers/{payer.pk}/rates/new/", form)
    assert response.status_code == 400 and "rate" in response.context["form"].errors


# --- a client's coverage ------------------------------------------------------------------------


def test_the_client_tab_shows_coverage_with_the_current_one_marked_and_is_access_logged(org_a, maria, payer):
    make_coverage(org_a, maria, payer, start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 12, 31), member_id="OLD1")
    make_coverage(org_a, maria, payer, start_date=dt.date(2021, 1, 1), member_id="NOW1")
    page = signed_in(org_a, "billing").get(f"/billing/clients/{maria.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "OLD1" in text and "NOW1" in text
    assert text.count("In force today") == 1 and text.index("In force today") < text.index("NOW1")
    with org_a:
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_pk=str(maria.pk), additional_data__via="billing"
        ).exists()


def test_the_client_page_offers_the_billing_tab_only_to_those_who_read_coverage(org_a, maria):
    tab = f'href="/billing/clients/{maria.pk}/"'
    assert tab in signed_in(org_a, "billing").get(f"/clients/{maria.pk}/").content.decode()
    assert tab not in signed_in(org_a, "scheduler").get(f"/clients/{maria.pk}/").content.decode()


def test_a_coverage_is_added_edited_and_deleted(org_a, maria, payer):
    browser = signed_in(org_a, "billing")
    response = browser.post(f"/billing/clients/{maria.pk}/coverage/new/", coverage_form(payer))
    assert response.status_code == 302 and response.url == f"/billing/clients/{maria.pk}/"
    with org_a:
        coverage = Coverage.objects.get()
    edited = coverage_form(payer, end_date="2026-12-31", group_number="G7")
    assert browser.post(f"/billing/coverage/{coverage.pk}/edit/", edited).status_code == 302
    with org_a:
        coverage.refresh_from_db()
        assert (coverage.end_date, coverage.group_number) == (dt.date(2026, 12, 31), "G7")
    assert browser.post(f"/billing/coverage/{coverage.pk}/delete/").status_code == 302
    with org_a:
        assert not Coverage.objects.exists()


def test_a_second_primary_is_a_400_and_nothing_is_saved(org_a, maria, payer, coverage):
    form = coverage_form(payer, start_date="2026-03-01", member_id="K2")
    response = signed_in(org_a, "billing").post(f"/billing/clients/{maria.pk}/coverage/new/", form)
    assert response.status_code == 400 and "already has a primary" in " ".join(response.context["form"].errors["rank"])
    with org_a:
        assert Coverage.objects.count() == 1


def test_a_subscriber_left_unnamed_is_a_400_by_the_field(org_a, maria, payer):
    form = coverage_form(payer, subscriber_relationship="19")
    response = signed_in(org_a, "billing").post(f"/billing/clients/{maria.pk}/coverage/new/", form)
    assert response.status_code == 400 and "subscriber_date_of_birth" in response.context["form"].errors
    with org_a:
        assert not Coverage.objects.exists()


def test_a_client_of_another_organization_cannot_get_coverage(org_a, org_b, maria):
    other_payer = make_payer(org_b, name="Beta plan")
    response = signed_in(org_b, "billing").post(
        f"/billing/clients/{maria.pk}/coverage/new/", coverage_form(other_payer)
    )
    assert response.status_code == 404


def test_the_client_tab_costs_the_same_queries_for_many_coverages(
    one_minute, org_a, maria, django_assert_max_num_queries
):
    browser = signed_in(org_a, "billing")
    make_coverage(org_a, maria, make_payer(org_a, name="Plan now"), start_date=dt.date(2021, 1, 1))
    few = queries_of(browser, f"/billing/clients/{maria.pk}/")
    for year in range(2010, 2020):
        payer = make_payer(org_a, name=f"Plan {year}")
        make_coverage(
            org_a, maria, payer, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31), member_id=f"M{year}"
        )
    with django_assert_max_num_queries(few):
        assert browser.get(f"/billing/clients/{maria.pk}/").status_code == 200


# --- the overview -------------------------------------------------------------------------------


def test_the_overview_counts_payers_and_warns_of_a_missing_identity(org_a, payer):
    make_payer(org_a, name="Closed plan", is_active=False)
    text = signed_in(org_a, "billing").get("/billing/").content.decode()
    assert "1 active payer" in text and 'href="/billing/payers/?active=1"' in text
    assert "claims cannot be sent until it is filled in" in text and 'href="/billing/settings/"' in text


def test_the_overview_costs_a_fixed_number_of_queries(one_minute, org_a, payer, django_assert_max_num_queries):
    browser = signed_in(org_a, "billing")
    browser.get("/billing/")
    with django_assert_max_num_queries(14):
        assert browser.get("/billing/").status_code == 200


def _billable(org, client, staff, service, status, units="4.00", rate="6.25"):
    units_d, rate_d = Decimal(units), Decimal(rate)
    return BillableService.objects.create(
        client=client,
        staff=staff,
        service=service,
        source=BillableService.Source.MANUAL,
        reason="Paper timesheet",
        service_date=dt.date(2026, 3, 2),
        minutes=60,
        units=units_d,
        rate=rate_d,
        total_amount=(units_d * rate_d).quantize(Decimal("0.01")),
        status=status,
    )


def test_the_overview_counts_billable_services_claims_and_authorizations_ending(org_a, payer, service, maria):
    staff = make_staff(org_a)
    with org_a:
        today = clock.today(org_a)
        _billable(org_a, maria, staff, service, BillableService.Status.BLOCKED)
        _billable(org_a, maria, staff, service, BillableService.Status.READY)
        _billable(org_a, maria, staff, service, BillableService.Status.READY, units="2.00")
        claimed = _billable(org_a, maria, staff, service, BillableService.Status.CLAIMED)
        claim = Claim.objects.create(
            payer=payer,
            client=maria,
            claim_number="C-1",
            period_start=claimed.service_date,
            period_end=claimed.service_date,
            total_amount=claimed.total_amount,
            amount_paid=Decimal("10.00"),
            status=Claim.Status.PAID,
        )
        ClaimLine.objects.create(
            claim=claim,
            line_number=1,
            billable_service=claimed,
            service_date=claimed.service_date,
            procedure_code=service.code,
            units=claimed.units,
            charge=claimed.total_amount,
        )
        for number, ends in enumerate([today, today + dt.timedelta(days=30), today + dt.timedelta(days=31)]):
            ServiceAuthorization.objects.create(
                client=maria,
                payer=payer,
                service=service,
                authorization_number=f"A{number}",
                start_date=today - dt.timedelta(days=90),
                end_date=ends,
                units_authorized=Decimal("100"),
            )
    page = signed_in(org_a, "billing").get("/billing/")
    text = page.content.decode()
    assert "1 blocked" in text and "2 ready to bill ($37.50)" in text
    paid = next(row for row in page.context["claims"] if row.status == "paid")
    assert (paid.count, paid.total, paid.paid) == (1, Decimal("25.00"), Decimal("10.00"))
    assert "2 ending within 30 days" in text
    # The claims pages are merged: the overview links to them.
    assert 'href="/billing/claims/' in text


def test_a_program_manager_sees_only_the_authorizations_on_the_overview(org_a, payer):
    page = signed_in(org_a, "manager").get("/billing/")
    assert page.status_code == 200
    assert "authorizations_ending" in page.context and "claims" not in page.context
    assert "Payers" not in page.content.decode().split("<main", 1)[-1].split("</nav>", 1)[-1]


@pytest.mark.parametrize("local", CLOSED)
def test_roles_without_billing_cannot_open_the_overview(org_a, local):
    assert signed_in(org_a, local).get("/billing/").status_code == 403


def test_the_setup_pages_read_in_spanish(org_a, payer, rate, maria, coverage):
    browser = signed_in(org_a, "billing")
    browser.cookies["django_language"] = "es"
    assert "Pagadores" in browser.get("/billing/payers/").content.decode()
    assert "Vigente hoy" in browser.get(f"/billing/clients/{maria.pk}/").content.decode()
    assert "No se pueden enviar reclamaciones" in browser.get("/billing/settings/").content.decode()
