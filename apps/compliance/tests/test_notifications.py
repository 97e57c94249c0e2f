"""New findings tell the roles responsible for them (and the admins): a critical rule's at once,
by email too; the others in-app, which the next morning's daily digest sends on by email."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from apps.compliance.models import ComplianceRule
from apps.compliance.services import rules_evaluate
from apps.compliance.tests.support import NOON, TODAY, make_certification, make_rule, make_staff
from apps.notifications.jobs import daily_digest
from apps.notifications.models import Notification


@pytest.fixture
def at_noon(org_a):
    with time_machine.travel(NOON, tick=False), org_a:
        ComplianceRule.objects.update(is_active=False)
        yield org_a


def _told(**filters) -> dict[str, Notification]:
    rows = Notification.objects.filter(notification_type="compliance.findings", **filters).select_related("user")
    return {n.user.email.split("@")[0]: n for n in rows}


def test_a_critical_rule_tells_its_roles_and_the_admins_at_once_by_email_too(at_noon):
    rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30}, severity="critical")
    make_certification(make_staff(), expires=TODAY)
    make_certification(make_staff(), expires=TODAY)
    rules_evaluate(rules=[rule])
    told = _told()
    assert set(told) == {"admin", "hr"}
    note = told["hr"]
    assert note.priority == Notification.Priority.URGENT
    assert note.channels == ["in_app", "email"]
    assert "2" in note.message and rule.rule_name in note.title
    assert note.link == f"/compliance/?rule={rule.pk}"
    assert note.deliveries.filter(channel="email").exists()


def test_other_severities_go_in_app_and_on_to_the_next_daily_digest(at_noon):
    rule = make_rule("care_plan_review_due", {"days": 30}, severity="medium")
    from apps.compliance.tests.support import make_client, make_plan

    make_plan(make_client(), review_date=TODAY)
    rules_evaluate(rules=[rule])
    told = _told()
    assert set(told) == {"admin", "manager"}
    assert told["manager"].channels == ["in_app"]
    assert told["manager"].priority == Notification.Priority.NORMAL
    assert not told["manager"].deliveries.exists()
    assert daily_digest(day=TODAY) >= 1
    digest = Notification.objects.get(notification_type="digest.daily", user__email="manager@alpha.test")
    assert digest.channels == ["email"]


def test_findings_already_known_tell_nobody_again(at_noon):
    rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30}, severity="critical")
    make_certification(make_staff(), expires=TODAY)
    rules_evaluate(rules=[rule])
    with time_machine.travel(NOON + dt.timedelta(hours=3), tick=False):
        rules_evaluate(rules=[rule])
    assert len(_told()) == 2
    assert not Notification.objects.filter(notification_type="compliance.findings", created_at__gt=NOON).exists()


def test_the_notification_is_written_in_the_organizations_language_whatever_the_workers(at_noon):
    from django.utils import translation

    from apps.tenants import services as tenants

    tenants.organization_update(organization=at_noon, settings={**(at_noon.settings or {}), "language": "es"})
    rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30}, severity="critical")
    make_certification(make_staff(), expires=TODAY)
    with translation.override("en"):
        rules_evaluate(rules=[rule])
    note = _told()["hr"]
    assert note.title.startswith("Nuevos hallazgos de cumplimiento"), note.title
    assert "(Crítica)" in note.message, note.message
