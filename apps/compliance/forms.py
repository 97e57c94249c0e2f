"""Forms of the compliance pages: acknowledging a finding, and a rule's parameters generated
from its type's JSON Schema (the admin's rule form, apps/compliance/admin.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.compliance.services import NOTE_MAX

PARAMETER_PREFIX = "parameter_"


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("What is being done"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who is taking care of it and by when. The finding stays listed until its condition clears."),
    )


def parameter_fields(schema: dict, initial: dict | None = None) -> dict[str, forms.Field]:
    """A form field per property of a rule type's parameter schema: a number field with its
    bounds, a choice for an enumeration, a text field, and a comma-separated list for an array
    of strings. The values are checked against the schema again when the rule is saved."""
    initial = initial or {}
    required = set(schema.get("required", []))
    fields: dict[str, forms.Field] = {}
    for name, spec in schema.get("properties", {}).items():
        value = initial.get(name, spec.get("default"))
        kind = spec.get("type")
        # An empty text or list is a value of its own ("any type", "everyone"): required only
        # where the schema refuses it.
        needed = name in required and (kind in ("integer", "number") or "enum" in spec or spec.get("minLength", 0) > 0)
        common: dict[str, Any] = {"label": gettext(spec.get("title", name)), "required": needed, "initial": value}
        if "enum" in spec:
            field: forms.Field = forms.ChoiceField(choices=[(v, v) for v in spec["enum"]], **common)
        elif kind == "integer":
            field = forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
        elif kind == "number":
            # An exclusive minimum of 0 allows 0.01 (two decimals), the smallest value above it.
            low = spec.get(
                "minimum", spec["exclusiveMinimum"] + Decimal("0.01") if "exclusiveMinimum" in spec else None
            )
            field = forms.DecimalField(
                min_value=low, max_value=spec.get("maximum"), decimal_places=2, max_digits=7, **common
            )
        elif kind == "array":
            common["initial"] = ", ".join(value or [])
            field = forms.CharField(max_length=2000, help_text=_("Separate them with commas."), **common)
        else:
            field = forms.CharField(max_length=spec.get("maxLength", 255), **common)
        fields[PARAMETER_PREFIX + name] = field
    return fields


def parameters_from(schema: dict, cleaned: dict) -> dict:
    """The rule_definition the generated fields' cleaned values make (JSON types)."""
    definition: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        value = cleaned.get(PARAMETER_PREFIX + name)
        kind = spec.get("type")
        if kind == "array":
            definition[name] = [part.strip() for part in (value or "").split(",") if part.strip()]
        elif value is None:
            continue
        elif kind == "number" and isinstance(value, Decimal):
            definition[name] = int(value) if value == value.to_integral_value() else float(value)
        else:
            definition[name] = value
    return definition
