"""What a Billing Specialist tripped on when billing was first used in a browser as a whole:
the review queue and authorizations half in English on Spanish pages (kept Spanish here), a
claim's history in status codes, a status form offering statuses the claim cannot take, an
authorization's date and number errors above the form instead of next to their fields, the
overview's claims table crushed in its panel, amounts shown as bare numbers, no way to find
the authorizations near their limit, a sent claim's 837P named but not downloadable, summary
statuses in alphabetical order, and a client's Billing tab without their authorizations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from apps.audit.models import LogEntry
from apps.billing import claims as services
from apps.billing.claim_selectors import summary
from apps.billing.generation import billables_generate
from apps.billing.models import BillableService, ServiceAuthorization
from apps.billing.templatetags.money import money
from apps.billing.tests import claims_support as s
from apps.billing.tests.billables_support import make_setting, make_visit
from apps.core import clock
from apps.scheduling.models import Shift
from conftest import person, signed_in


@pytest.fixture
def claim(org_a):
    s.set_identity(org_a)
    with org_a:
        payer = s.make_payer()
        service = s.make_service()
        client = s.make_client(payer, first_name="Ann", last_name="Rivera")
        s.make_billables(client, payer, service, [dt.date(2026, 10, 5), dt.date(2026, 10, 6)])
        (built,) = services.claims_build(
            start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), actor=person(org_a, "billing")
        )
        return built


def in_spanish(browser):
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return browser


def test_the_review_queue_and_authorizations_read_in_spanish(org_a):
    browser = in_spanish(signed_in(org_a, "billing"))
    review = browser.get("/billing/review/").content.decode()
    assert "Cola de revisión" in review and "Revisar todo de nuevo" in review
    assert "No hay una autorización activa para este cliente, servicio y pagador en la fecha" in review
    for english in ("Review queue", "Check all again", "Enter a service by hand", "Why blocked", "Ready to bill"):
        assert english not in review
    authorizations = browser.get("/billing/authorizations/").content.decode()
    assert "Nueva autorización" in authorizations and "New authorization" not in authorizations
    assert "Ending within 30 days" not in authorizations


def test_claim_statuses_read_in_spanish(org_a, claim):
    page = in_spanish(signed_in(org_a, "billing")).get("/billing/claims/").content.decode()
    for english in ('"processed">Processed', '"denied">Denied', '"initial">Initial'):
        assert english not in page
    assert "Procesada" in page and "Denegada" in page and "Inicial" in page


def test_the_claim_history_names_statuses_not_codes(org_a, claim):
    browser = signed_in(org_a, "billing")
    assert browser.post(f"/billing/claims/{claim.pk}/status/", {"status": "submitted"}).status_code == 302
    page = browser.get(f"/billing/claims/{claim.pk}/").content.decode()
    history = page[page.index('<ol class="timeline">') :]
    assert "— → Draft" in history and "Draft → Submitted" in history
    assert "→ draft" not in history and "→ submitted" not in history
    spanish = in_spanish(browser).get(f"/billing/claims/{claim.pk}/").content.decode()
    # Agreeing with "reclamación": Enviada, not the masculine of a form or a payment.
    assert "Borrador → Enviada" in spanish[spanish.index('<ol class="timeline">') :]


def test_the_status_form_offers_only_the_statuses_the_claim_can_take(org_a, claim):
    browser = signed_in(org_a, "billing")
    form = browser.get(f"/billing/claims/{claim.pk}/status/").content.decode()
    assert 'value="submitted"' in form
    for other in ("draft", "processed", "paid", "denied", "rejected"):
        assert f'value="{other}"' not in form
    browser.post(f"/billing/claims/{claim.pk}/status/", {"status": "submitted"})
    form = browser.get(f"/billing/claims/{claim.pk}/status/").content.decode()
    assert 'value="processed"' in form and 'value="rejected"' in form
    assert 'value="draft"' not in form and 'value="paid"' not in form
    refused = browser.post(f"/billing/claims/{claim.pk}/status/", {"status": "paid"})
    assert refused.status_code == 400
    with org_a:
        claim.refresh_from_db()
        assert claim.status == "submitted"


def test_another_organization_gets_404_on_the_status_form(org_a, org_b, claim):
    assert signed_in(org_b, "billing").get(f"/billing/claims/{claim.pk}/status/").status_code == 404


def test_a_role_without_claims_gets_403_on_the_status_form(org_a, claim):
    assert signed_in(org_a, "manager").get(f"/billing/claims/{claim.pk}/status/").status_code == 403


def test_the_overviews_claims_table_scrolls_in_its_panel_with_amounts_on_the_right(org_a, claim):
    page = signed_in(org_a, "billing").get("/billing/").content.decode()
    panel = page[page.index('id="panel-claims-title"') :]
    assert panel.index('<div class="table-wrap">') < panel.index('<table class="data">')
    assert '<td class="num">' in panel


def test_amounts_read_as_money_grouped_in_the_readers_language(org_a, claim):
    browser = signed_in(org_a, "billing")
    with org_a:
        claim.refresh_from_db()
        total = claim.total_amount
    detail = browser.get(f"/billing/claims/{claim.pk}/").content.decode()
    assert f"${total}" in detail
    assert money(Decimal("1173.08")) == "$1,173.08"
    assert money(Decimal("-5.10")) == "-$5.10"
    assert money(None) == "—"
    with translation.override("es"):
        assert money(Decimal("1173.08")) == "$1\xa0173,08"
    spanish = in_spanish(browser).get("/billing/claims/").content.decode()
    assert "$" + str(total).replace(".", ",") in spanish


def test_an_authorizations_bad_dates_and_taken_number_show_next_to_their_fields(org_a):
    setting = make_setting(org_a, units=Decimal("8.00"))
    browser = signed_in(org_a, "billing")
    values = {
        "client": setting.client.pk,
        "payer": setting.payer.pk,
        "service": setting.service.pk,
        "authorization_number": setting.authorization.authorization_number,
        "start_date": "2026-04-01",
        "end_date": "2026-03-01",
        "units_authorized": "50",
        "period": "total",
        "status": "active",
    }
    response = browser.post("/billing/authorizations/new/", values)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index('id="form-error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#id_end_date"' in summary and "The end date cannot be before the start date." in summary
    assert 'href="#id_authorization_number"' in summary
    assert "This payer already has an authorization with this number." in summary
    with org_a:
        assert ServiceAuthorization.objects.count() == 1


def test_authorizations_at_80_percent_or_more_are_a_filter_and_an_overview_number(org_a):
    near = make_setting(org_a, units=Decimal("10.00"))
    far = make_setting(org_a, units=Decimal("100.00"))
    with org_a:
        for setting, minutes in ((near, 120), (far, 60)):
            make_visit(setting, day=dt.date(2026, 3, 10), start="09:00", minutes=minutes)
        billables_generate(start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 10))
    browser = signed_in(org_a, "billing")
    listed = browser.get("/billing/authorizations/?near=1").content.decode()
    assert near.authorization.authorization_number in listed
    assert far.authorization.authorization_number not in listed
    assert 'id="a-near" name="near" value="1" checked' in listed
    overview = browser.get("/billing/").content.decode()
    assert "1 with 80% or more used" in overview and "?near=1" in overview
    spanish = in_spanish(browser).get("/billing/authorizations/").content.decode()
    assert "Usadas en un 80 % o más" in spanish
    assert (
        near.authorization.authorization_number
        not in signed_in(org_a, "dsp").get("/billing/authorizations/?near=1").content.decode()
    )


def test_the_near_limit_filter_does_not_grow_queries_with_rows(one_minute, org_a, django_assert_max_num_queries):
    for _ in range(3):
        make_setting(org_a, units=Decimal("1.00"))
    browser = signed_in(org_a, "billing")
    browser.get("/billing/authorizations/?near=1")
    for _ in range(5):
        make_setting(org_a, units=Decimal("1.00"))
    with django_assert_max_num_queries(20):
        assert browser.get("/billing/authorizations/?near=1").status_code == 200


def _error_summary(response) -> str:
    html = response.content.decode()
    summary = html[html.index('id="form-error-summary"') :]
    return summary[: summary.index("</div>")]


def test_a_coverage_or_rate_ending_before_it_starts_is_said_next_to_the_end_date(org_a):
    with org_a:
        payer = s.make_payer()
        service = s.make_service()
        client = s.make_client(payer, first_name="Ann", last_name="Rivera")
        coverage = client.coverages.get()
    browser = signed_in(org_a, "billing")
    response = browser.post(
        f"/billing/coverage/{coverage.pk}/edit/",
        {
            "payer": payer.pk,
            "rank": coverage.rank,
            "member_id": coverage.member_id,
            "subscriber_relationship": coverage.subscriber_relationship,
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 400
    summary = _error_summary(response)
    assert 'href="#id_end_date"' in summary and "The end date cannot be before the start date." in summary
    response = browser.post(
        f"/billing/payers/{payer.pk}/rates/new/",
        {"service": service.pk, "rate": "7.00", "effective_from": "2026-05-01", "effective_to": "2026-04-01"},
    )
    assert response.status_code == 400
    summary = _error_summary(response)
    assert 'href="#id_effective_to"' in summary and "The end date cannot be before the start date." in summary
    with org_a:
        coverage.refresh_from_db()
        assert coverage.end_date is None and not payer.rates.exists()


def test_a_sent_claims_837p_downloads_again_from_its_page(org_a, org_b, claim):
    browser = signed_in(org_a, "billing")
    assert browser.get(f"/billing/claims/{claim.pk}/837p/").status_code == 404  # a draft was sent in no file
    sent = browser.post("/billing/claims/export/", {"claims": [claim.pk]})
    assert sent.status_code == 200
    again = browser.get(f"/billing/claims/{claim.pk}/837p/")
    assert again.status_code == 200 and again.content == sent.content
    assert again["Content-Disposition"] == sent["Content-Disposition"]
    with org_a:
        assert LogEntry.objects.filter(object_pk=str(claim.pk), action=LogEntry.Action.ACCESS).exists()
    page = browser.get(f"/billing/claims/{claim.pk}/").content.decode()
    assert f'href="/billing/claims/{claim.pk}/837p/"' in page
    assert signed_in(org_b, "billing").get(f"/billing/claims/{claim.pk}/837p/").status_code == 404
    for local in ("manager", "dsp"):
        assert signed_in(org_a, local).get(f"/billing/claims/{claim.pk}/837p/").status_code == 403


def test_the_summary_lists_claim_statuses_in_the_lifecycles_order(org_a, claim):
    billing = person(org_a, "billing")
    with org_a:
        client = s.make_client(claim.payer, first_name="Ben", last_name="Rivera")
        s.make_billables(
            client, claim.payer, claim.lines.get(line_number=1).billable_service.service, [dt.date(2026, 10, 7)]
        )
        (other,) = services.claims_build(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), actor=billing)
        for made, to in ((claim, ["submitted"]), (other, ["submitted", "rejected"])):
            for status in to:
                services.claim_status_set(claim=made, status=status, actor=billing, note="")
        rows = summary(dt.date(2026, 10, 1))["by_status"]
    # Alphabetically "rejected" came before "submitted"; a claim is submitted before it is rejected.
    assert [row["status"] for row in rows] == ["submitted", "rejected"]


def test_a_clients_billing_tab_lists_their_authorizations_with_their_use(
    one_minute, org_a, org_b, django_assert_max_num_queries
):
    setting = make_setting(org_a, units=Decimal("10.00"))
    with org_a:
        make_visit(setting, day=dt.date(2026, 3, 10), start="09:00", minutes=120)
        billables_generate(start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 10))
    url = f"/billing/clients/{setting.client.pk}/"
    number = setting.authorization.authorization_number
    for local in ("billing", "manager", "auditor"):
        page = signed_in(org_a, local).get(url).content.decode()
        assert number in page and "8.00 of 10.00 units (80.0%)" in page, local
    with org_a:
        for n in range(4):
            ServiceAuthorization.objects.create(
                client=setting.client,
                payer=setting.payer,
                service=setting.service,
                authorization_number=f"PA-MORE-{n}",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2026, 2, 1),
                units_authorized=Decimal("5"),
                status=ServiceAuthorization.Status.CLOSED,
            )
    browser = signed_in(org_a, "billing")
    with django_assert_max_num_queries(25):
        assert "PA-MORE-3" in browser.get(url).content.decode()
    assert signed_in(org_b, "billing").get(url).status_code == 404
    assert signed_in(org_a, "dsp").get(url).status_code in (403, 404)


def test_a_client_without_authorizations_says_what_that_means(org_a):
    with org_a:
        payer = s.make_payer()
        client = s.make_client(payer, first_name="Ann", last_name="Rivera")
    page = in_spanish(signed_in(org_a, "billing")).get(f"/billing/clients/{client.pk}/").content.decode()
    assert "Este cliente no tiene autorizaciones de servicio" in page


def test_the_use_bar_turns_amber_at_80_percent_and_red_when_used_up(org_a):
    setting = make_setting(org_a, units=Decimal("10.00"))
    with org_a:
        make_visit(setting, day=dt.date(2026, 3, 10), start="09:00", minutes=150)
        billables_generate(start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 10))
    page = signed_in(org_a, "billing").get(f"/billing/authorizations/{setting.authorization.pk}/").content.decode()
    assert '<meter min="0" max="100" low="80" high="99.9" optimum="0" value="100"' in page


def test_a_billable_service_links_to_its_claims_and_a_blocked_one_to_the_clients_billing(org_a, claim):
    browser = signed_in(org_a, "billing")
    with org_a:
        billed = claim.lines.get(line_number=1).billable_service
    page = browser.get(f"/billing/billables/{billed.pk}/").content.decode()
    assert f'href="/billing/claims/{claim.pk}/"' in page and claim.claim_number in page
    assert f'href="/billing/clients/{billed.client_id}/"' in page
    setting = make_setting(org_a, units=Decimal("1.00"))
    with org_a:
        make_visit(setting, day=dt.date(2026, 3, 10), start="09:00", minutes=120)
        billables_generate(start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 10))
        blocked = BillableService.objects.get(client=setting.client)
    page = browser.get(f"/billing/billables/{blocked.pk}/").content.decode()
    assert blocked.status == BillableService.Status.BLOCKED
    assert "Why it cannot be billed" in page
    assert "coverage and authorizations" in page
    manager = signed_in(org_a, "manager").get(f"/billing/billables/{blocked.pk}/")
    assert manager.status_code == 403


def test_the_claims_list_says_what_downloading_an_837p_does(org_a, claim):
    page = signed_in(org_a, "billing").get("/billing/claims/?status=draft").content.decode()
    assert 'aria-describedby="export-help"' in page and "they become Submitted" in page
    assert "they become Submitted" not in signed_in(org_a, "auditor").get("/billing/claims/").content.decode()


def test_a_claims_details_sit_in_a_card_and_its_adjustments_link_to_their_payment(org_a, claim):
    with org_a:
        sent = services.claim_status_set(claim=claim, status="submitted", actor=None)
        payment = s.post_835([sent], trace="EFT-LINK", paid={sent.claim_number: Decimal("20.00")})
    page = signed_in(org_a, "billing").get(f"/billing/claims/{claim.pk}/").content.decode()
    assert '<section class="card">\n<dl class="details">' in page and 'class="about"' not in page
    assert f'href="/billing/payments/{payment.pk}/"' in page


def test_a_payments_claims_link_to_their_pages(org_a, claim):
    with org_a:
        sent = services.claim_status_set(claim=claim, status="submitted", actor=None)
        payment = s.post_835([sent], trace="EFT-BACK", paid={sent.claim_number: Decimal("20.00")})
    page = signed_in(org_a, "billing").get(f"/billing/payments/{payment.pk}/").content.decode()
    assert f'href="/billing/claims/{claim.pk}/"' in page


def test_units_and_amounts_line_up_on_the_right_in_the_review_queue(org_a, claim):
    page = signed_in(org_a, "billing").get("/billing/review/").content.decode()
    assert '<th scope="col" class="num">Units</th>' in page and '<th scope="col" class="num">Amount</th>' in page
    assert '<td class="num">$' in page


def test_an_authorization_warns_when_its_scheduled_shifts_need_more_units_than_remain(org_a):
    setting = make_setting(org_a, units=Decimal("3.00"), start=dt.date(2026, 1, 1), end=dt.date(2030, 12, 31))
    soon = timezone.now() + dt.timedelta(days=1)
    with org_a:
        Shift.objects.create(
            staff=setting.staff,
            client=setting.client,
            service=setting.service,
            shift_date=clock.local_date(soon),
            start_time=dt.time(9),
            end_time=dt.time(10),
            starts_at=soon,
            ends_at=soon + dt.timedelta(minutes=60),
            status=Shift.Status.SCHEDULED,
        )
    url = f"/billing/authorizations/{setting.authorization.pk}/"
    page = signed_in(org_a, "manager").get(url).content.decode()
    assert "The shifts scheduled under it need 4.00 units and 3.00 remain" in page
    with org_a:
        ServiceAuthorization.objects.filter(pk=setting.authorization.pk).update(units_authorized=Decimal("40"))
    assert "The shifts scheduled under it" not in signed_in(org_a, "manager").get(url).content.decode()


def test_the_payments_list_searches_by_trace_number_and_filters_by_payer(org_a, org_b, claim):
    with org_a:
        sent = services.claim_status_set(claim=claim, status="submitted", actor=None)
        s.post_835([sent], trace="EFT-FIND-ME", paid={sent.claim_number: Decimal("20.00")})
        other_payer = s.make_payer("Other Plan", edi_payer_id="OTHER1")
    browser = signed_in(org_a, "billing")
    assert "EFT-FIND-ME" in browser.get("/billing/payments/?q=find-me").content.decode()
    nothing = browser.get("/billing/payments/?q=nope").content.decode()
    assert "EFT-FIND-ME" not in nothing and "Nothing matches these filters." in nothing
    assert "EFT-FIND-ME" in browser.get(f"/billing/payments/?payer={claim.payer_id}").content.decode()
    assert "EFT-FIND-ME" not in browser.get(f"/billing/payments/?payer={other_payer.pk}").content.decode()
    assert "EFT-FIND-ME" not in signed_in(org_b, "billing").get("/billing/payments/?q=find").content.decode()
    assert signed_in(org_a, "dsp").get("/billing/payments/?q=find").status_code == 403
