"""The evaluation: findings open, stay, resolve themselves when their condition clears and reopen
when it returns, in a constant number of queries per rule."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.compliance.models import ComplianceRule, Finding
from apps.compliance.services import finding_acknowledge, rules_evaluate
from apps.compliance.tests.support import NOON, TODAY, make_certification, make_rule, make_staff
from apps.staff.models import Certification
from conftest import person

DAY = dt.timedelta(days=1)


@pytest.fixture
def at_noon(org_a):
    with time_machine.travel(NOON, tick=False), org_a:
        # Only the rules a test makes: the starters would find the demo-free schema's nothing,
        # but would add their queries to the counts.
        ComplianceRule.objects.update(is_active=False)
        yield org_a


def _rule():
    return make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30})


def test_a_new_finding_opens_with_the_rules_severity_a_label_and_a_link(at_noon):
    rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30}, severity="high")
    staff = make_staff(first_name="Noor", last_name="Haddad", work_location="Maple House")
    cert = make_certification(staff, expires=TODAY + 3 * DAY)
    run = rules_evaluate(rules=[rule])
    assert run.opened == 1
    finding = Finding.objects.get(rule=rule)
    assert finding.object_id == cert.pk
    assert finding.status == Finding.Status.OPEN
    assert finding.severity == "high"
    assert finding.first_seen == finding.last_seen == NOON
    assert finding.label == f"Noor Haddad · CPR · {(TODAY + 3 * DAY).isoformat()}"
    assert finding.object_url == f"/staff/{staff.pk}/certifications/"


def test_a_finding_still_there_is_seen_again_and_not_opened_twice(at_noon):
    rule = _rule()
    make_certification(make_staff(), expires=TODAY)
    rules_evaluate(rules=[rule])
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        run = rules_evaluate(rules=[rule])
    assert run.opened == 0 and run.found == 1
    finding = Finding.objects.get(rule=rule)
    assert finding.first_seen == NOON
    assert finding.last_seen == NOON + dt.timedelta(hours=1)


def test_a_finding_resolves_itself_when_its_condition_clears_and_reopens_when_it_returns(at_noon):
    rule = _rule()
    cert = make_certification(make_staff(), expires=TODAY + 5 * DAY)
    rules_evaluate(rules=[rule])
    finding = Finding.objects.get(rule=rule)
    finding_acknowledge(finding=finding, actor=person(at_noon, "manager"), note="Class booked for Friday.")

    Certification.objects.filter(pk=cert.pk).update(expiry_date=TODAY + 400 * DAY)
    run = rules_evaluate(rules=[rule])
    finding.refresh_from_db()
    assert run.resolved == 1
    assert finding.status == Finding.Status.RESOLVED and finding.resolved_at == NOON

    Certification.objects.filter(pk=cert.pk).update(expiry_date=TODAY + 2 * DAY)
    with time_machine.travel(NOON + DAY, tick=False):
        run = rules_evaluate(rules=[rule])
    finding.refresh_from_db()
    assert run.opened == 1
    assert finding.status == Finding.Status.OPEN
    assert finding.resolved_at is None
    assert finding.reopened_at == NOON + DAY
    assert finding.first_seen == NOON
    assert Finding.objects.filter(rule=rule).count() == 1


def test_a_rule_switched_off_resolves_its_findings(at_noon):
    rule = _rule()
    make_certification(make_staff(), expires=TODAY)
    rules_evaluate(rules=[rule])
    ComplianceRule.objects.filter(pk=rule.pk).update(is_active=False)
    rules_evaluate()
    assert Finding.objects.get(rule=rule).status == Finding.Status.RESOLVED


def test_a_rule_whose_definition_does_not_fit_is_skipped_and_the_others_run(at_noon):
    broken = make_rule("certification_expiring", {"within_days": "thirty"})
    good = _rule()
    make_certification(make_staff(), expires=TODAY)
    run = rules_evaluate(rules=[broken, good])
    assert run.skipped == [broken]
    assert Finding.objects.filter(rule=good).count() == 1


def _queries(rule) -> int:
    with CaptureQueriesContext(connection) as queries:
        rules_evaluate(rules=[rule])
    return len(queries)


def test_the_queries_per_rule_do_not_grow_with_the_findings(at_noon):
    one, many = _rule(), make_rule("certification_expiring", {"certification_type": "First Aid", "within_days": 30})
    make_certification(make_staff(), expires=TODAY)
    for _ in range(12):
        make_certification(make_staff(), "First Aid", expires=TODAY)
    # The first run of each opens findings (and notifies), the second only sees them again.
    assert _queries(one) == _queries(many)
    # Find, upsert, resolve, and the rule's savepoint and its release (inside the test's transaction).
    assert _queries(one) == _queries(many) == 5
    Certification.objects.update(expiry_date=TODAY + 400 * DAY)
    assert _queries(one) == _queries(many)


def test_a_rule_that_fails_is_rolled_back_alone_and_the_others_run(at_noon):
    from django.db import DataError

    from apps.compliance import rule_types

    def broken(p, at):
        raise DataError("the evaluator's query failed")

    failing = rule_types.RuleType(
        key="test_failing",
        title="Failing",
        description="Fails.",
        schema={"type": "object"},
        model="staff.Staff",
        evaluate=broken,
        label=str,
        link=lambda r: ("", []),
    )
    rule_types.REGISTRY[failing.key] = failing
    try:
        bad = make_rule("test_failing", {})
        good = _rule()
        make_certification(make_staff(), expires=TODAY)
        run = rules_evaluate(rules=[bad, good])
    finally:
        del rule_types.REGISTRY[failing.key]
    assert run.failed == [bad]
    assert Finding.objects.filter(rule=good).count() == 1
