"""Admin autocomplete fields that survive a posted value which is not an id.

Django's AutocompleteSelect redraws a refused form by looking up the posted values in the
related table; a value its primary key cannot hold ("z" for a UUID) raises ValidationError
there, while the page is rendered: a 500 instead of the form's own "Select a valid choice".
Values that cannot be an id are left out of that lookup, so the field shows empty with its
error.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _OnlyIds:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        kept = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            kept.append(item)
        return super().optgroups(name, kept, attr)  # type: ignore[misc]


class LenientAutocompleteSelect(_OnlyIds, AutocompleteSelect):
    pass


class LenientAutocompleteSelectMultiple(_OnlyIds, AutocompleteSelectMultiple):
    pass


class LenientAutocomplete:
    """Mixed into a ModelAdmin or an inline that has `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = LenientAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = LenientAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
