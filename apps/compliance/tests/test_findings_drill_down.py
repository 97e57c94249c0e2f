"""Every count on the findings dashboard leads to the findings it counts: the "No location" row
to those about no location (a filter value of its own), and a rule type (what the home's
panels link to) to its findings, only among the types the person sees."""

from __future__ import annotations

import pytest

from apps.compliance.models import ComplianceRule
from apps.compliance.services import rules_evaluate
from apps.compliance.tests.support import TODAY, make_certification, make_location, make_rule, make_staff
from conftest import signed_in


@pytest.fixture
def quiet(org_a):
    with org_a:
        ComplianceRule.objects.update(is_active=False)


def _expiring(org, *, location: str = "") -> ComplianceRule:
    with org:
        rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30})
        place = make_location(name=location) if location else None
        make_certification(make_staff(work_location=place.name if place else ""), "CPR", expires=TODAY)
        rules_evaluate(rules=[rule])
    return rule


def _rules(browser, query: str) -> set:
    """The rules of the listed findings, from the rows the list was drawn with (drawn afresh:
    the list is otherwise kept while nothing changes, apps/compliance/views.py)."""
    from apps.core import fragments

    fragments.clear()
    response = browser.get(f"/compliance/?{query}")
    assert response.status_code == 200
    return {finding.rule_id for finding in response.context["rows"]}


def test_the_no_location_row_links_to_the_findings_about_no_location(org_a, quiet):
    placed = _expiring(org_a, location="Cedar House")
    nowhere = _expiring(org_a)
    browser = signed_in(org_a, "manager")
    page = browser.get("/compliance/").content.decode()
    assert '<a href="?location=none#findings">No location</a>' in page
    assert '<option value="none">No location</option>' in page
    assert _rules(browser, "location=none") == {nowhere.pk}
    assert _rules(browser, "") == {placed.pk, nowhere.pk}
    chosen = browser.get("/compliance/?location=none").content.decode()
    assert '<option value="none" selected>No location</option>' in chosen


def test_the_list_filters_by_rule_type(org_a, quiet):
    expiring = _expiring(org_a)
    with org_a:
        missing = make_rule("certification_missing", {"certification_type": "Fire safety", "roles": []})
        rules_evaluate(rules=[missing])
    browser = signed_in(org_a, "manager")
    assert _rules(browser, "type=certification_expiring") == {expiring.pk}
    assert _rules(browser, "type=certification_missing") == {missing.pk}
    # An unknown type filters nothing out, as other bad filter values do.
    assert _rules(browser, "type=no_such_type") == {expiring.pk, missing.pk}


def test_a_rule_type_the_person_may_not_see_shows_none_of_its_findings(org_a, quiet):
    _expiring(org_a)
    # Billing sees authorizations' findings, not staff certifications'.
    browser = signed_in(org_a, "billing")
    response = browser.get("/compliance/?type=certification_expiring")
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert 'value="certification_expiring"' not in response.content.decode()


def test_acknowledging_returns_to_the_list_as_it_was_filtered(org_a, quiet):
    from apps.compliance.models import Finding

    rule = _expiring(org_a, location="Cedar House")
    browser = signed_in(org_a, "manager")
    page = browser.get(f"/compliance/?rule={rule.pk}&status=open").content.decode()
    with org_a:
        finding = Finding.objects.get(rule=rule)
    link = f"/compliance/acknowledge/?finding={finding.pk}&amp;back=rule%3D{rule.pk}%26status%3Dopen"
    assert link in page
    form = browser.get(link.replace("&amp;", "&")).content.decode()
    assert f'href="/compliance/?rule={rule.pk}&amp;status=open#findings">Cancel</a>' in form
    response = browser.post(
        "/compliance/acknowledge/",
        {"finding": str(finding.pk), "note": "Renewal booked.", "back": f"rule={rule.pk}&status=open"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/compliance/?rule={rule.pk}&status=open#findings"
    # Only the dashboard's own filters come back: nothing else rides along.
    other = browser.get(f"/compliance/acknowledge/?finding={finding.pk}&back=next%3Dhttps%3A%2F%2Fevil.example")
    assert "evil.example" not in other.content.decode()
