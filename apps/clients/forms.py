"""Client, contact, location and care plan forms. Lists (diagnoses, allergies, dietary
restrictions, goals, interventions) are formsets of real rows, never raw JSON."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.clients import validators
from apps.clients.models import COLUMNS, CarePlan, Client, ClientContact, ClientLocation
from apps.core.field_pairs import ClearableSsnField
from apps.core.forms import DateInput, IsoDates
from apps.core.imports import CsvUploadForm
from apps.core.phones import clean_phone


class CommaSeparatedList(forms.CharField):
    """A JSON list of short names (certification types) typed as "CPR, First Aid"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        items = []
        for item in (super().to_python(value) or "").split(","):
            if item.strip() and item.strip() not in items:
                items.append(item.strip())
        return items

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class ClientForm(ClearableSsnField, IsoDates, forms.ModelForm):
    class Meta:
        model = Client
        fields = COLUMNS
        widgets = {
            "date_of_birth": DateInput(),
            "admission_date": DateInput(),
            "discharge_date": DateInput(),
            "primary_diagnosis": forms.TextInput(),
            "address_line1": forms.TextInput(attrs={"autocomplete": "off"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "client_id": _("Leave empty to number the client automatically."),
            "latitude": _("Of the home, in decimal degrees (45.515232): visits are verified against it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].required = False
        self.fields["location"].queryset = self.fields["location"].queryset.filter(is_active=True)

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class DiagnosisForm(forms.Form):
    code = forms.CharField(label=_("ICD-10 code"), max_length=10)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def clean_code(self):
        return validators.normalize_icd10(self.cleaned_data["code"])


SEVERITIES = [
    ("mild", _("Mild")),
    ("moderate", _("Moderate")),
    ("severe", _("Severe")),
    ("life_threatening", _("Life-threatening")),
]


class AllergyForm(forms.Form):
    allergen = forms.CharField(label=_("Allergen"), max_length=100)
    reaction = forms.CharField(label=_("Reaction"), max_length=255, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITIES)


class DietForm(forms.Form):
    restriction = forms.CharField(label=_("Restriction"), max_length=255)


GOAL_STATUSES = [
    ("not_started", _("Not started")),
    ("in_progress", _("In progress")),
    ("achieved", _("Achieved")),
    ("discontinued", _("Discontinued")),
]


class GoalForm(IsoDates, forms.Form):
    description = forms.CharField(label=_("Goal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(label=_("Measurable target"), max_length=500)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=GOAL_STATUSES, initial="not_started")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("target_date") and data["target_date"] < data["start_date"]:
            self.add_error("target_date", _("The target date cannot be before the start."))
        return data


class InterventionForm(forms.Form):
    description = forms.CharField(label=_("Intervention"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    frequency = forms.CharField(label=_("Frequency"), max_length=100)
    responsible_role = forms.CharField(label=_("Responsible role"), max_length=100)


ROWS: dict[str, tuple[type[forms.Form], str]] = {
    "diagnoses": (DiagnosisForm, "secondary_diagnoses"),
    "allergies": (AllergyForm, "allergies"),
    "diet": (DietForm, "dietary_restrictions"),
    "goals": (GoalForm, "goals"),
    "interventions": (InterventionForm, "interventions"),
}


ROW_LEGENDS = {
    "diagnoses": _("Other diagnoses"),
    "allergies": _("Allergies"),
    "diet": _("Dietary restrictions"),
    "goals": _("Goals"),
    "interventions": _("Interventions"),
}


def row_formset(
    prefix: str, *, data: QueryDict | None = None, initial: list[Any] | None = None, add: bool = False
) -> forms.BaseFormSet[forms.Form]:
    """A formset of rows. `add` (the "Add a row" button) gives back the rows as typed so far,
    unchecked (no errors for a row just added), with one more empty row."""
    form, _field = ROWS[prefix]
    if data is not None and add:
        typed = forms.formset_factory(form, extra=0, can_delete=True, max_num=50)(data, prefix=prefix)
        rows = [
            {name: row[name].value() for name in row.fields if name != "DELETE"}
            for row in typed.forms
            if not row["DELETE"].value()
        ]
        formset_class = forms.formset_factory(form, extra=1, can_delete=True, max_num=50, validate_max=True)
        return formset_class(initial=rows, prefix=prefix)
    formset_class = forms.formset_factory(form, extra=0, can_delete=True, max_num=50, validate_max=True)
    return formset_class(data, initial=initial, prefix=prefix)


def rows_value(formset: forms.BaseFormSet[forms.Form]) -> list[Any]:
    """The formset's rows as stored in JSON (dates as ISO text, deleted and empty rows out)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if k != "DELETE"}
        rows.append(row["restriction"] if set(row) == {"restriction"} else row)
    return rows


def rows_initial(values: list[Any]) -> list[dict[str, Any]]:
    return [{"restriction": v} if isinstance(v, str) else v for v in values or []]


class ContactForm(forms.ModelForm):
    class Meta:
        model = ClientContact
        fields = [
            "contact_type",
            "first_name",
            "last_name",
            "relationship",
            "phone_primary",
            "phone_secondary",
            "email",
            "address",
            "is_primary",
            "can_make_decisions",
            "notes",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def clean_phone_primary(self):
        return clean_phone(self.cleaned_data["phone_primary"])

    def clean_phone_secondary(self):
        return clean_phone(self.cleaned_data["phone_secondary"])


class LocationForm(forms.ModelForm):
    required_certifications = CommaSeparatedList(
        label=_("Required certifications"),
        help_text=_("Certification types everyone on shift here must hold, comma-separated (CPR, First Aid)."),
    )

    class Meta:
        model = ClientLocation
        fields = [
            "name",
            "type",
            "address",
            "city",
            "state",
            "zip_code",
            "phone",
            "latitude",
            "longitude",
            "capacity",
            "clients_per_staff",
            "required_certifications",
            "manager",
            "is_active",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "latitude": _("In decimal degrees (45.515232): visits here are verified against it."),
            "clients_per_staff": _("The schedule warns when a shift leaves more clients per staff member on duty."),
        }

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class CarePlanForm(IsoDates, forms.ModelForm):
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible staff"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CarePlan
        fields = ["plan_type", "title", "start_date", "end_date", "review_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "review_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = User.objects.filter(status=User.Status.ACTIVE).order_by(
            "first_name", "last_name"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["responsible"] = list(self.instance.responsible_staff)


# The CSV import's form is the shared one.
ImportForm = CsvUploadForm
