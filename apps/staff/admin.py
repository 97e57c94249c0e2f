"""Staff in the Django admin, for org admins and HR: lists with search and filters; pay
fields only for roles that may see pay; writes through the services (cycles, termination)."""

from django.contrib import admin

from apps.staff import selectors, services
from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram, TrainingRecord


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ["certification_type", "certification_name", "issue_date", "expiry_date", "status"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "last_name", "first_name", "job_title", "department", "employment_status"]
    list_filter = ["employment_status", "department"]
    search_fields = ["employee_id", "first_name", "last_name", "email"]
    list_select_related = ["supervisor"]
    readonly_fields = ["ssn_masked"]
    inlines = [CertificationInline]

    def get_exclude(self, request, obj=None):
        hidden = ["ssn", "user"]
        if not selectors.may_see_pay(request.user):
            hidden += list(Staff.PAY_FIELDS)
        return hidden

    def save_model(self, request, obj, form, change):
        services.staff_save(staff=obj, actor=request.user, request=request)


@admin.register(TrainingProgram)
class TrainingProgramAdmin(admin.ModelAdmin):
    list_display = ["program_name", "category", "is_mandatory", "frequency_months", "is_active"]
    list_filter = ["is_mandatory", "is_active", "delivery_method"]
    search_fields = ["program_name", "category"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["staff", "program", "completed_on", "score", "passed", "expires_on"]
    list_filter = ["program", "passed"]
    list_select_related = ["staff", "program"]
    search_fields = ["staff__last_name", "staff__employee_id"]


@admin.register(CertificationRequirement)
class CertificationRequirementAdmin(admin.ModelAdmin):
    list_display = ["certification_type"]
    filter_horizontal = ["required_roles"]
