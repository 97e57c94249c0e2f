"""A home panel's numbers lead to the records they count, for whoever may open that page: the
care plan reviews to the findings of the "care plan review due" rules, and only for people who
read findings (a custom role may see the panel without them)."""

from __future__ import annotations

from apps.compliance.models import ComplianceRule
from apps.compliance.services import rules_evaluate
from apps.core import fragments
from apps.reports.tests import dashboard_data as data
from apps.reports.tests.test_dashboard_access import _custom_role
from conftest import signed_in

FINDINGS = "/compliance/?type=care_plan_review_due"


def _care_plans(org, local: str) -> tuple[dict, str]:
    fragments.clear()
    response = signed_in(org, local).get("/")
    assert response.status_code == 200
    panels = {panel["key"]: panel for panel in response.context["panels"]}
    html = response.content.decode()
    start = html.index('data-panel="care_plans_due"')
    return panels["care_plans_due"]["context"], html[start : html.index("</section>", start)]


def test_the_care_plan_reviews_total_links_to_the_review_findings_listing_those_plans(org_a):
    data.fill(org_a, 2)
    with org_a:
        ComplianceRule.objects.exclude(starter="care_plan_review").update(is_active=False)
        rules_evaluate()
    context, section = _care_plans(org_a, "manager")
    footer = context["chart"].table.footer
    assert footer.cells[0].url == FINDINGS
    assert footer.cells[0].text == str(context["total"]) == "14"
    assert f'<a href="{FINDINGS}">' in section
    # The starter rule looks 30 days ahead, as the panel does: the list holds the same plans.
    listed = signed_in(org_a, "manager").get(FINDINGS + "&status=current")
    assert {f.rule.rule_type for f in listed.context["rows"]} == {"care_plan_review_due"}
    assert len(listed.context["rows"]) == context["total"]


def test_someone_who_reads_no_findings_sees_the_care_plan_numbers_without_the_link(org_a):
    data.fill(org_a, 1)
    _custom_role(org_a, "Plans", ["clients.view_client", "clients.view_careplan"])
    context, section = _care_plans(org_a, "outsider")
    assert context["list_url"] == ""
    assert not context["chart"].table.footer.cells[0].url
    assert "/compliance/" not in section
    assert signed_in(org_a, "outsider").get(FINDINGS).status_code == 403


def _section(html: str, key: str) -> str:
    start = html.index(f'data-panel="{key}"')
    return html[start : html.index("</section>", start)]


def test_the_certification_panel_says_what_it_counts_and_links_to_the_compliance_report(org_a):
    html = signed_in(org_a, "hr").get("/").content.decode()
    section = _section(html, "certifications")
    assert "suspended ones and training are left out" in section
    assert '<a href="/reports/compliance/">Certification and training compliance report</a>' in section
    assert signed_in(org_a, "hr").get("/reports/compliance/").status_code == 200


def test_the_report_link_shows_only_to_whoever_may_open_the_report(org_a):
    _custom_role(org_a, "Certificates", ["staff.view_staff", "staff.change_certification"])
    html = signed_in(org_a, "outsider").get("/").content.decode()
    section = _section(html, "certifications")
    assert "suspended ones and training are left out" in section
    assert "/reports/compliance/" not in section


def test_the_certification_panel_reads_in_spanish(org_a):
    from django.conf import settings

    browser = signed_in(org_a, "hr")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    section = _section(browser.get("/").content.decode(), "certifications")
    assert "Informe de cumplimiento de certificaciones y capacitación" in section
    assert "se dejan fuera" in section
