"""The scheduling rules' fieldset on the organization settings page
(apps/tenants/settings_sections.py): every field of rules.Rules, within rules.LIMITS, stored
in settings["scheduling"] where rules.for_organization reads them."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.scheduling import rules
from apps.tenants.settings_sections import Section

LABELS = {
    "geofence_m": gettext_lazy("Clock-in distance (metres)"),
    "max_accuracy_m": gettext_lazy("Least location accuracy accepted (metres)"),
    "early_late_minutes": gettext_lazy("Early or late clock-in allowed (minutes)"),
    "min_visit_minutes": gettext_lazy("Shortest visit (minutes)"),
    "min_rest_hours": gettext_lazy("Least rest between shifts (hours)"),
    "overtime_hours": gettext_lazy("Overtime after (hours a week)"),
    "week_start": gettext_lazy("Week starts on"),
    "reminder_hours": gettext_lazy("Appointment reminders (hours before)"),
}
HELP = {
    "geofence_m": gettext_lazy("A clock-in further than this from the client's address is an exception."),
    "max_accuracy_m": gettext_lazy("A position less precise than this cannot prove presence."),
    "week_start": gettext_lazy("For overtime and the schedule's weeks."),
}

ERRORS = {
    "min_visit_minutes": {
        "min_value": gettext_lazy("Enter at least 1 minute: with 0, no visit would ever count as too short."),
    },
}


def _fields(organization) -> dict[str, forms.Field]:
    found: dict[str, forms.Field] = {}
    for field in dataclass_fields(rules.Rules):
        low, high = rules.LIMITS[field.name]
        if field.name == "week_start":
            found[field.name] = forms.TypedChoiceField(
                label=LABELS[field.name], choices=list(WEEKDAYS.items()), coerce=int, help_text=HELP[field.name]
            )
            continue
        # Whole numbers where the default is one: rules.for_organization reads those as int,
        # so 9.5 hours would quietly become 9.
        kind = forms.IntegerField if isinstance(field.default, int) else forms.FloatField
        found[field.name] = kind(
            label=LABELS[field.name],
            min_value=low,
            max_value=high,
            help_text=HELP.get(field.name, ""),
            error_messages=ERRORS.get(field.name),
        )
    return found


def _initial(organization) -> dict[str, Any]:
    current = rules.for_organization(organization)
    return {field.name: getattr(current, field.name) for field in dataclass_fields(rules.Rules)}


def _apply(*, organization, settings: dict, data: dict) -> dict[str, Any]:
    section = dict(settings.get("scheduling") or {}) if isinstance(settings.get("scheduling"), dict) else {}
    errors = {}
    for field in dataclass_fields(rules.Rules):
        value = data.get(field.name)
        low, high = rules.LIMITS[field.name]
        whole = isinstance(field.default, int)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not low <= value <= high
            or (whole and value != int(value))
        ):
            errors[field.name] = [_("Choose from %(low)s to %(high)s.") % {"low": low, "high": high}]
            continue
        # As rules.for_organization reads it: a whole number stays one.
        section[field.name] = int(value) if whole else float(value)
    if errors:
        raise ValidationError(errors)
    settings["scheduling"] = section
    return {}


SECTIONS = [
    Section(
        key="scheduling",
        legend=gettext_lazy("Scheduling and visit verification"),
        order=40,
        fields=_fields,
        initial=_initial,
        apply=_apply,
    )
]
