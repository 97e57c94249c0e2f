"""Clients in the Django admin, for org admins: lists with search and filters, the same
visibility as the pages (the care team for roles that do not see every client), and writes
through the services so occupancy, IDs and the SSN rules hold."""

from typing import cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.http import OrgRequest
from apps.clients import selectors, services
from apps.clients.models import COLUMNS, CarePlan, Client, ClientContact, ClientLocation
from apps.core.forms import ServiceChecked
from apps.core.phones import clean_phone


class ContactInline(admin.TabularInline):
    model = ClientContact
    extra = 0
    fields = ["contact_type", "first_name", "last_name", "phone_primary", "email", "is_primary"]


class ClientAdminForm(ServiceChecked, forms.ModelForm):
    """The service's checks, run as form validation, so the admin shows them by the field
    (a full location, dates out of order) instead of failing on save."""

    class Meta:
        model = Client
        fields = COLUMNS

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def service_check(self, candidate) -> None:
        services.client_check(client=candidate)


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    list_display = ["client_id", "last_name", "first_name", "date_of_birth", "status", "location"]
    list_filter = ["status", "location", "gender"]
    search_fields = ["client_id", "first_name", "last_name", "preferred_name"]
    list_select_related = ["location"]
    readonly_fields = ["ssn_on_file", "created_by"]
    inlines = [ContactInline]

    @admin.display(description=_("SSN"))
    def ssn_on_file(self, obj) -> str | None:
        # Only the masked form; the field's own name ("Ssn masked") is not a label to read.
        return obj.ssn_masked or None

    def get_queryset(self, request):
        return selectors.visible_clients(request.user)

    def save_model(self, request: HttpRequest, obj: Client, form: ClientAdminForm, change: bool) -> None:
        # The organization's admin runs on its host, behind the tenant middleware.
        request = cast(OrgRequest, request)
        data = form.cleaned_data
        services.client_save(
            client=obj,
            actor=request.user,
            organization=request.organization,
            **{column: data[column] for column in COLUMNS},
        )


@admin.register(ClientLocation)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "city", "capacity", "current_occupancy", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "city"]


@admin.register(CarePlan)
class CarePlanAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "plan_type", "status", "start_date", "review_date"]
    list_filter = ["status", "plan_type"]
    search_fields = ["title", "client__first_name", "client__last_name", "client__client_id"]
    list_select_related = ["client"]
    readonly_fields = ["status", "approved_by", "approved_date", "document_url", "version"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(client__in=selectors.visible_clients(request.user))

    def has_change_permission(self, request, obj=None):
        # Active plans are read-only everywhere: they are revised on the client's page.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)
