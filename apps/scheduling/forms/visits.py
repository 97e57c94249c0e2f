"""Forms for clocking in and out, visit filters, the export and corrections."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateInput, IsoDates
from apps.scheduling import selectors
from apps.scheduling.dates import SaneDates
from apps.scheduling.forms.widgets import DATETIME_FORMATS, DateTimeInput
from apps.scheduling.models import Visit


class ClockForm(forms.Form):
    """The position comes from the browser (static/js/clock.js) and is checked by the service;
    the reason is asked for only once the service says the clock event is an exception."""

    latitude = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    accuracy = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", _("Choose a reason")), *Visit.Reason.choices]
    )
    reason_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened, in a few words (required for “Other”)."),
    )

    def __init__(self, *args, need_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.need_reason = need_reason
        if need_reason:
            self.fields["reason_code"].required = True
        else:
            del self.fields["reason_code"]
            del self.fields["reason_note"]

    def clean(self):
        data = super().clean()
        if data.get("reason_code") == Visit.Reason.OTHER and not (data.get("reason_note") or "").strip():
            self.add_error("reason_note", _("Say what happened."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "latitude": data.get("latitude") or None,
            "longitude": data.get("longitude") or None,
            "accuracy": data.get("accuracy") or None,
            "reason_code": data.get("reason_code", ""),
            "reason_note": data.get("reason_note", ""),
        }


class VisitFilterForm(SaneDates, IsoDates, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            (selectors.EXCEPTIONS_ONLY, _("With exceptions, reviewed or not")),
            *Visit.Status.choices,
        ],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        # Said, not silently answered with "no visits match".
        if start and end and end < start:
            self.add_error("date_to", _("The end comes before the start."))
        return data


class ExportForm(SaneDates, IsoDates, forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end comes before the start."))
        elif start and end and (end - start).days > 366:
            self.add_error("date_to", _("Export at most a year at a time."))
        return data


class VisitCorrectionForm(SaneDates, forms.Form):
    clock_in_at = forms.DateTimeField(
        label=_("Clocked in"), input_formats=DATETIME_FORMATS, widget=DateTimeInput(), required=False
    )
    clock_out_at = forms.DateTimeField(
        label=_("Clocked out"), input_formats=DATETIME_FORMATS, widget=DateTimeInput(), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitResolveForm(forms.Form):
    resolution_note = forms.CharField(
        label=_("Why the visit is accepted"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the visit and in the audit log."),
    )
