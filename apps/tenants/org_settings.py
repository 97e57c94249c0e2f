"""Tenants' own fieldsets of the settings page: who the organization is, its time zone and
language, how long its audit log is kept (apps/tenants/settings_sections.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.phones import clean_phone
from apps.tenants import validators
from apps.tenants.settings_sections import Section

# The least is HIPAA's six years of documentation; Organization.clean says the same.
RETENTION_YEARS = (6, 100)


def _identity_fields(organization) -> dict[str, forms.Field]:
    return {
        "name": forms.CharField(label=gettext_lazy("Organization name"), max_length=255),
        "contact_email": forms.EmailField(label=gettext_lazy("Contact email"), max_length=255),
        "contact_phone": forms.CharField(label=gettext_lazy("Contact phone"), max_length=20, required=False),
        "address": forms.CharField(
            label=gettext_lazy("Address"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
        ),
    }


def _identity_initial(organization) -> dict[str, Any]:
    return {
        "name": organization.name,
        "contact_email": organization.contact_email,
        "contact_phone": organization.contact_phone,
        "address": organization.address,
    }


def _identity_apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the organization's name.")})
    try:
        phone = clean_phone((data.get("contact_phone") or "").strip())
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from None
    return {
        "name": name,
        "contact_email": (data.get("contact_email") or "").strip(),
        "contact_phone": phone,
        "address": (data.get("address") or "").strip(),
    }


def _locale_fields(organization) -> dict[str, forms.Field]:
    return {
        "timezone": forms.ChoiceField(
            label=gettext_lazy("Time zone"),
            choices=validators.timezone_choices(),
            help_text=gettext_lazy("Everyone's “today”, shift times and reports follow it."),
        ),
        "language": forms.ChoiceField(
            label=gettext_lazy("Default language"),
            choices=django_settings.LANGUAGES,
            help_text=gettext_lazy("Each person may still choose their own."),
        ),
    }


def _locale_initial(organization) -> dict[str, Any]:
    return {"timezone": organization.timezone, "language": organization.language}


def _locale_apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    errors = {}
    zone = data.get("timezone") or ""
    try:
        validators.validate_timezone(zone)
    except ValidationError as exc:
        errors["timezone"] = exc.messages
    language = data.get("language")
    if language not in dict(django_settings.LANGUAGES):
        errors["language"] = [_("Choose English or Spanish.")]
    if errors:
        raise ValidationError(errors)
    settings["language"] = language
    return {"timezone": zone}


def _records_fields(organization) -> dict[str, forms.Field]:
    low, high = RETENTION_YEARS
    return {
        "audit_retention_years": forms.IntegerField(
            label=gettext_lazy("Keep the audit log for (years)"),
            min_value=low,
            max_value=high,
            help_text=gettext_lazy("Six years at least, the period HIPAA asks records of this kind to be kept."),
            # Said why, not only Django's bare "greater than or equal to 6".
            error_messages={
                "min_value": gettext_lazy("Audit records are kept at least six years (HIPAA): enter 6 or more.")
            },
        )
    }


def _records_initial(organization) -> dict[str, Any]:
    return {"audit_retention_years": organization.audit_retention_years}


def _records_apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    years = data.get("audit_retention_years")
    low, high = RETENTION_YEARS
    if not isinstance(years, int) or isinstance(years, bool) or not low <= years <= high:
        raise ValidationError(
            {
                "audit_retention_years": _("Keep the audit log from %(low)d to %(high)d years.")
                % {"low": low, "high": high}
            }
        )
    settings["audit_retention_years"] = years
    return {}


SECTIONS = [
    Section(
        key="organization",
        legend=gettext_lazy("Organization"),
        order=10,
        fields=_identity_fields,
        initial=_identity_initial,
        apply=_identity_apply,
    ),
    Section(
        key="locale",
        legend=gettext_lazy("Time zone and language"),
        order=20,
        fields=_locale_fields,
        initial=_locale_initial,
        apply=_locale_apply,
    ),
    Section(
        key="records",
        legend=gettext_lazy("Records"),
        order=90,
        fields=_records_fields,
        initial=_records_initial,
        apply=_records_apply,
    ),
]
