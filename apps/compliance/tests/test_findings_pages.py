"""The findings dashboard, running the rules now and acknowledging a finding: who may, what
another organization gets (404), bad input, and a query count that does not grow with rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.compliance.models import ComplianceRule, Finding
from apps.compliance.services import rules_evaluate
from apps.compliance.tests.support import TODAY, make_certification, make_location, make_rule, make_staff
from apps.core import fragments
from conftest import signed_in

DAY = dt.timedelta(days=1)


def _findings(org, n: int, *, kind: str = "CPR", severity: str = "high", location=None) -> ComplianceRule:
    with org:
        rule = make_rule("certification_expiring", {"certification_type": kind, "within_days": 30}, severity=severity)
        place = make_location(name=location) if location else None
        for _ in range(n):
            make_certification(
                make_staff(last_name=f"Zed{kind}", work_location=place.name if place else ""), kind, expires=TODAY
            )
        rules_evaluate(rules=[rule])
    return rule


@pytest.fixture
def quiet(org_a, org_b):
    for org in (org_a, org_b):
        with org:
            ComplianceRule.objects.update(is_active=False)


def test_the_dashboard_counts_by_severity_rule_and_location_and_lists_the_findings(org_a, quiet):
    rule = _findings(org_a, 2, severity="critical", location="Maple House")
    response = signed_in(org_a, "manager").get("/compliance/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ZedCPR" in page
    severities = {s["value"]: s for s in response.context["severities"]}
    assert severities["critical"]["open"] == 2
    assert [r.current for r in response.context["rules"] if r.pk == rule.pk] == [2]
    assert response.context["locations"][0]["location__name"] == "Maple House"
    assert response.context["locations"][0]["current"] == 2


def test_the_list_filters_by_severity_rule_location_status_and_search(org_a, quiet):
    high = _findings(org_a, 1, kind="CPR", severity="high", location="Oak House")
    low = _findings(org_a, 2, kind="First Aid", severity="low")
    browser = signed_in(org_a, "manager")

    def labels(query: str) -> set[str]:
        fragments.clear()  # drawn afresh, so the rows it was drawn with are in the context
        return {f.rule_id for f in browser.get(f"/compliance/?{query}").context["rows"]}

    assert labels("severity=low") == {low.pk}
    assert labels(f"rule={high.pk}") == {high.pk}
    with org_a:
        oak = Finding.objects.get(rule=high).location
    assert labels(f"location={oak.pk}") == {high.pk}
    assert labels("q=First+Aid") == {low.pk}
    assert labels("status=resolved") == set()
    assert labels("severity=bogus&rule=not-a-uuid&status=nonsense") == {high.pk, low.pk}


def test_the_list_pages_by_25(org_a, quiet):
    _findings(org_a, 27)
    browser = signed_in(org_a, "manager")
    first = browser.get("/compliance/")
    assert len(first.context["rows"]) == 25 and first.context["next_cursor"]
    second = browser.get(f"/compliance/?after={first.context['next_cursor']}")
    assert len(second.context["rows"]) == 2
    assert not {f.pk for f in first.context["rows"]} & {f.pk for f in second.context["rows"]}


def _count(browser) -> int:
    """The queries of a dashboard drawn afresh (its counts not kept from the request before)."""
    from apps.core import fragments

    fragments.clear()
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/compliance/").status_code == 200
    return len(queries)


def test_the_dashboard_query_count_does_not_grow_with_findings(org_a, quiet):
    browser = signed_in(org_a, "manager")
    _findings(org_a, 2, location="Elm House")
    browser.get("/compliance/")
    few = _count(browser)
    _findings(org_a, 20, kind="First Aid", location="Birch House")
    assert _count(browser) == few


def test_the_dashboard_is_empty_and_says_so(org_a, quiet):
    response = signed_in(org_a, "auditor").get("/compliance/")
    assert response.status_code == 200
    assert "everything the rules check is in order" in response.content.decode()


@pytest.mark.parametrize("local", ["dsp", "nurse", "outsider"])
def test_people_without_the_permission_are_refused(org_a, quiet, local):
    browser = signed_in(org_a, local)
    assert browser.get("/compliance/").status_code == 403
    assert browser.post("/compliance/run/").status_code == 403
    assert browser.get("/compliance/acknowledge/").status_code == 403


def test_acknowledging_keeps_the_note_and_who_and_the_finding_listed(org_a, quiet):
    rule = _findings(org_a, 1)
    with org_a:
        finding = Finding.objects.get(rule=rule)
    browser = signed_in(org_a, "hr")
    page = browser.get(f"/compliance/acknowledge/?finding={finding.pk}")
    assert page.status_code == 200
    response = browser.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "Renewal booked."})
    assert response.status_code == 302
    with org_a:
        finding.refresh_from_db()
        assert finding.status == Finding.Status.ACKNOWLEDGED
        assert finding.acknowledgement_note == "Renewal booked."
        assert finding.acknowledged_by.email == "hr@alpha.test"
    listed = browser.get("/compliance/").content.decode()
    assert "Renewal booked." in listed


def test_acknowledging_without_a_note_or_twice_is_refused_with_a_message(org_a, quiet):
    rule = _findings(org_a, 1)
    with org_a:
        finding = Finding.objects.get(rule=rule)
    browser = signed_in(org_a, "manager")
    empty = browser.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "   "})
    assert empty.status_code == 400
    with org_a:
        assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN
    browser.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "On it."})
    again = browser.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "Again."})
    assert again.status_code == 400
    assert "Only an open finding can be acknowledged." in again.content.decode()
    with org_a:
        assert Finding.objects.get(pk=finding.pk).acknowledgement_note == "On it."


def test_an_auditor_reads_but_neither_acknowledges_nor_runs(org_a, quiet):
    rule = _findings(org_a, 1)
    with org_a:
        finding = Finding.objects.get(rule=rule)
    browser = signed_in(org_a, "auditor")
    assert browser.get("/compliance/").status_code == 200
    assert browser.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "x"}).status_code == 403
    assert browser.post("/compliance/run/").status_code == 403


def test_another_organizations_finding_is_not_found(org_a, org_b, quiet):
    rule = _findings(org_a, 1)
    with org_a:
        finding = Finding.objects.get(rule=rule)
    browser = signed_in(org_b, "admin")
    assert browser.get(f"/compliance/acknowledge/?finding={finding.pk}").status_code == 404
    assert browser.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "x"}).status_code == 404
    assert browser.get("/compliance/acknowledge/?finding=not-a-uuid").status_code == 404
    assert "ZedCPR" not in browser.get("/compliance/").content.decode()
    with org_a:
        assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_run_now_evaluates_the_rules_and_says_what_it_found(org_a, quiet):
    with org_a:
        make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30}, severity="low")
        make_certification(make_staff(), expires=TODAY + DAY)
    browser = signed_in(org_a, "admin")
    assert browser.get("/compliance/run/").status_code == 405
    response = browser.post("/compliance/run/", follow=True)
    assert "1 new finding" in response.content.decode()
    with org_a:
        assert Finding.objects.count() == 1


def test_the_dashboard_and_the_starter_rules_read_in_spanish(org_a):
    from django.conf import settings

    with org_a:
        rule = ComplianceRule.objects.get(starter="cpr_expiring")
        ComplianceRule.objects.exclude(pk=rule.pk).update(is_active=False)
        make_certification(make_staff(), expires=TODAY)
        rules_evaluate()
    browser = signed_in(org_a, "manager")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = browser.get("/compliance/").content.decode()
    assert "Hallazgos de cumplimiento" in page
    assert "RCP por vencer en 30 días" in page
    assert "Certificación por vencer" in page
    assert "Alta" in page
    with org_a:
        finding = Finding.objects.get(rule=rule)
    form = browser.get(f"/compliance/acknowledge/?finding={finding.pk}").content.decode()
    assert "Reconocer un hallazgo" in form and "Qué se está haciendo" in form


def test_a_role_sees_only_findings_about_records_it_may_open(org_a, quiet):
    """Certification findings are HR's and managers' business; billing, who may not open staff
    certifications, neither sees them counted or listed nor acknowledges one."""
    _findings(org_a, 2, severity="critical")
    with org_a:
        finding = Finding.objects.filter(label__contains="ZedCPR", severity="critical").first()
    hr = signed_in(org_a, "hr").get("/compliance/")
    assert {s["value"]: s["open"] for s in hr.context["severities"]}["critical"] == 2
    assert len(hr.context["rows"]) == 2
    billing = signed_in(org_a, "billing")
    page = billing.get("/compliance/")
    assert page.status_code == 200
    assert {s["value"]: s["open"] for s in page.context["severities"]}["critical"] == 0
    assert page.context["rows"] == [] and "ZedCPR" not in page.content.decode()
    refused = billing.post("/compliance/acknowledge/", {"finding": str(finding.pk), "note": "On it."})
    assert refused.status_code == 404
    with org_a:
        assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN
