"""Scheduling in the Django admin, for org admins: services, schedules, shifts and
appointments with search and filters; visits and their records read-mostly (times are
corrected on the visit's page, where a reason is asked and kept).

Shift, schedule and appointment saves go through the services: the conflict check runs as
form validation (a blocking conflict shows on the form, with a reason field to override it
for those allowed to), and the save itself is the service's: the instance services
(schedule_save, shift_save, appointment_save), since the admin hands save_model the instance
its form built and goes on with that one (its pk, its change message)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.clients.forms import CommaSeparatedList
from apps.core.admin_widgets import LenientAutocomplete
from apps.core.forms import ServiceChecked
from apps.scheduling import services
from apps.scheduling.dates import SaneDates
from apps.scheduling.forms import AutomaticName
from apps.scheduling.models import (
    Appointment,
    CalendarFeed,
    ConflictOverride,
    Schedule,
    Service,
    Shift,
    Visit,
    VisitCorrection,
)


def _gate(check, **kwargs) -> None:
    """Run the service's check; blocking conflicts show above the form, and by the reason
    field what would let them through."""
    try:
        check(**kwargs)
    except services.Conflicts as exc:
        if can(kwargs["actor"], "scheduling.override_conflict"):
            hint = _("To save it anyway, say why here: the reason is kept with the override.")
        else:
            hint = _("Only someone allowed to override conflicts can save it as it is.")
        raise ValidationError(
            {NON_FIELD_ERRORS: [f.message for f in exc.findings if f.blocking], "override_reason": [hint]}
        ) from exc


class _Overridable(SaneDates, ServiceChecked, forms.ModelForm):
    """A form whose save may meet a blocking conflict: the reason field is the override."""

    request: OrgRequest  # set per request by the admin's get_form
    override_reason = forms.CharField(
        label=_("Reason to override a blocking conflict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only with the permission to override; kept with the shift and in the audit log."),
    )

    def clean(self):
        try:
            return super().clean()
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or _("You may not change this."))
            return self.cleaned_data


class _ServiceAdmin(LenientAutocomplete, admin.ModelAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # modelform_factory makes a new class each call, so this stays with this request.
        form.request = request
        return form

    def _warn(self, request, findings) -> None:
        for finding in findings:
            if not finding.blocking:
                messages.warning(request, finding.message)


# --- services -----------------------------------------------------------------------------------


MODIFIER = re.compile(r"[A-Z0-9]{2}")


class ServiceForm(forms.ModelForm):
    required_certifications = CommaSeparatedList(
        label=_("Required certifications"), help_text=_("Certification types, comma-separated (CPR, First Aid).")
    )
    # Typed as "U1, hq": the array field's own messages name items by position only.
    modifiers = CommaSeparatedList(
        label=_("HCPCS modifiers"), help_text=_("Up to four two-character modifiers, comma-separated (U1, HQ).")
    )

    def clean_modifiers(self) -> list[str]:
        modifiers = list(dict.fromkeys(item.upper() for item in self.cleaned_data["modifiers"]))
        wrong = [item for item in modifiers if not MODIFIER.fullmatch(item)]
        if wrong:
            raise forms.ValidationError(
                _("%(wrong)s: a modifier is two letters or digits (U1, HQ).") % {"wrong": ", ".join(wrong)}
            )
        if len(modifiers) > 4:
            raise forms.ValidationError(_("A claim line carries at most four modifiers."))
        return modifiers

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "description",
            "required_certifications",
            "unit_type",
            "unit_minutes",
            "rounding",
            "base_rate",
            "modifiers",
            "is_active",
        ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    list_display = ["code", "name", "unit_type", "base_rate", "certifications", "is_active"]
    list_filter = ["is_active", "unit_type"]
    search_fields = ["code", "name"]

    @admin.display(description=_("required certifications"))
    def certifications(self, obj):
        return ", ".join(obj.required_certifications or []) or "—"


# --- schedules ----------------------------------------------------------------------------------


class ScheduleForm(AutomaticName, SaneDates, ServiceChecked, forms.ModelForm):
    request: OrgRequest  # set per request by the admin's get_form

    class Meta:
        model = Schedule
        fields = ["schedule_name", "schedule_type", "start_date", "end_date", "location", "notes"]

    def service_check(self, candidate) -> None:
        if candidate.pk and not candidate._state.adding:
            services.ensure_editable(Schedule.objects.get(pk=candidate.pk), self.request.user)

    def clean(self):
        try:
            return super().clean()
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
            return self.cleaned_data


@admin.register(Schedule)
class ScheduleAdmin(_ServiceAdmin):
    form = ScheduleForm
    list_display = ["name", "location", "start_date", "end_date", "status", "shift_count", "approved_at"]
    list_filter = ["status", "schedule_type", "location"]
    search_fields = ["schedule_name", "location__name"]
    list_select_related = ["location"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["location"]
    # Publishing checks every shift together and tells the staff: it is done on the schedule's page.
    readonly_fields = ["status", "created_by", "approved_by", "approved_at"]

    def get_queryset(self, request):
        # The location too: an automatic name (display_name, also in autocompletes) is built from it.
        return super().get_queryset(request).select_related("location").annotate(shift_count=Count("shifts"))

    @admin.display(description=_("name"), ordering="schedule_name")
    def name(self, obj):
        return obj.display_name

    @admin.display(description=_("shifts"), ordering="shift_count")
    def shift_count(self, obj):
        return obj.shift_count

    def save_model(self, request, obj, form, change):
        services.schedule_save(schedule=obj, actor=request.user)


# --- shifts -------------------------------------------------------------------------------------


class ShiftForm(_Overridable):
    class Meta:
        model = Shift
        fields = [
            "schedule",
            "staff",
            "location",
            "client",
            "service",
            "shift_date",
            "start_time",
            "end_time",
            "break_start",
            "break_end",
            "meal_start",
            "meal_end",
            "status",
            "shift_type",
            "is_mandatory",
            "notes",
        ]

    def service_check(self, candidate) -> None:
        if self.errors:
            return  # a field is missing or wrong: the times cannot be placed yet
        _gate(
            services.shift_check,
            shift=candidate,
            actor=self.request.user,
            organization=self.request.organization,
            override_reason=self.cleaned_data.get("override_reason", ""),
        )


@admin.register(Shift)
class ShiftAdmin(_ServiceAdmin):
    form = ShiftForm
    list_display = ["shift_date", "start_time", "end_time", "staff", "location", "service", "status", "shift_type"]
    list_filter = ["status", "shift_type", "location", "is_mandatory"]
    search_fields = ["staff__first_name", "staff__last_name", "staff__employee_id", "location__name", "notes"]
    list_select_related = ["staff", "location", "service"]
    date_hierarchy = "shift_date"
    autocomplete_fields = ["schedule", "staff", "location", "client", "service"]
    show_full_result_count = False  # tens of thousands of rows: one count less per page

    def save_model(self, request, obj, form, change):
        findings = services.shift_save(
            shift=obj,
            actor=request.user,
            organization=request.organization,
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
        self._warn(request, findings)

    def delete_model(self, request, obj):
        services.shift_delete(shift=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for shift in queryset:
            services.shift_delete(shift=shift, actor=request.user)


# --- appointments -------------------------------------------------------------------------------


class AppointmentForm(_Overridable):
    class Meta:
        model = Appointment
        fields = [
            "client",
            "staff",
            "appointment_type",
            "title",
            "description",
            "location",
            "start_datetime",
            "end_datetime",
            "status",
            "requires_transport",
            "transport_staff",
            "notes",
        ]

    def service_check(self, candidate) -> None:
        if self.errors or candidate.start_datetime is None or candidate.end_datetime is None:
            return
        if candidate.end_datetime <= candidate.start_datetime:
            raise ValidationError({"end_datetime": _("The end must come after the start.")})
        _gate(
            services.appointment_check,
            appointment=candidate,
            actor=self.request.user,
            organization=self.request.organization,
            override_reason=self.cleaned_data.get("override_reason", ""),
        )


@admin.register(Appointment)
class AppointmentAdmin(_ServiceAdmin):
    form = AppointmentForm
    list_display = ["title", "client", "start_datetime", "staff", "requires_transport", "transport_staff", "status"]
    list_filter = ["status", "appointment_type", "requires_transport"]
    search_fields = ["title", "client__first_name", "client__last_name", "client__client_id", "location"]
    list_select_related = ["client", "staff", "transport_staff"]
    date_hierarchy = "start_datetime"
    autocomplete_fields = ["client", "staff", "transport_staff"]
    readonly_fields = ["reminder_sent"]

    def save_model(self, request, obj, form, change):
        findings = services.appointment_save(
            appointment=obj,
            actor=request.user,
            organization=request.organization,
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
        self._warn(request, findings)


# --- visits (EVV) and what the system keeps -----------------------------------------------------


class CorrectionInline(admin.TabularInline):
    model = VisitCorrection
    extra = 0
    fields = readonly_fields = ("created_at", "field", "old_value", "new_value", "reason", "actor")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


VISIT_FIELDS = (
    "staff",
    "shift",
    "appointment",
    "client",
    "location",
    "service_code",
    "clock_in_at",
    "clock_in_latitude",
    "clock_in_longitude",
    "clock_in_accuracy_m",
    "clock_in_distance_m",
    "clock_out_at",
    "clock_out_latitude",
    "clock_out_longitude",
    "clock_out_accuracy_m",
    "clock_out_distance_m",
    "length",
    "status",
    "exception_codes",
    "reason_code",
    "reason_note",
    "clock_out_reason_code",
    "clock_out_reason_note",
    "resolved_by",
    "resolved_at",
    "resolution_note",
)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    """Read-mostly: only the reason note can be added to here. Times are corrected on the
    visit's page (visit_correct keeps who, why and the values before); visits are records of
    service delivered, so they are neither added nor deleted by hand."""

    list_display = ["clock_in_at", "clock_out_at", "length", "staff", "client", "location", "service_code", "status"]
    list_filter = ["status", "reason_code", "location"]
    search_fields = ["staff__first_name", "staff__last_name", "staff__employee_id", "client__last_name"]
    list_select_related = ["staff", "client", "location"]
    date_hierarchy = "clock_in_at"
    fields = VISIT_FIELDS
    readonly_fields = [f for f in VISIT_FIELDS if f != "reason_note"]
    inlines = [CorrectionInline]

    @admin.display(description=_("length"))
    def length(self, obj):
        if obj.length is None:
            return "—"
        return _("%(hours)d h %(minutes)d min") % {"hours": obj.length[0], "minutes": obj.length[1]}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VisitCorrection)
class VisitCorrectionAdmin(_ReadOnly):
    list_display = ["created_at", "visit", "field", "old_value", "new_value", "actor"]
    list_filter = ["field"]
    search_fields = ["reason", "visit__staff__last_name"]
    list_select_related = ["visit__staff", "actor"]


@admin.register(ConflictOverride)
class ConflictOverrideAdmin(_ReadOnly):
    list_display = ["created_at", "code", "shift", "appointment", "reason", "actor"]
    list_filter = ["code"]
    search_fields = ["reason", "message"]
    list_select_related = ["shift", "appointment", "actor"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Listed to revoke (delete); the token's hash is never shown."""

    list_display = ["staff", "created_at", "last_used_at"]
    search_fields = ["staff__first_name", "staff__last_name", "staff__employee_id"]
    list_select_related = ["staff"]
    fields = readonly_fields = ("staff", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
