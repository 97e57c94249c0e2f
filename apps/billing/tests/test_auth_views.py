"""The authorization and review-queue pages: who may see and do what, another
organization's records answering 404, bad input a 400 with nothing saved, and query counts
that do not grow with the rows."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.billing.generation import billables_generate
from apps.billing.models import BillableService, ServiceAuthorization
from apps.billing.tests.billables_support import make_setting, make_visit
from apps.core import fragments
from conftest import signed_in

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def setting(org_a):
    s = make_setting(org_a, units=Decimal("8.00"))
    with org_a:
        make_visit(s, day=DAY, start="09:00", minutes=60)
        make_visit(s, day=DAY, start="09:30", minutes=60)  # overlaps the first
        billables_generate(start=DAY, end=DAY)
    return s


def billable_of(org, setting) -> BillableService:
    with org:
        return BillableService.objects.filter(client=setting.client).order_by("starts_at")[0]


LISTS = ["/billing/authorizations/", "/billing/review/"]


@pytest.mark.parametrize("url", LISTS)
def test_billing_people_and_admins_see_the_lists(org_a, setting, url):
    for local in ("billing", "admin"):
        response = signed_in(org_a, local).get(url)
        assert response.status_code == 200
        assert setting.client.last_name in response.content.decode()


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("local", ["dsp", "scheduler", "nurse", "hr", "outsider"])
def test_roles_without_billing_get_403_on_the_lists(org_a, url, local):
    assert signed_in(org_a, local).get(url).status_code == 403


def test_program_managers_read_authorizations_but_not_the_review_queue(org_a, setting):
    manager = signed_in(org_a, "manager")
    assert manager.get("/billing/authorizations/").status_code == 200
    assert manager.get(f"/billing/authorizations/{setting.authorization.pk}/").status_code == 200
    assert manager.get("/billing/review/").status_code == 403
    assert manager.get("/billing/authorizations/new/").status_code == 403


def test_another_organizations_records_are_404_and_not_listed(org_a, org_b, setting):
    billable = billable_of(org_a, setting)
    other = signed_in(org_b, "billing")
    assert other.get(f"/billing/authorizations/{setting.authorization.pk}/").status_code == 404
    assert other.get(f"/billing/authorizations/{setting.authorization.pk}/edit/").status_code == 404
    assert other.get(f"/billing/billables/{billable.pk}/").status_code == 404
    assert other.post(f"/billing/billables/{billable.pk}/recheck/").status_code == 404
    assert other.get(f"/billing/billables/{billable.pk}/void/").status_code == 404
    assert setting.client.last_name not in other.get("/billing/authorizations/").content.decode()
    assert setting.client.last_name not in other.get("/billing/review/").content.decode()


def test_a_dsp_gets_403_on_objects(org_a, setting):
    billable = billable_of(org_a, setting)
    dsp = signed_in(org_a, "dsp")
    assert dsp.get(f"/billing/authorizations/{setting.authorization.pk}/").status_code == 403
    assert dsp.get(f"/billing/billables/{billable.pk}/").status_code == 403
    assert dsp.post("/billing/review/generate/", {"start": "2026-03-01", "end": "2026-03-31"}).status_code == 403


def test_the_detail_pages_show_utilization_and_reasons_and_are_access_logged(org_a, setting):
    from apps.audit.models import LogEntry

    browser = signed_in(org_a, "billing")
    page = browser.get(f"/billing/authorizations/{setting.authorization.pk}/").content.decode()
    assert "<meter" in page
    # Its two services overlap each other, so both are blocked and neither uses it up.
    assert "0.00 of 8.00 units (0.0%)" in page
    billable = billable_of(org_a, setting)
    page = browser.get(f"/billing/billables/{billable.pk}/").content.decode()
    assert "Overlaps another billable service" in page
    with org_a:
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() >= 2


def test_the_review_queue_filters_by_reason_and_shows_it_as_text(org_a, setting):
    browser = signed_in(org_a, "billing")
    page = browser.get("/billing/review/?reason=overlap").content.decode()
    assert "Overlaps another billable service for the same client and service" in page
    assert "Nothing matches" in browser.get("/billing/review/?reason=no_coverage").content.decode()


def test_generate_check_again_and_void_from_the_pages(org_a, setting):
    browser = signed_in(org_a, "billing")
    with org_a:
        make_visit(setting, day=DAY + dt.timedelta(days=1))
    response = browser.post("/billing/review/generate/", {"start": str(DAY), "end": str(DAY + dt.timedelta(days=1))})
    assert response.status_code == 302
    billable = billable_of(org_a, setting)
    response = browser.post(f"/billing/billables/{billable.pk}/void/", {"reason": ""})
    assert response.status_code == 400
    response = browser.post(f"/billing/billables/{billable.pk}/void/", {"reason": "Entered twice"})
    assert response.status_code == 302
    assert browser.post("/billing/review/recheck/").status_code == 302
    with org_a:
        assert BillableService.objects.get(pk=billable.pk).status == "void"
        assert BillableService.objects.filter(status="ready").count() == 2


def test_a_backwards_period_is_a_400(org_a, setting):
    response = signed_in(org_a, "billing").post(
        "/billing/review/generate/", {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "cannot be before" in response.content.decode()


def test_creating_and_editing_an_authorization(org_a, setting):
    browser = signed_in(org_a, "billing")
    values = {
        "client": setting.client.pk,
        "payer": setting.payer.pk,
        "service": setting.service.pk,
        "authorization_number": "PA-NEW-1",
        "start_date": "2026-04-01",
        "end_date": "2026-03-01",
        "units_authorized": "50",
        "period": "total",
        "status": "active",
    }
    response = browser.post("/billing/authorizations/new/", values)
    assert response.status_code == 400
    with org_a:
        assert not ServiceAuthorization.objects.filter(authorization_number="PA-NEW-1").exists()
    response = browser.post("/billing/authorizations/new/", values | {"end_date": "2026-06-30"})
    assert response.status_code == 302
    with org_a:
        created = ServiceAuthorization.objects.get(authorization_number="PA-NEW-1")
    response = browser.post(
        f"/billing/authorizations/{created.pk}/edit/", values | {"end_date": "2026-07-31", "period": "week"}
    )
    assert response.status_code == 400  # a weekly cap needs its units
    response = browser.post(
        f"/billing/authorizations/{created.pk}/edit/",
        values | {"end_date": "2026-07-31", "period": "week", "period_units": "10"},
    )
    assert response.status_code == 302
    with org_a:
        created.refresh_from_db()
        assert (created.end_date, created.period_units) == (dt.date(2026, 7, 31), Decimal("10.00"))


def test_a_manual_entry_needs_a_reason(org_a, setting):
    browser = signed_in(org_a, "billing")
    values = {
        "client": setting.client.pk,
        "staff": setting.staff.pk,
        "service": setting.service.pk,
        "service_date": "2026-03-12",
        "start_time": "13:00",
        "end_time": "14:00",
        "reason": "",
    }
    assert browser.post("/billing/billables/new/", values).status_code == 400
    response = browser.post("/billing/billables/new/", values | {"reason": "Paper timesheet"})
    assert response.status_code == 302
    with org_a:
        assert BillableService.objects.filter(source="manual").count() == 1


def test_list_queries_do_not_grow_with_rows(one_minute, org_a, setting, django_assert_max_num_queries):
    browser = signed_in(org_a, "billing")
    browser.get("/billing/review/")
    browser.get("/billing/authorizations/")
    # The review queue is a kept page: each count is of a page drawn afresh.
    fragments.clear()
    with django_assert_max_num_queries(40) as few:
        browser.get("/billing/review/")
    review_queries = len(few.captured_queries)
    with django_assert_max_num_queries(40) as few:
        browser.get("/billing/authorizations/")
    list_queries = len(few.captured_queries)
    for _ in range(4):
        more = make_setting(org_a)
        with org_a:
            make_visit(more, day=DAY)
    with org_a:
        billables_generate(start=DAY, end=DAY)
    fragments.clear()
    with django_assert_max_num_queries(review_queries):
        browser.get("/billing/review/")
    with django_assert_max_num_queries(list_queries):
        browser.get("/billing/authorizations/")
