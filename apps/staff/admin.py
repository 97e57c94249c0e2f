"""Staff in the Django admin, for org admins: lists with search and filters; pay only for
roles that may see it (never as a filter for others); writes through the services, whose
checks show on the form."""

from typing import cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.forms import ServiceChecked
from apps.staff import selectors, services
from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram, TrainingRecord


class CertificationInline(admin.TabularInline):
    """Read here; certifications are added and renewed on the staff member's page."""

    model = Certification
    extra = 0
    fields = readonly_fields = ("certification_type", "certification_name", "issue_date", "expiry_date", "status")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StaffAdminForm(ServiceChecked, forms.ModelForm):
    def service_check(self, candidate) -> None:
        services._check_staff(candidate)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    form = StaffAdminForm
    list_display = ["employee_id", "last_name", "first_name", "job_title", "department", "employment_status"]
    list_filter = ["employment_status", "department"]
    search_fields = ["employee_id", "first_name", "last_name", "email"]
    list_select_related = ["supervisor"]
    readonly_fields = ["ssn_on_file"]
    inlines = [CertificationInline]

    @admin.display(description=_("SSN"))
    def ssn_on_file(self, obj) -> str | None:
        # Only the masked form; the field's own name ("Ssn masked") is not a label to read.
        return obj.ssn_masked or None

    def get_exclude(self, request, obj=None):
        hidden = ["ssn", "user"]
        if not request.user.has_perm("staff.change_pay"):
            hidden += list(Staff.PAY_FIELDS)
        return hidden

    def get_readonly_fields(self, request, obj=None):
        shown = ["ssn_on_file"]
        if selectors.may_see_pay(request.user) and not request.user.has_perm("staff.change_pay"):
            shown += list(Staff.PAY_FIELDS)
        return shown

    def lookup_allowed(self, lookup, value, request=None):
        # Filtering by pay in the URL would tell pay to people who may not see it.
        if lookup.split("__")[0] in Staff.PAY_FIELDS and not (request and selectors.may_see_pay(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def save_model(self, request: HttpRequest, obj: Staff, form: StaffAdminForm, change: bool) -> None:
        # The pay comes only from a form that shows it (get_exclude, get_readonly_fields).
        columns, pay = services.Pay.split(form.cleaned_data)
        services.staff_save(staff=obj, actor=cast(User, request.user), request=request, pay=pay, **columns)


class TrainingProgramAdminForm(ServiceChecked, forms.ModelForm):
    materials_url = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = TrainingProgram
        # Prerequisites are chosen on the program's page, where loops are refused.
        exclude = ["prerequisites"]  # noqa: DJ006 - every other field is editable here

    def service_check(self, candidate) -> None:
        services._check_program(candidate)


@admin.register(TrainingProgram)
class TrainingProgramAdmin(admin.ModelAdmin):
    form = TrainingProgramAdminForm
    list_display = ["program_name", "category", "is_mandatory", "frequency_months", "is_active"]
    list_filter = ["is_mandatory", "is_active", "delivery_method"]
    search_fields = ["program_name", "category"]


class TrainingRecordAdminForm(ServiceChecked, forms.ModelForm):
    def service_check(self, candidate) -> None:
        if candidate.program_id:
            services.training_record_check(candidate)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    form = TrainingRecordAdminForm
    list_display = ["staff", "program", "completed_on", "score", "passed", "expires_on"]
    list_filter = ["program", "passed"]
    list_select_related = ["staff", "program"]
    search_fields = ["staff__last_name", "staff__employee_id"]
    readonly_fields = ["passed", "expires_on"]

    def save_model(
        self, request: HttpRequest, obj: TrainingRecord, form: TrainingRecordAdminForm, change: bool
    ) -> None:
        # Passed and expiry follow the score and the program, as on the pages.
        services.training_record_save(record=obj, **form.cleaned_data)


@admin.register(CertificationRequirement)
class CertificationRequirementAdmin(admin.ModelAdmin):
    list_display = ["certification_type"]
    filter_horizontal = ["required_roles"]
