"""The findings dashboard's counts (by severity, rule and location) are kept while the findings,
rules and locations stand still, and counted anew as soon as any of them changes: a new
finding, an acknowledgement, a renamed location. Each person sees the counts of the rule types
they may see, never another's kept counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.clients.models import ClientLocation
from apps.compliance.models import ComplianceRule, Finding
from apps.compliance.services import finding_acknowledge, rules_evaluate
from apps.compliance.tests.support import TODAY, make_certification, make_location, make_rule, make_staff
from conftest import person, signed_in


@pytest.fixture
def quiet(org_a):
    with org_a:
        ComplianceRule.objects.update(is_active=False)


def _summary(browser) -> str:
    page = browser.get("/compliance/").content.decode()
    return page[page.index('id="by-severity"') : page.index('id="by-location"') + 2000]


def _expiring(org, location: str) -> ComplianceRule:
    with org:
        rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30})
        place = make_location(name=location)
        make_certification(make_staff(work_location=place.name), "CPR", expires=TODAY)
        rules_evaluate(rules=[rule])
    return rule


def test_the_counts_are_kept_until_a_table_they_read_changes(one_minute, org_a, quiet):
    rule = _expiring(org_a, "Cedar House")
    browser = signed_in(org_a, "manager")
    first = _summary(browser)
    assert "Cedar House" in first and f'?rule={rule.pk}#findings">' in first
    with CaptureQueriesContext(connection) as kept:
        assert _summary(browser) == first
    assert not any("compliance_finding" in q["sql"] and "COUNT(" in q["sql"] for q in kept.captured_queries)

    # Acknowledging changes the findings table: counted anew.
    with org_a:
        finding = Finding.objects.get(rule=rule)
        finding_acknowledge(finding=finding, actor=person(org_a, "manager"), note="Renewal booked.")
    acknowledged = _summary(browser)
    assert 'status=acknowledged#findings">1</a>' in acknowledged

    # A renamed location shows its new name at once.
    with org_a:
        ClientLocation.objects.filter(name="Cedar House").update(name="Cedar Lodge")
    assert "Cedar Lodge" in _summary(browser)


def test_each_person_sees_the_counts_of_the_rule_types_they_may_see(org_a, quiet):
    _expiring(org_a, "Birch House")
    with org_a:
        hidden = make_rule("authorization_expiring", {"days": 30})
    admin = _summary(signed_in(org_a, "admin"))
    hr = _summary(signed_in(org_a, "hr"))
    # The admin reads authorizations, HR does not: the kept counts are per set of types.
    assert hidden.display_name in admin
    assert hidden.display_name not in hr
    assert "Birch House" in hr


def test_the_list_is_kept_until_its_findings_change(one_minute, org_a, quiet):
    rule = _expiring(org_a, "Aspen House")
    browser = signed_in(org_a, "manager")
    first = browser.get("/compliance/").content.decode()
    assert "/compliance/acknowledge/?finding=" in first
    with CaptureQueriesContext(connection) as kept:
        again = browser.get("/compliance/").content.decode()
    assert "/compliance/acknowledge/?finding=" in again and "Aspen House" in again
    assert not any('FROM "compliance_finding"' in q["sql"] and "LIMIT" in q["sql"] for q in kept.captured_queries)
    with org_a:
        finding = Finding.objects.get(rule=rule)
        finding_acknowledge(finding=finding, actor=person(org_a, "manager"), note="Class booked.")
    after = browser.get("/compliance/").content.decode()
    assert "Class booked." in after and "/compliance/acknowledge/?finding=" not in after
