"""The nightly job (registered with apps.core.jobs) and `manage.py evaluate_compliance`."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from apps.compliance.models import ComplianceRule, Finding
from apps.compliance.tests.support import NOON, TODAY, make_certification, make_rule, make_staff
from apps.core.jobs import JOBS, beat_schedule


def _one_finding(org) -> ComplianceRule:
    with org:
        ComplianceRule.objects.update(is_active=False)
        rule = make_rule("certification_expiring", {"certification_type": "CPR", "within_days": 30})
        make_certification(make_staff(), expires=TODAY)
    return rule


def test_the_job_is_registered_nightly_and_evaluates_the_organization(org_a):
    assert "job:compliance.evaluate" in beat_schedule()
    rule = _one_finding(org_a)
    with time_machine.travel(NOON, tick=False), org_a:
        assert JOBS["compliance.evaluate"].run(day=None) == 1
        assert JOBS["compliance.evaluate"].run(day=None) == 0, "safe to run twice"
        assert Finding.objects.filter(rule=rule, status=Finding.Status.OPEN).count() == 1


def test_the_command_evaluates_the_schema_named(org_a, org_b):
    rule = _one_finding(org_a)
    out = io.StringIO()
    with time_machine.travel(NOON, tick=False):
        call_command("evaluate_compliance", "--schema", org_a.schema_name, stdout=out)
    assert f"{org_a.schema_name}: " in out.getvalue()
    assert "1 new or reopened" in out.getvalue()
    assert org_b.schema_name not in out.getvalue()
    with org_a:
        assert Finding.objects.filter(rule=rule).count() == 1


def test_the_command_without_a_schema_evaluates_every_organization(org_a, org_b):
    out = io.StringIO()
    call_command("evaluate_compliance", stdout=out)
    assert org_a.schema_name in out.getvalue() and org_b.schema_name in out.getvalue()


def test_the_command_refuses_an_unknown_schema(db):
    with pytest.raises(CommandError, match="No organization"):
        call_command("evaluate_compliance", "--schema", "nowhere")
