"""The platform admin (public schema only): operators create and manage organizations."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from apps.core.tenancy import tenant_connection
from apps.tenants import domain_services, images, services, theme, validators
from apps.tenants.models import DeletedOrganization, Domain, Organization


class PublicSchemaOnlyMixin:
    """Organizations are managed from the platform host; an organization's own admin
    never sees or edits the list of agencies."""

    def _on_public(self) -> bool:
        return tenant_connection().schema_name == get_public_schema_name()

    def has_module_permission(self, request):
        return self._on_public() and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._on_public() and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._on_public() and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._on_public() and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting an organization would drop an agency's records; suspend it instead.
        return False


class HostnameField(forms.CharField):
    """A custom domain as typed: lowercased, without the root's dot, an internationalised name
    in its ASCII form, before the model's validator sees it, as the organization's own domain
    page reads it (CARE.HARBOR.EXAMPLE is care.harbor.example, not a bad name)."""

    def to_python(self, value):
        return validators.hostname_to_ascii(super().to_python(value))


def _both_ways(domain: Domain) -> str:
    """An internationalised domain as people write it and as DNS carries it."""
    shown = domain.display_name
    return shown if shown == domain.domain else f"{shown} ({domain.domain})"


class OrganizationAdminForm(forms.ModelForm):
    admin_email = forms.EmailField(
        label=_("First administrator's email"),
        required=False,
        help_text=_("Created in the new organization without a password; they set one by email."),
    )

    class Meta:
        model = Organization
        fields = list(services.EDITABLE_FIELDS)
        # Plain file fields: images.process decodes, checks and re-encodes an upload with its
        # own messages (SVG, size, pixels), as the branding page does; Django's ImageField
        # would accept any format Pillow reads and keep the file as uploaded.
        field_classes = {"logo": forms.FileField, "favicon": forms.FileField, "custom_domain": HostnameField}

    def _image(self, name: str, kind: images.Kind):
        value = self.cleaned_data.get(name)
        # A new upload; False (the box to clear it) and the current file pass as they are.
        if isinstance(value, UploadedFile):
            return images.process(value, kind)
        return value

    def _colour(self, name: str) -> str:
        # The branding page's rule (apps/tenants/theme.py): a colour refused there must not get in
        # here, or the agency could not save its own branding page afterwards.
        value = (self.cleaned_data.get(name) or "").strip().lower()
        if value:
            validators.validate_hex_colour(value)  # before the contrast, which reads #rrggbb
        if value and (problem := theme.brand_colour_problem(name, value)):
            raise ValidationError(problem)
        return value

    def clean_primary_color(self):
        return self._colour("primary_color")

    def clean_secondary_color(self):
        return self._colour("secondary_color")

    def clean_logo(self):
        return self._image("logo", images.LOGO)

    def clean_favicon(self):
        return self._image("favicon", images.FAVICON)

    def clean(self):
        cleaned = super().clean()
        subdomain = cleaned.get("subdomain")
        if subdomain:
            try:
                services.organization_check_available(
                    subdomain=subdomain,
                    custom_domain=cleaned.get("custom_domain") or "",
                    exclude_pk=self.instance.pk if not self.instance._state.adding else None,
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return cleaned

    def validate_unique(self):
        # organization_check_available() already said it, in words an operator understands.
        pass


class DomainInline(admin.TabularInline):
    model = Domain
    readonly_fields = (
        "domain",
        "kind",
        "is_primary",
        "status",
        "verified_by_hand",
        "failing_since",
        "last_check",
    )
    fields = readonly_fields
    extra = 0
    can_delete = False

    @admin.display(description=_("last check result"))
    def last_check(self, obj):
        return obj.last_check_message

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(PublicSchemaOnlyMixin, admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "subdomain", "custom_domain", "schema_name", "is_active", "deactivated_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "subdomain", "custom_domain", "contact_email"]
    # When it was suspended: delete_organization waits ORGANIZATION_DELETION_DAYS from then.
    readonly_fields = ["schema_name", "deactivated_at", "created_at", "updated_at"]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate", "verify_custom_domain", "check_custom_domain"]
    fieldsets = (
        (None, {"fields": ("name", "subdomain", "custom_domain", "is_active", "admin_email", "schema_name")}),
        (_("Brand"), {"fields": ("logo", "favicon", "primary_color", "secondary_color", "font_family")}),
        (_("Contact"), {"fields": ("contact_email", "contact_phone", "address", "timezone")}),
        (_("Configuration"), {"fields": ("settings", "feature_flags", "billing_settings")}),
        (_("Dates"), {"fields": ("created_at", "updated_at", "deactivated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).real()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        first = (None, {"fields": tuple(f for f in fieldsets[0][1]["fields"] if f != "admin_email")})
        return (first, *fieldsets[1:])

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS if f in form.cleaned_data}
        if change:
            changed = {f: data[f] for f in form.changed_data if f in data}
            # The images they replace or clear, read from the form's initial values (the
            # instance already holds the new ones).
            replaced = [form.initial.get(f) for f in ("logo", "favicon") if f in changed]
            services.organization_update(organization=obj, **changed)
            # Deleted once the new ones are committed, as the branding page does.
            for old in replaced:
                if old:
                    transaction.on_commit(partial(old.storage.delete, old.name))
            return
        created = services.organization_create(admin_email=form.cleaned_data.get("admin_email") or None, **data)
        obj.pk = created.pk
        obj.schema_name = created.schema_name
        obj._state.adding = False

    def get_inlines(self, request, obj):
        # Domains are written by the provisioning service; the inline only shows them.
        return self.inlines if obj is not None else []

    @admin.action(description=_("Suspend selected organizations"))
    def suspend(self, request, queryset):
        for organization in queryset:
            services.organization_suspend(organization=organization)

    @admin.action(description=_("Reactivate selected organizations"))
    def reactivate(self, request, queryset):
        for organization in queryset:
            services.organization_reactivate(organization=organization)

    @admin.action(description=_("Verify the custom domain of selected organizations by hand"))
    def verify_custom_domain(self, request, queryset):
        """The operator vouches for the domain (they run its DNS for the agency, or checked it
        another way): it routes at once and the daily check leaves it alone."""
        for organization in queryset:
            try:
                domain = domain_services.custom_domain_verify_by_hand(organization=organization)
            except ValidationError as exc:
                self.message_user(request, f"{organization}: {' '.join(exc.messages)}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(domain)s verified by hand for %(organization)s.")
                    % {"domain": _both_ways(domain), "organization": organization},
                )

    @admin.action(description=_("Check the custom domain of selected organizations now (DNS)"))
    def check_custom_domain(self, request, queryset):
        for organization in queryset:
            try:
                domain, _event = domain_services.custom_domain_check(organization=organization)
            except ValidationError as exc:
                self.message_user(request, f"{organization}: {' '.join(exc.messages)}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    f"{_both_ways(domain)}: {domain.get_status_display()}. {domain.last_check_message}",
                    messages.SUCCESS if domain.status == Domain.Status.VERIFIED else messages.WARNING,
                )


@admin.register(DeletedOrganization)
class DeletedOrganizationAdmin(PublicSchemaOnlyMixin, admin.ModelAdmin):
    """What delete_organization removed, by whom and when: read only, written by the command alone."""

    list_display = ["name", "subdomain", "deleted_at", "deleted_by", "rows", "files"]
    search_fields = ["name", "subdomain", "schema_name", "deleted_by"]
    date_hierarchy = "deleted_at"
    readonly_fields = (
        "name",
        "subdomain",
        "schema_name",
        "organization_id",
        "suspended_at",
        "deleted_at",
        "deleted_by",
        "system_user",
        "reason",
        "tables",
        "rows",
        "rows_by_table",
        "files",
        "file_bytes",
    )
    fields = readonly_fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
