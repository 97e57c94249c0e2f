"""The settings page's one form, made of the sections' fields (apps/tenants/settings_sections.py)."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import add_errors
from apps.tenants.settings_sections import Section


class OrganizationSettingsForm(forms.Form):
    def __init__(self, data=None, *, organization, sections: list[Section]):
        initial = {}
        for section in sections:
            initial.update(section.initial(organization))
        super().__init__(data, initial=initial)
        self.organization = organization
        self.sections = sections
        self._names: list[tuple[Section, list[str]]] = []
        for section in sections:
            fields = section.fields(organization)
            taken = set(fields) & set(self.fields)
            if taken:
                raise ValueError(f"section {section.key} reuses field names: {sorted(taken)}")
            self.fields.update(fields)
            self._names.append((section, list(fields)))

    def clean(self):
        """Each section's own checks too, where its fields passed the form's: every refusal
        shows at once, not the service's only after the form's are fixed. (The service runs
        them again: it does not trust its caller.)"""
        cleaned = super().clean()
        for section, names in self._names:
            if any(name in self.errors for name in names):
                continue
            try:
                section.apply(
                    organization=self.organization,
                    settings=copy.deepcopy(self.organization.settings or {}),
                    data=cleaned,
                )
            except ValidationError as exc:
                add_errors(self, exc)
        return cleaned

    def fieldsets(self) -> list[tuple[Section, list[forms.BoundField]]]:
        """Each section with its bound fields, for the template's <fieldset>s."""
        return [(section, [self[name] for name in names]) for section, names in self._names]
