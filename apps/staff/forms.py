from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.field_pairs import SsnField
from apps.core.forms import DateInput, IsoDates
from apps.core.imports import CsvUploadForm
from apps.core.phones import clean_phone
from apps.staff.models import COLUMNS, Certification, Staff, TrainingProgram, TrainingRecord


class StaffForm(SsnField, IsoDates, forms.ModelForm):
    class Meta:
        model = Staff
        fields = COLUMNS
        widgets = {
            "date_of_birth": DateInput(),
            "hire_date": DateInput(),
            "termination_date": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, show_pay: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_pay:
            # Not hidden: absent. Nothing about pay reaches the page or can be posted.
            for name in Staff.PAY_FIELDS:
                del self.fields[name]
        supervisors = Staff.objects.exclude(employment_status=Staff.Status.TERMINATED)
        if self.instance.supervisor_id:
            # A supervisor who has since left stays selectable, so saving keeps the link.
            supervisors = supervisors | Staff.objects.filter(pk=self.instance.supervisor_id)
        if self.instance.pk:
            supervisors = supervisors.exclude(pk=self.instance.pk)
        supervisor = self.fields["supervisor"]
        assert isinstance(supervisor, forms.ModelChoiceField)  # the model's foreign key
        supervisor.queryset = supervisors.order_by("last_name", "first_name")

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_mobile_phone(self):
        return clean_phone(self.cleaned_data["mobile_phone"])


class CertificationForm(IsoDates, forms.ModelForm):
    # A link typed without a scheme is https (Django 6's default, asked for now).
    verification_url = forms.URLField(label=_("Verification link"), required=False, assume_scheme="https")

    class Meta:
        model = Certification
        fields = [
            "certification_type",
            "certification_name",
            "issuing_organization",
            "certification_number",
            "issue_date",
            "expiry_date",
            "renewal_required",
            "renewal_period_months",
            "reminder_days_before",
            "status",
            "verification_url",
        ]
        widgets = {"issue_date": DateInput(), "expiry_date": DateInput()}
        help_texts = {
            "status": _("Active and expired follow the dates; choose pending renewal or suspended to set them by hand.")
        }


class RenewForm(IsoDates, forms.Form):
    issue_date = forms.DateField(label=_("Issued"), widget=DateInput())
    expiry_date = forms.DateField(
        label=_("Expires"), widget=DateInput(), required=False, help_text=_("Empty: from the renewal period.")
    )
    certification_number = forms.CharField(label=_("Number"), max_length=100, required=False)


class TrainingRecordForm(IsoDates, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["program", "completed_on", "score"]
        widgets = {"completed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = TrainingProgram.objects.filter(is_active=True)


class ProgramForm(forms.ModelForm):
    materials_url = forms.URLField(label=_("Materials"), required=False, assume_scheme="https")
    prerequisite_programs = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"),
        queryset=TrainingProgram.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    job_titles = forms.CharField(
        label=_("For job titles"), required=False, help_text=_("Comma-separated. Empty with no roles: everyone.")
    )

    class Meta:
        model = TrainingProgram
        fields = [
            "program_name",
            "description",
            "category",
            "is_mandatory",
            "required_roles",
            "frequency_months",
            "duration_hours",
            "delivery_method",
            "materials_url",
            "test_required",
            "passing_score",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "required_roles": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = TrainingProgram.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["prerequisite_programs"].queryset = others
        if self.instance.pk and not self.is_bound:
            self.initial["prerequisite_programs"] = [p for p in self.instance.prerequisites]
            self.initial["job_titles"] = ", ".join(self.instance.required_job_titles or [])

    def clean_job_titles(self):
        return [t.strip() for t in self.cleaned_data["job_titles"].split(",") if t.strip()]


ImportForm = CsvUploadForm
