"""The home panel of open findings by severity: for those who read findings, with counts that
link to the dashboard filtered, and not for those who do not."""

from __future__ import annotations

from apps.compliance.models import ComplianceRule
from apps.compliance.services import rules_evaluate
from apps.compliance.tests.support import TODAY, make_certification, make_rule, make_staff
from conftest import signed_in


def test_the_home_panel_counts_open_findings_by_severity(org_a):
    with org_a:
        ComplianceRule.objects.update(is_active=False)
        rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 9}, severity="critical")
        for _ in range(3):
            make_certification(make_staff(), expires=TODAY)
        rules_evaluate(rules=[rule])
    page = signed_in(org_a, "manager").get("/").content.decode()
    assert "Compliance findings" in page
    assert '/compliance/?severity=critical&amp;status=open#findings">3</a>' in page


def test_people_who_do_not_read_findings_have_no_panel(org_a):
    page = signed_in(org_a, "dsp").get("/").content.decode()
    assert "/compliance/" not in page
