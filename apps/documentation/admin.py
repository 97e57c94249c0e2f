"""Care documentation in the Django admin, for org admins.

Templates are edited here too, through the services: the structure is validated as the
builder's is (its messages by the field), and a template already filled in gets a new version.
Submissions, signatures and signing links are read-only: submissions move through their
states on their own pages, and signatures are never edited. Who sees which submission
follows selectors.visible_submissions, and opening one is in the access log, as on its page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.core.forms import ServiceChecked
from apps.documentation import selectors, services
from apps.documentation.models import (
    ElectronicSignature,
    FormSubmission,
    FormTemplate,
    FormTemplateVersion,
    SigningLink,
)
from apps.documentation.structure import fields_of, text, validate_structure

SETTINGS = [
    "template_name",
    "form_type",
    "category",
    "description",
    "is_active",
    "requires_signature",
    "requires_approval",
    "signers",
]


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- templates ----------------------------------------------------------------------------------


class VersionInline(admin.TabularInline):
    model = FormTemplateVersion
    extra = 0
    fields = readonly_fields = ("version", "created_at", "created_by", "form_structure")
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FormTemplateAdminForm(ServiceChecked, forms.ModelForm):
    class Meta:
        model = FormTemplate
        fields = [*SETTINGS, "form_structure", "visit_note_services", "is_default_visit_note"]

    def service_check(self, candidate) -> None:
        try:
            validate_structure(candidate.form_structure)
        except ValidationError as exc:
            raise ValidationError({"form_structure": exc.messages}) from None
        signers = candidate.signers
        if not isinstance(signers, list) or any(step not in FormTemplate.Signer.values for step in signers):
            raise ValidationError(
                {
                    "signers": _("A list of signers in order, from: %(names)s.")
                    % {"names": ", ".join(FormTemplate.Signer.values)}
                }
            )


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    form = FormTemplateAdminForm
    list_display = ["template_name", "form_type", "category", "version", "is_active", "is_default_visit_note"]
    list_filter = ["form_type", "is_active", "requires_signature", "requires_approval"]
    search_fields = ["template_name", "category"]
    readonly_fields = ["version", "starter", "created_by"]
    filter_horizontal = ["visit_note_services"]
    inlines = [VersionInline]

    def save_model(self, request: Any, obj: FormTemplate, form: FormTemplateAdminForm, change: bool) -> None:
        data = form.cleaned_data
        values = {name: data[name] for name in SETTINGS}
        if change:
            services.template_update(template=obj, actor=request.user, form_structure=data["form_structure"], **values)
        else:
            created = services.template_create(actor=request.user, form_structure=data["form_structure"], **values)
            # The admin goes on with the instance it built (its pk, its change message).
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False

    def save_related(self, request: HttpRequest, form: FormTemplateAdminForm, formsets, change: bool) -> None:
        # The versions inline is read-only: saving it changes nothing, and the admin's change
        # message reads what it saved.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        data = form.cleaned_data
        services.template_set_visit_note(
            template=form.instance,
            services=list(data["visit_note_services"]),
            is_default_visit_note=data["is_default_visit_note"],
        )


# --- submissions --------------------------------------------------------------------------------


class _VisibleSubmissions:
    """Lists and pages limited to the submissions the person sees on the site."""

    submission_path = "form_submission"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)  # type: ignore[misc]  # a mixin of ModelAdmins
        if selectors.sees_every_submission(request.user):
            return queryset
        visible = selectors.visible_submissions(request.user).values("pk")
        return queryset.filter(**{f"{self.submission_path}__in": visible})


@admin.register(FormSubmission)
class FormSubmissionAdmin(_VisibleSubmissions, ReadOnlyAdmin):
    submission_path = "pk"
    list_display = ["form_template", "client", "staff", "service_date", "status", "submitted_at", "locked_at"]
    list_filter = ["status", "form_template", "alerted", "service_date"]
    search_fields = ["form_template__template_name", "client__first_name", "client__last_name", "client__client_id"]
    list_select_related = ["form_template", "client", "staff"]
    date_hierarchy = "service_date"
    show_full_result_count = False
    fields = readonly_fields = (
        "form_template",
        "template_version",
        "client",
        "staff",
        "visit",
        "service_date",
        "status",
        "submitted_at",
        "approved_by",
        "approved_at",
        "rejection_reason",
        "locked_at",
        "review_due_at",
        "alerted",
        "answers",
    )

    @admin.display(description=_("answers as given"))
    def answers(self, obj: FormSubmission) -> str:
        """Each answer under its label, as the version it was filled on names it."""
        data = obj.submission_data or {}
        rows = [
            (text(spec.get("label")), _shown(data[spec["key"]]))
            for spec in fields_of(obj.template_version.form_structure)
            if spec["key"] in data
        ]
        if not rows:
            return "—"
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    def has_view_permission(self, request, obj=None):
        # Those who fill in forms see their own and their clients' here, as on the site.
        return super().has_view_permission(request, obj) or can(request.user, "documentation.add_formsubmission")

    def has_module_permission(self, request):
        return super().has_module_permission(request) or can(request.user, "documentation.add_formsubmission")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            submission = self.get_object(request, unquote(object_id))
            if submission is not None:
                access_record(obj=submission, request=request)
        return response


@admin.register(ElectronicSignature)
class ElectronicSignatureAdmin(_VisibleSubmissions, ReadOnlyAdmin):
    list_display = ["signer_name", "signer_role", "method", "signed_at", "form_submission", "voided_at"]
    list_filter = ["method", "signer_role"]
    search_fields = ["signer_name"]
    list_select_related = ["form_submission__form_template"]
    date_hierarchy = "signed_at"
    fields = readonly_fields = (
        "form_submission",
        "step",
        "signer",
        "signer_name",
        "signer_role",
        "method",
        "signed_at",
        "ip_address",
        "user_agent",
        "consent_text",
        "content_hash",
        "record_hash",
        "voided_at",
    )


@admin.register(SigningLink)
class SigningLinkAdmin(_VisibleSubmissions, ReadOnlyAdmin):
    list_display = ["signer_name", "email", "form_submission", "expires_at", "used_at", "created_by"]
    list_filter = ["used_at", "expires_at"]
    search_fields = ["signer_name", "email"]
    list_select_related = ["form_submission__form_template", "created_by"]
    # The token's hash is not shown: only the email sent holds the link.
    fields = readonly_fields = (
        "form_submission",
        "step",
        "signer_name",
        "email",
        "expires_at",
        "used_at",
        "created_by",
    )
