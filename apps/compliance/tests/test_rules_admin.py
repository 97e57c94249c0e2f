"""Rules in the Django admin: the form is generated from the rule type's parameter schema, a
definition that does not fit is refused with a message (nothing saved), and every organization
starts with a starter rule of each type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.compliance import rule_types
from apps.compliance.models import ComplianceRule
from apps.compliance.services import rule_save
from apps.compliance.starters import STARTERS
from conftest import signed_in

ADD = "/admin/compliance/compliancerule/add/"


def test_every_organization_starts_with_one_valid_starter_rule_of_each_type(org_a, org_b):
    for org in (org_a, org_b):
        with org:
            rules = list(ComplianceRule.objects.exclude(starter=""))
            assert {r.rule_type for r in rules} == set(rule_types.REGISTRY)
            assert len(rules) == len(STARTERS) == 12
            for rule in rules:
                rule.full_clean()


def test_a_definition_that_does_not_fit_its_schema_is_refused_with_a_message(org_a):
    with org_a:
        with pytest.raises(ValidationError) as refused:
            rule_save(rule_name="Bad", rule_type="certification_expiring", rule_definition={"within_days": -1})
        # Named by the label people see, in words rather than jsonschema's terms.
        assert refused.value.message_dict["rule_definition"] == ["Parameter “Within days”: it must be at least 0."]
        with pytest.raises(ValidationError) as unknown:
            rule_save(
                rule_name="Bad",
                rule_type="care_plan_missing",
                rule_definition={"plan_type": "ISP", "colour": "red"},
            )
        assert "colour" in " ".join(unknown.value.message_dict["rule_definition"])
        with pytest.raises(ValidationError) as no_type:
            rule_save(rule_name="Bad", rule_type="no_such_type", rule_definition={})
        assert "rule_type" in no_type.value.message_dict
        assert not ComplianceRule.objects.filter(rule_name="Bad").exists()


def test_the_admin_form_has_a_field_per_parameter_of_the_chosen_type(org_a):
    browser = signed_in(org_a, "admin")
    page = browser.get(ADD + "?rule_type=certification_missing").content.decode()
    assert 'name="parameter_certification_type"' in page
    assert 'name="parameter_roles"' in page
    assert 'name="parameter_within_days"' not in page


def test_the_admin_saves_the_parameters_as_the_definition(org_a):
    browser = signed_in(org_a, "admin")
    response = browser.post(
        ADD,
        {
            "rule_name": "First aid for nurses",
            "rule_type": "certification_missing",
            "parameters_for": "certification_missing",
            "severity": "high",
            "is_active": "on",
            "parameter_certification_type": "First Aid",
            "parameter_roles": "Nurse, Direct Support Professional",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with org_a:
        rule = ComplianceRule.objects.get(rule_name="First aid for nurses")
        assert rule.rule_definition == {
            "certification_type": "First Aid",
            "roles": ["Nurse", "Direct Support Professional"],
        }


def test_the_admin_refuses_bad_parameters_next_to_the_field_and_saves_nothing(org_a):
    browser = signed_in(org_a, "admin")
    response = browser.post(
        ADD,
        {
            "rule_name": "Too far ahead",
            "rule_type": "shift_without_qualified_staff",
            "parameters_for": "shift_without_qualified_staff",
            "severity": "high",
            "parameter_days_ahead": "500",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "parameter_days_ahead" in form.errors
    with org_a:
        assert not ComplianceRule.objects.filter(rule_name="Too far ahead").exists()


def test_changing_the_type_shows_its_fields_to_fill_in_before_saving(org_a):
    browser = signed_in(org_a, "admin")
    response = browser.post(
        ADD,
        {
            "rule_name": "Switched",
            "rule_type": "training_overdue",
            "parameters_for": "certification_expiring",
            "severity": "low",
            "parameter_within_days": "30",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="parameter_program"' in page
    assert "Fill in the parameters of the type chosen" in page
    with org_a:
        assert not ComplianceRule.objects.filter(rule_name="Switched").exists()


def test_someone_who_may_only_view_rules_reads_the_parameters(org_a):
    from django.contrib.auth.models import Permission

    from apps.accounts.services.roles import role_create
    from conftest import person

    with org_a:
        rule = ComplianceRule.objects.get(starter="cpr_expiring")
        reader = role_create(
            name="Rule reader",
            permission_ids=Permission.objects.filter(codename__in=["access_admin", "view_compliancerule"]).values_list(
                "pk", flat=True
            ),
            actor=person(org_a, "admin"),
        )
        outsider = person(org_a, "outsider")
        outsider.role = reader
        outsider.save(update_fields=["role"])
    response = signed_in(org_a, "outsider").get(f"/admin/compliance/compliancerule/{rule.pk}/change/")
    assert response.status_code == 200
    assert "within_days: 30" in response.content.decode()
