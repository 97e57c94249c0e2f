"""Compliance rules in the Django admin, for org admins, and findings (read-only).

A rule's parameters are edited with fields generated from its type's JSON Schema (a number
with its bounds, a choice, a text, a comma-separated list), and the definition they make is
checked against the schema again when saved. The form is built for the type chosen: choosing
another type and saving shows that type's fields to fill in, and saves nothing until they are.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from apps.compliance import rule_types
from apps.compliance.forms import PARAMETER_PREFIX, parameter_fields, parameters_from
from apps.compliance.models import ComplianceRule, Finding

RULE_FIELDS = ["rule_name", "rule_type", "severity", "is_active"]
# Which type's parameters the form was drawn with, so a change of type is noticed.
DRAWN_FOR = "parameters_for"


class RuleFormBase(forms.ModelForm):
    type_key: str = ""

    class Meta:
        model = ComplianceRule
        fields = RULE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_changed = False
        if self.is_bound and self.data.get(DRAWN_FOR) != self.type_key:
            # Drawn for another type: this time the page shows this type's fields, to fill in.
            self.type_changed = True
            self.data = self.data.copy()
            self.data[DRAWN_FOR] = self.type_key

    def clean(self):
        cleaned = super().clean()
        if self.type_changed:
            raise ValidationError(_("Fill in the parameters of the type chosen, below, and save again."))
        if any(name.startswith(PARAMETER_PREFIX) for name in self.errors):
            return cleaned  # a field refused its value: the schema would only repeat it
        rule_type = rule_types.REGISTRY[self.type_key]
        definition = parameters_from(rule_type.schema, cleaned)
        problems = rule_types.definition_problems(rule_type, definition)
        for name, message in problems:
            field = PARAMETER_PREFIX + name
            self.add_error(field if field in self.fields else None, message)
        if not problems:
            self.instance.rule_definition = definition
        return cleaned

    def _update_errors(self, errors):
        # The model's own check of the definition (ComplianceRule.clean) names a column this
        # form shows as parameter fields: said above the form, unless the fields already said it.
        definition = getattr(errors, "error_dict", {}).pop("rule_definition", None)
        if definition and not self.errors:
            self.add_error(None, definition)
        super()._update_errors(errors)


def rule_form(type_key: str, rule: ComplianceRule | None) -> type[RuleFormBase]:
    rule_type = rule_types.REGISTRY[type_key]
    initial = rule.rule_definition if rule is not None and rule.rule_type == type_key else rule_type.example
    attrs: dict = {
        "type_key": type_key,
        "rule_type": forms.ChoiceField(
            label=_("type"),
            choices=rule_types.choices(),
            initial=type_key,
            help_text=rule_type.description,
        ),
        DRAWN_FOR: forms.CharField(widget=forms.HiddenInput, initial=type_key, required=False),
        **parameter_fields(rule_type.schema, initial),
    }
    return type(f"RuleForm_{type_key}", (RuleFormBase,), attrs)


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(admin.ModelAdmin):
    list_display = ("rule_name", "type_title", "severity", "is_active", "updated_at")
    list_filter = ("severity", "is_active", "rule_type")
    search_fields = ("rule_name",)
    ordering = ("rule_name",)

    def _type_key(self, request, obj) -> str:
        for key in (request.POST.get("rule_type"), request.GET.get("rule_type"), obj.rule_type if obj else None):
            if key in rule_types.REGISTRY:
                return key
        return sorted(rule_types.REGISTRY)[0]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return rule_form(self._type_key(request, obj), obj)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return [(None, {"fields": [*RULE_FIELDS, "parameters_shown"]})]
        key = self._type_key(request, obj)
        names = [PARAMETER_PREFIX + name for name in rule_types.REGISTRY[key].schema.get("properties", {})]
        return [(None, {"fields": [*RULE_FIELDS, DRAWN_FOR]}), (_("Parameters"), {"fields": names})]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return [*RULE_FIELDS, "parameters_shown"]
        return []

    @admin.display(description=_("type"))
    def type_title(self, obj: ComplianceRule) -> str:
        return obj.type_title

    @admin.display(description=_("parameters"))
    def parameters_shown(self, obj: ComplianceRule):
        return format_html_join("", "<div>{}: {}</div>", sorted((obj.rule_definition or {}).items()))


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    """What the rules found: written by the evaluation, acknowledged on the dashboard."""

    list_display = ("label", "rule", "severity", "status", "first_seen", "last_seen")
    list_filter = ("status", "severity", "rule")
    search_fields = ("label",)
    list_select_related = ("rule",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
