"""The upload limit's fieldset on the organization settings page
(apps/tenants/settings_sections.py), stored in settings["files"]["max_upload_mb"] where
services.max_upload_bytes reads it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.files import services
from apps.tenants.settings_sections import Section

# Uploads stream to storage, so memory does not bound this; a request that runs for minutes
# on a phone's connection does.
MAX_UPLOAD_MB = (1, 200)


def _fields(organization) -> dict[str, forms.Field]:
    low, high = MAX_UPLOAD_MB
    return {
        "max_upload_mb": forms.IntegerField(
            label=gettext_lazy("Largest upload (MB)"),
            min_value=low,
            max_value=high,
            help_text=gettext_lazy("One file; a larger one is refused with the reason."),
        )
    }


def _initial(organization) -> dict[str, Any]:
    return {"max_upload_mb": services.max_upload_bytes(organization) // (1024 * 1024)}


def _apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    megabytes = data.get("max_upload_mb")
    low, high = MAX_UPLOAD_MB
    if not isinstance(megabytes, int) or isinstance(megabytes, bool) or not low <= megabytes <= high:
        raise ValidationError({"max_upload_mb": _("Choose from %(low)d to %(high)d MB.") % {"low": low, "high": high}})
    section = settings.get("files")
    settings["files"] = {**(section if isinstance(section, dict) else {}), "max_upload_mb": megabytes}
    return {}


SECTIONS = [
    Section(key="files", legend=gettext_lazy("Files"), order=50, fields=_fields, initial=_initial, apply=_apply)
]
