"""A form mixin for billing's date ranges (coverage, rates)."""

from __future__ import annotations

from django.utils.translation import gettext as _


class EndNotBeforeStart:
    """An end date before the start date is said next to the end date. Left to the table's
    constraint, a ModelForm reports it above the form, on no field."""

    date_range: tuple[str, str] = ("start_date", "end_date")

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        start_name, end_name = self.date_range
        start, end = data.get(start_name), data.get(end_name)
        if start and end and end < start:
            self.add_error(end_name, _("The end date cannot be before the start date."))  # type: ignore[attr-defined]
        return data
