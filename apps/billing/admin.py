"""Billing in the Django admin, for org admins.

Payers (with their rates inline) and coverage are saved through apps.billing.payers and
apps.billing.coverage, so the admin refuses what the pages refuse (overlapping rates, a second
primary coverage) with the same messages by the field. Authorizations are edited as rows.
Billable services keep their units, rate and amount as priced (only their status and notes
change here); claims, their lines, history and adjustments and the X12 files are read-only:
claims move through their states on billing's pages, which keep each claim's history.
BillingCounter is not shown: its numbers are machinery, drawn by apps.billing.numbers.
Opening a coverage, authorization, billable service or claim is in the access log, as the
client's billing pages are.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import access_record
from apps.billing import coverage as coverages
from apps.billing import payers
from apps.billing.models import (
    BillableService,
    Claim,
    ClaimAdjustment,
    ClaimEvent,
    ClaimLine,
    Coverage,
    Interchange,
    Payer,
    PayerRate,
    ServiceAuthorization,
)
from apps.core.admin_widgets import LenientAutocomplete
from apps.core.forms import ServiceChecked


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _AccessLogged:
    """Opening a record about a client is in the access log, as on billing's pages."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
            if obj is not None:
                access_record(obj=obj, request=request, via="admin")
        return response


# --- payers and rates ---------------------------------------------------------------------------


class RateFormSet(BaseInlineFormSet):
    """The rates as they would stand after the save, checked together: two new rows may
    overlap each other as well as the rates already saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("service")
        ]
        for index, form in enumerate(kept):
            data = form.cleaned_data
            for other in kept[:index]:
                theirs = other.cleaned_data
                if theirs["service"] == data["service"] and _overlap(data, theirs):
                    form.add_error("effective_from", _("These dates overlap another rate of this service in the list."))
                    break


def _overlap(one: dict, other: dict) -> bool:
    ends_after = other["effective_to"] is None or other["effective_to"] >= one["effective_from"]
    starts_before = one["effective_to"] is None or other["effective_from"] <= one["effective_to"]
    return ends_after and starts_before


class RateInline(LenientAutocomplete, admin.TabularInline):
    model = PayerRate
    formset = RateFormSet
    extra = 0
    fields = ["service", "rate", "effective_from", "effective_to"]
    autocomplete_fields = ["service"]


class PayerForm(forms.ModelForm):
    class Meta:
        model = Payer
        fields = list(payers.PAYER_FIELDS)


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    form = PayerForm
    list_display = ["name", "payer_type", "edi_payer_id", "claim_filing_indicator", "is_active"]
    list_filter = ["payer_type", "claim_filing_indicator", "is_active"]
    search_fields = ["name", "edi_payer_id"]
    inlines = [RateInline]

    def save_model(self, request: Any, obj: Payer, form: PayerForm, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in payers.PAYER_FIELDS}
        saved = payers.payer_save(payer=obj if change else None, actor=request.user, **values)
        # The admin goes on with the instance it built (its pk, its change message).
        obj.pk = saved.pk
        obj._state.adding = False

    def save_formset(self, request: Any, form, formset, change: bool) -> None:
        if formset.model is not PayerRate:
            super().save_formset(request, form, formset, change)
            return
        payer = form.instance
        for rate_form in formset.deleted_forms:
            if not rate_form.instance._state.adding:
                payers.payer_rate_delete(rate_obj=rate_form.instance, actor=request.user)
        pending = [f for f in formset.forms if f not in formset.deleted_forms and f.has_changed() and f.cleaned_data]
        # The list was checked as it will stand; saved one by one, a row that overlaps the
        # old dates of a row not saved yet waits for it.
        while pending:
            refused: list = []
            for rate_form in pending:
                try:
                    _save_rate(request, payer, rate_form)
                except ValidationError:
                    refused.append(rate_form)
            if len(refused) == len(pending):
                _save_rate(request, payer, refused[0])
            pending = refused
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _save_rate(request: Any, payer: Payer, rate_form) -> None:
    data = rate_form.cleaned_data
    payers.payer_rate_set(
        payer=payer,
        rate_obj=None if rate_form.instance._state.adding else rate_form.instance,
        service=data["service"],
        rate=data["rate"],
        effective_from=data["effective_from"],
        effective_to=data["effective_to"],
        actor=request.user,
    )


# --- coverage -----------------------------------------------------------------------------------


class CoverageForm(ServiceChecked, forms.ModelForm):
    class Meta:
        model = Coverage
        fields = ["client", *coverages.COVERAGE_FIELDS]

    def service_check(self, candidate: Coverage) -> None:
        if candidate.client_id is not None and candidate.start_date is not None:
            coverages.coverage_check(candidate)


@admin.register(Coverage)
class CoverageAdmin(_AccessLogged, LenientAutocomplete, admin.ModelAdmin):
    form = CoverageForm
    list_display = ["client", "payer", "rank", "member_id", "start_date", "end_date"]
    list_filter = ["rank", "payer", "subscriber_relationship"]
    search_fields = ["member_id", "group_number", "client__first_name", "client__last_name", "client__client_id"]
    list_select_related = ["client", "payer"]
    autocomplete_fields = ["client"]
    date_hierarchy = "start_date"

    def save_model(self, request: Any, obj: Coverage, form: CoverageForm, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in coverages.COVERAGE_FIELDS}
        saved = coverages.coverage_save(
            client=form.cleaned_data["client"], coverage=obj if change else None, actor=request.user, **values
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request: Any, obj: Coverage) -> None:
        coverages.coverage_delete(coverage=obj, actor=request.user)


# --- authorizations and billable services --------------------------------------------------------


@admin.register(ServiceAuthorization)
class ServiceAuthorizationAdmin(_AccessLogged, LenientAutocomplete, admin.ModelAdmin):
    list_display = ["authorization_number", "client", "payer", "service", "start_date", "end_date", "status"]
    list_filter = ["status", "period", "payer", "service"]
    search_fields = ["authorization_number", "client__first_name", "client__last_name", "client__client_id"]
    list_select_related = ["client", "payer", "service"]
    autocomplete_fields = ["client"]
    date_hierarchy = "end_date"
    readonly_fields = ["notified_80_at", "notified_100_at", "notified_ending_at"]


BILLABLE_FIELDS = (
    "client",
    "staff",
    "service",
    "payer",
    "authorization",
    "visit",
    "source",
    "service_date",
    "start_time",
    "end_time",
    "minutes",
    "units",
    "rate",
    "total_amount",
    "status",
    "blocking_reasons",
    "reason",
    "notes",
)


@admin.register(BillableService)
class BillableServiceAdmin(_AccessLogged, admin.ModelAdmin):
    list_display = ["service_date", "client", "service", "staff", "payer", "units", "rate", "total_amount", "status"]
    list_filter = ["status", "source", "service", "payer"]
    search_fields = ["client__first_name", "client__last_name", "client__client_id", "service__code"]
    list_select_related = ["client", "service", "staff", "payer"]
    date_hierarchy = "service_date"
    show_full_result_count = False
    fields = BILLABLE_FIELDS
    # As priced: units, rate and amount are kept equal by the database, and a change of
    # them belongs to regenerating the service, not to editing it.
    readonly_fields = tuple(name for name in BILLABLE_FIELDS if name not in ("status", "notes"))

    def has_add_permission(self, request, obj=None):
        # Made from verified visits, or entered by hand on billing's pages with a reason.
        return False


# --- claims and files ---------------------------------------------------------------------------


class ClaimLineInline(admin.TabularInline):
    model = ClaimLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "line_number",
        "service_date",
        "procedure_code",
        "modifiers",
        "units",
        "charge",
        "amount_paid",
        "status",
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "from_status", "to_status", "amount", "note", "actor")
    verbose_name_plural = gettext_lazy("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(_AccessLogged, ReadOnlyAdmin):
    list_display = [
        "claim_number",
        "client",
        "payer",
        "claim_type",
        "period_start",
        "period_end",
        "total_amount",
        "amount_paid",
        "status",
    ]
    list_filter = ["status", "claim_type", "payer"]
    search_fields = ["claim_number", "payer_claim_number", "client__first_name", "client__last_name"]
    list_select_related = ["client", "payer"]
    date_hierarchy = "period_end"
    show_full_result_count = False
    inlines = [ClaimLineInline, ClaimEventInline]


@admin.register(Interchange)
class InterchangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "control_number", "payer", "trace_number", "total_paid", "created_at"]
    list_filter = ["kind", "payer"]
    search_fields = ["filename", "trace_number"]
    list_select_related = ["payer"]
    exclude = ["content"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdmin):
    list_display = ["claim", "from_status", "to_status", "amount", "actor", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["claim__claim_number"]
    list_select_related = ["claim", "actor"]


@admin.register(ClaimAdjustment)
class ClaimAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["claim", "line", "group_code", "reason_code", "amount", "remittance"]
    list_filter = ["group_code"]
    search_fields = ["claim__claim_number", "reason_code"]
    list_select_related = ["claim", "line__claim", "remittance"]
