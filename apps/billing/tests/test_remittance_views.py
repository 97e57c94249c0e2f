"""The payments pages: who sees and posts 835s, another organization's files not found,
an upload refused on the form with nothing posted, and query counts that do not grow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import LogEntry
from apps.billing.models import Claim, Interchange
from apps.billing.remittance import remittance_import
from apps.billing.tests.remit_support import make_claim, make_payer
from apps.billing.views import remittances
from apps.billing.x12.sample835 import build_835
from conftest import person, signed_in

PAID_ON = dt.date(2026, 12, 1)
LIST, UPLOAD = "/billing/payments/", "/billing/payments/upload/"


def page(remittance) -> str:
    return f"/billing/payments/{remittance.pk}/"


@pytest.fixture
def world(org_a):
    with org_a:
        payer = make_payer()
        claims = [make_claim(payer), make_claim(payer, ("80.00",))]
        content = build_835(claims, trace_number="EFT1", payment_date=PAID_ON)
    return claims, content


@pytest.fixture
def imported(org_a, world):
    claims, content = world
    with org_a:
        content = content.replace(f"CLP*{claims[1].claim_number}*", "CLP*NOT-OURS*")
        return remittance_import(content=content, actor=person(org_a, "billing"), filename="era.835")


def upload(content: str | bytes, name: str = "era.835") -> dict:
    data = content.encode() if isinstance(content, str) else content
    return {"file": SimpleUploadedFile(name, data, content_type="text/plain")}


def test_a_billing_specialist_uploads_an_835_and_lands_on_what_it_posted(org_a, world):
    _claims, content = world
    response = signed_in(org_a, "billing").post(UPLOAD, upload(content))
    assert response.status_code == 302
    with org_a:
        remittance = Interchange.objects.get()
        assert remittance.filename == "era.835"
        assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.PAID}
    assert response.url == page(remittance)


def test_a_bad_file_is_refused_on_the_form_with_a_400_and_nothing_posted(org_a, world):
    _claims, content = world
    browser = signed_in(org_a, "billing")
    response = browser.post(UPLOAD, upload(content.replace("BPR*C*230*", "BPR*C*231*")))
    assert response.status_code == 400
    assert "BPR02 pays 231.00" in response.content.decode()
    response = browser.post(UPLOAD, upload(b"\xff\xfeI\x00S\x00A\x00"))
    assert response.status_code == 400
    assert "The file is not text" in response.content.decode()
    response = browser.post(UPLOAD, {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with org_a:
        assert not Interchange.objects.exists()
        assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.SUBMITTED}


def test_a_file_over_the_size_limit_is_refused(org_a, world, monkeypatch):
    _claims, content = world
    monkeypatch.setattr(remittances, "MAX_BYTES", 100)
    response = signed_in(org_a, "billing").post(UPLOAD, upload(content))
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_the_same_file_twice_is_refused_on_the_form(org_a, world):
    _claims, content = world
    browser = signed_in(org_a, "billing")
    assert browser.post(UPLOAD, upload(content)).status_code == 302
    response = browser.post(UPLOAD, upload(content))
    assert response.status_code == 400
    assert "This file was already imported." in response.content.decode()


def test_the_list_shows_each_payment_with_its_unmatched_count(org_a, imported):
    response = signed_in(org_a, "billing").get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "EFT1" in html and "230.00" in html
    assert '<span class="badge badge-alert">1</span>' in html
    assert page(imported) in html
    assert "Payments (835)" in html


def test_the_page_shows_the_claims_posted_with_adjustments_and_what_did_not_match(org_a, world):
    claims, content = world
    with org_a:
        content = build_835(
            [claims[0]], paid={claims[0].claim_number: Decimal("120.00")}, trace_number="EFT2", payment_date=PAID_ON
        )
        remittance = remittance_import(content=content, actor=person(org_a, "billing"))
    response = signed_in(org_a, "billing").get(page(remittance))
    assert response.status_code == 200
    html = response.content.decode()
    assert claims[0].claim_number in html
    assert "Submitted → Processed" in html
    assert "CO-45 $30.00" in html
    with org_a:
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(remittance.pk)).exists()


def test_the_page_lists_the_unmatched_claims(org_a, imported):
    html = signed_in(org_a, "billing").get(page(imported)).content.decode()
    assert "NOT-OURS" in html and "No claim of ours has this number." in html


@pytest.mark.parametrize("local", ["dsp", "scheduler", "nurse", "hr", "outsider"])
def test_roles_without_billing_get_403(org_a, imported, local):
    browser = signed_in(org_a, local)
    assert browser.get(LIST).status_code == 403
    assert browser.get(page(imported)).status_code == 403
    assert browser.get(UPLOAD).status_code == 403


def test_an_auditor_reads_payments_but_cannot_import(org_a, imported):
    browser = signed_in(org_a, "auditor")
    assert browser.get(LIST).status_code == 200
    assert browser.get(page(imported)).status_code == 200
    assert browser.get(UPLOAD).status_code == 403
    assert "Import an 835" not in browser.get(LIST).content.decode()


def test_another_organizations_payments_are_not_found_nor_listed(org_a, org_b, imported):
    browser = signed_in(org_b, "billing")
    assert browser.get(page(imported)).status_code == 404
    assert "EFT1" not in browser.get(LIST).content.decode()
    assert signed_in(org_a, "billing").get("/billing/payments/not-a-uuid/").status_code == 404


def test_the_list_pages_and_its_queries_do_not_grow_with_rows(one_minute, org_a, django_assert_max_num_queries):
    with org_a:
        payer = make_payer()
        actor = person(org_a, "billing")
        for n in range(30):
            claim = make_claim(payer, ("10.00",))
            remittance_import(content=build_835([claim], trace_number=f"T{n:03d}", payment_date=PAID_ON), actor=actor)
    browser = signed_in(org_a, "billing")
    browser.get(LIST)
    with django_assert_max_num_queries(12):
        response = browser.get(LIST)
    html = response.content.decode()
    assert html.count("/billing/payments/") - html.count("/billing/payments/upload/") >= 25
    assert 'rel="next"' in html
    cursor = html.split("after=")[1].split('"')[0]
    older = browser.get(f"{LIST}?after={cursor}").content.decode()
    assert "T000" in older and "T029" not in older


def test_the_payment_page_queries_do_not_grow_with_claims(one_minute, org_a, django_assert_max_num_queries):
    with org_a:
        payer = make_payer()
        claims = [make_claim(payer, ("10.00", "20.00")) for _ in range(12)]
        remittance = remittance_import(
            content=build_835(
                claims,
                paid={c.claim_number: Decimal("25.00") for c in claims},
                trace_number="BIG",
                payment_date=PAID_ON,
            ),
            actor=person(org_a, "billing"),
        )
    browser = signed_in(org_a, "billing")
    browser.get(page(remittance))
    with django_assert_max_num_queries(12):
        assert browser.get(page(remittance)).status_code == 200
