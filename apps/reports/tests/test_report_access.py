"""Who may open which report: the index lists a person's reports only, a role without a
report's permission gets 403 (page and export, nothing recorded), another organization sees
its own numbers only and cannot filter by this one's records, and opening or exporting a
report of clients' health information is logged as access."""

from __future__ import annotations

import pytest
from django.conf import settings

from apps.audit.models import LogEntry
from apps.reports import catalog
from apps.reports.models import Export
from apps.reports.tests import support
from conftest import signed_in

SLUGS = {r.slug: r for r in catalog.ALL}
# Who opens which report by default (apps/reports/roles.py; admins and auditors open all).
EXPECTED = {
    "admin": set(SLUGS),
    "auditor": set(SLUGS),
    "manager": {"census", "client-roster", "utilization", "incidents", "evv-exceptions"},
    "billing": {"billing", "utilization"},
    "hr": {"staff-hours", "compliance"},
    "scheduler": set(),
    "dsp": set(),
    "nurse": set(),
    "outsider": set(),
}


@pytest.fixture
def data(org_a):
    with org_a:
        yield support.build()


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_opens_only_its_reports(org_a, role):
    browser = signed_in(org_a, role)
    index = browser.get("/reports/").content.decode()
    for slug in SLUGS:
        page = browser.get(f"/reports/{slug}/")
        exported = browser.post(f"/reports/{slug}/export/", {"format": "csv"})
        if slug in EXPECTED[role]:
            assert page.status_code == 200, (role, slug)
            assert f'href="/reports/{slug}/"' in index
        else:
            assert (page.status_code, exported.status_code) == (403, 403), (role, slug)
            assert f'href="/reports/{slug}/"' not in index
    if not EXPECTED[role]:
        assert "Your role opens no report" in index
    # The header offers the reports to those who may open one.
    home = browser.get("/").content.decode()
    assert ('<a href="/reports/"' in home) == bool(EXPECTED[role])
    with org_a:
        assert Export.objects.count() == len(EXPECTED[role])


def test_signed_out_people_are_sent_to_sign_in(org_a):
    from conftest import host_client

    browser = host_client(org_a.primary_host)
    assert browser.get("/reports/census/").status_code == 302
    assert browser.post("/reports/census/export/", {"format": "csv"}).status_code == 302


def test_another_organization_sees_only_its_own_numbers(org_a, org_b, data):
    browser = signed_in(org_b, "admin")
    census = browser.get("/reports/census/").content.decode()
    assert "Elm House" not in census
    billing = browser.get("/reports/billing/", support.PERIOD).content.decode()
    assert "State Medicaid" not in billing
    phi = browser.get("/reports/phi-access/", support.PERIOD).content.decode()
    assert data["clients"][0].last_name not in phi
    # Alpha's records named in a filter are no choice of beta's: refused, nothing shown.
    refused = browser.get("/reports/census/", {"location": str(data["elm"].pk)})
    assert refused.status_code == 400
    assert "Elm House" not in refused.content.decode()
    exported = browser.post(
        "/reports/billing/export/", {**support.PERIOD, "payer": str(data["medicaid"].pk), "format": "csv"}
    )
    assert exported.status_code == 400
    with org_b:
        assert not Export.objects.exists()


def _accesses(org, email):
    with org:
        return list(
            LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor_email=email)
            .order_by("timestamp")
            .values_list("object_repr", "additional_data")
        )


def test_opening_and_exporting_a_phi_report_is_logged_as_access(org_a, data):
    browser = signed_in(org_a, "manager")
    assert browser.get("/reports/census/").status_code == 200
    assert _accesses(org_a, "manager@alpha.test")[-1] == ("census report", {"via": "view", "report": "census"})
    # Another report of health information in the same minute is another access, said which.
    assert browser.get("/reports/incidents/").status_code == 200
    assert _accesses(org_a, "manager@alpha.test")[-1] == ("incidents report", {"via": "view", "report": "incidents"})
    browser.post("/reports/census/export/", {"format": "xlsx"})
    assert _accesses(org_a, "manager@alpha.test")[-1] == ("census report", {"via": "export", "report": "census"})
    with org_a:
        export = Export.objects.get()
        entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(export.pk)).get()
    assert entry.actor_email == "manager@alpha.test"
    # The export record has no history page (it is exempt from the change log): the audit log
    # names it without a link that would lead to a 404.
    log = signed_in(org_a, "admin").get("/audit/", {"action": str(LogEntry.Action.ACCESS)}).content.decode()
    assert "/audit/history/reports.export/" not in log
    assert "census · xlsx" in log


def test_a_report_without_health_information_logs_no_access(org_a, data):
    browser = signed_in(org_a, "billing")
    before = _accesses(org_a, "billing@alpha.test")
    browser.get("/reports/billing/", support.PERIOD)
    browser.post("/reports/billing/export/", {**support.PERIOD, "format": "csv"})
    assert _accesses(org_a, "billing@alpha.test") == before


def test_reports_pages_are_in_spanish(org_a, data):
    browser = signed_in(org_a, "admin")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    index = browser.get("/reports/").content.decode()
    assert "Censo por ubicación y estado" in index
    page = browser.get("/reports/staff-hours/", support.PERIOD).content.decode()
    assert "Horas del personal por semana (nómina)" in page
    assert "Horas extra" in page
    assert "Exportar" in page
    empty = browser.get("/reports/evv-exceptions/", {"start": "2020-01-01", "end": "2020-01-31"}).content.decode()
    assert "No hay nada que informar" in empty
    refused = browser.get("/reports/billing/", {"start": "2026-11-30", "end": "2026-11-01"})
    assert refused.status_code == 400
    assert "La fecha final debe ser igual o posterior a la inicial." in refused.content.decode()
