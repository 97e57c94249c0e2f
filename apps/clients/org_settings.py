"""The clients' fieldset on the organization settings page (apps/tenants/settings_sections.py):
the client ID pattern and the care plans' two-person rule, in settings["clients"] where
services.id_pattern and services.two_person_rule read them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from apps.clients import services
from apps.tenants.settings_sections import Section


def _fields(organization) -> dict[str, forms.Field]:
    return {
        "id_pattern": forms.CharField(
            label=gettext_lazy("Client ID pattern"),
            max_length=services.ID_PATTERN_MAX_LENGTH,
            help_text=gettext_lazy(
                "New clients' IDs: {number} is the next number ({number:05d} pads it to five digits),"
                " {year} the current year. For example C{number:05d} or {year}-{number:04d}."
            ),
        ),
        "two_person_rule": forms.BooleanField(
            label=gettext_lazy("Care plans need a second person's approval"),
            required=False,
            help_text=gettext_lazy("The plan's author cannot approve it."),
        ),
    }


def _initial(organization) -> dict[str, Any]:
    return {
        "id_pattern": services.id_pattern(organization),
        "two_person_rule": services.two_person_rule(organization),
    }


def _apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    try:
        pattern = services.id_pattern_check(data.get("id_pattern") or "")
    except ValidationError as exc:
        raise ValidationError({"id_pattern": exc.messages}) from None
    section = settings.get("clients")
    settings["clients"] = {
        **(section if isinstance(section, dict) else {}),
        "id_pattern": pattern,
        "two_person_rule": bool(data.get("two_person_rule")),
    }
    return {}


SECTIONS = [
    Section(
        key="clients",
        legend=gettext_lazy("Clients and care plans"),
        order=60,
        fields=_fields,
        initial=_initial,
        apply=_apply,
    )
]
