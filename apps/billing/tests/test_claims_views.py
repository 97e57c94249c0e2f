"""The claims pages: who sees them (Billing Specialists and admins; others 403; another
organization's people 404 on our claims), the list's filters and query count, building,
downloading an 837P, status changes and corrections through the pages, the receivables page
and the summary PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import LogEntry
from apps.billing import claims as services
from apps.billing.models import BillableService, Claim, Interchange
from apps.billing.tests import claims_support as s
from apps.core import fragments
from conftest import person, signed_in


@pytest.fixture
def claims(org_a):
    s.set_identity(org_a)
    with org_a:
        payer = s.make_payer()
        service = s.make_service()
        for name in ("Ann", "Ben", "Cy"):
            client = s.make_client(payer, first_name=name, last_name="Rivera")
            s.make_billables(client, payer, service, [dt.date(2026, 10, 5), dt.date(2026, 10, 6)])
        return services.claims_build(
            start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), actor=person(org_a, "billing")
        )


def url(claim, action=""):
    return f"/billing/claims/{claim.pk}/{action + '/' if action else ''}"


@pytest.mark.parametrize("local", ["billing", "admin"])
def test_billing_specialists_and_admins_see_the_claims(org_a, claims, local):
    page = signed_in(org_a, local).get("/billing/claims/")
    assert page.status_code == 200
    assert claims[0].claim_number in page.content.decode()
    assert signed_in(org_a, local).get(url(claims[0])).status_code == 200


@pytest.mark.parametrize("local", ["dsp", "scheduler", "nurse", "hr", "outsider"])
def test_other_roles_are_refused(org_a, claims, local):
    browser = signed_in(org_a, local)
    assert browser.get("/billing/claims/").status_code == 403
    assert browser.get("/billing/receivables/").status_code == 403
    assert browser.get(url(claims[0])).status_code == 403
    assert browser.post("/billing/claims/export/", {"claims": [claims[0].pk]}).status_code == 403


def test_another_organizations_billing_specialist_gets_404_and_an_empty_list(org_a, org_b, claims):
    browser = signed_in(org_b, "billing")
    assert browser.get(url(claims[0])).status_code == 404
    assert browser.get(url(claims[0], "status")).status_code == 404
    assert browser.post(url(claims[0], "void")).status_code == 404
    assert claims[0].claim_number not in browser.get("/billing/claims/").content.decode()


def test_the_list_filters_and_its_query_count_does_not_grow_with_rows(one_minute, org_a, claims):
    browser = signed_in(org_a, "billing")
    browser.get("/billing/claims/")
    # A kept page: each count is of a page drawn afresh, not read from the worker's memory.
    fragments.clear()
    with CaptureQueriesContext(connection) as few:
        page = browser.get("/billing/claims/")
    assert page.content.decode().count('name="claims"') == 3
    with org_a:
        payer = claims[0].payer
        for i in range(12):
            client = s.make_client(payer, first_name=f"Extra{i}")
            s.make_billables(client, payer, s.make_service(), [dt.date(2026, 9, 1 + i)])
        services.claims_build(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), actor=None)
    fragments.clear()
    with CaptureQueriesContext(connection) as many:
        page = browser.get("/billing/claims/")
    assert page.content.decode().count('name="claims"') == 15
    assert len(many) == len(few)
    # Drawn once: the next visit reads the kept page, until a claim changes.
    with CaptureQueriesContext(connection) as kept:
        browser.get("/billing/claims/")
    assert len(kept) < len(few)
    found = browser.get("/billing/claims/", {"q": "ben rivera"}).content.decode()
    assert found.count("/billing/claims/") >= 1 and "Ben" in found and "Ann" not in found
    assert claims[0].claim_number in browser.get("/billing/claims/", {"q": claims[0].claim_number}).content.decode()
    assert "Nothing matches" in browser.get("/billing/claims/", {"status": "paid"}).content.decode()


def test_the_detail_page_is_in_the_access_log(org_a, claims):
    signed_in(org_a, "billing").get(url(claims[0]))
    with org_a:
        assert LogEntry.objects.filter(object_pk=str(claims[0].pk), action=LogEntry.Action.ACCESS).exists()


def test_building_claims_through_the_page(org_a):
    with org_a:
        payer = s.make_payer()
        s.make_billables(s.make_client(payer), payer, s.make_service(), [dt.date(2026, 9, 3)])
    browser = signed_in(org_a, "billing")
    response = browser.post("/billing/claims/build/", {"start": "2026-09-01", "end": "2026-09-30"})
    assert response.status_code == 302
    with org_a:
        assert Claim.objects.count() == 1
    refused = browser.post("/billing/claims/build/", {"start": "2026-09-30", "end": "2026-09-01"})
    assert refused.status_code == 400
    assert "cannot be before" in refused.content.decode()
    assert signed_in(org_a, "dsp").get("/billing/claims/build/").status_code == 403


def test_downloading_an_837p_of_selected_drafts(org_a, claims):
    response = signed_in(org_a, "billing").post("/billing/claims/export/", {"claims": [claims[0].pk, claims[1].pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    content = response.content.decode()
    assert content.startswith("ISA*") and content.count("CLM*") == 2
    with org_a:
        assert Interchange.objects.get().claim_count == 2
        assert Claim.objects.filter(status="submitted").count() == 2


def test_a_refused_download_says_why_and_changes_nothing(org_a, claims):
    s.set_identity(org_a, tax_id="")
    response = signed_in(org_a, "billing").post("/billing/claims/export/", {"claims": [claims[0].pk]}, follow=True)
    assert "tax_id" in response.content.decode()
    with org_a:
        assert not Interchange.objects.exists()


def test_status_change_with_a_note_and_a_refused_one(org_a, claims):
    browser = signed_in(org_a, "billing")
    assert browser.post(url(claims[0], "status"), {"status": "submitted", "note": "Sent by portal"}).status_code == 302
    # A submitted claim is not offered "draft": choosing it anyway is refused by the form.
    refused = browser.post(url(claims[0], "status"), {"status": "draft"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    page = browser.get(url(claims[0])).content.decode()
    assert "Sent by portal" in page


def test_replace_void_remove_a_line_and_delete_through_the_pages(org_a, claims):
    browser = signed_in(org_a, "billing")
    with org_a:
        line = claims[1].lines.first()
    assert browser.post(url(claims[1], f"lines/{line.pk}/remove")).status_code == 302
    with org_a:
        assert BillableService.objects.get(pk=line.billable_service_id).status == "ready"
    assert browser.post(url(claims[1], "delete")).status_code == 302
    with org_a:
        assert not Claim.objects.filter(pk=claims[1].pk).exists()
        services.claim_status_set(claim=claims[0], status="submitted", actor=None)
    made = browser.post(url(claims[0], "replace"))
    with org_a:
        replacement = Claim.objects.get(claim_type="replacement")
    assert made.url == url(replacement)
    assert claims[0].claim_number in browser.get(url(replacement)).content.decode()
    refused = browser.post(url(claims[2], "void"), follow=True)
    assert "has been sent" in refused.content.decode()


def test_the_receivables_page_and_the_summary_pdf(org_a, claims):
    with org_a:
        services.claim_status_set(claim=claims[0], status="submitted", actor=None)
    browser = signed_in(org_a, "billing")
    page = browser.get("/billing/receivables/")
    assert page.status_code == 200
    assert "State Medicaid" in page.content.decode() and "50.00" in page.content.decode()
    pdf = browser.get("/billing/summary.pdf", {"month": "2026-10"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert signed_in(org_a, "dsp").get("/billing/summary.pdf").status_code == 403


def test_the_detail_page_shows_payments_per_line_adjustments_history_and_the_correction(org_a, claims):
    with org_a:
        claim = services.claim_status_set(claim=claims[0], status="submitted", actor=None)
        s.post_835([claim], trace="EFT-VIEW", paid={claim.claim_number: Decimal("20.00")})
        void = services.claim_void(claim=Claim.objects.get(pk=claim.pk), actor=None)
    page = signed_in(org_a, "billing").get(url(claim)).content.decode()
    assert "20.00" in page and "Partly paid" in page
    assert "CO" in page and "45" in page and "5.00" in page
    assert "Payment posted (835, trace EFT-VIEW)." in page and f"PCN{claim.claim_number}" in page
    assert void.claim_number in page
