"""The reports' filters. Every field is optional: an empty form is the report's default
(the organization's current month for dated reports), so the index can link to each one."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.billing.models import Payer
from apps.clients.models import Client, ClientLocation
from apps.core import clock
from apps.core.forms import DateInput, IsoDates
from apps.reports.selectors import payroll_weeks
from apps.staff.models import Staff

# A longer period is a background export's job (issue 26 item 5), not a page's.
MAX_DAYS = 366
# Periods widen to whole months and weeks: near year 9999 that runs off the calendar.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class DateRangeForm(IsoDates, forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            value = cleaned.get(name)
            if value and not EARLIEST <= value <= LATEST:
                self.add_error(name, _("Choose a date between 1900 and 2999."))
        today = clock.today()
        start = cleaned.get("start") or today.replace(day=1)
        end = cleaned.get("end") or clock.month_end(start)
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif (end - start).days >= MAX_DAYS:
            self.add_error("end", _("Choose a period of at most a year."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def _location_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Location"), queryset=ClientLocation.objects.order_by("name"), required=False, empty_label=_("Any")
    )


def _search_field(placeholder) -> forms.CharField:
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


class CensusForm(forms.Form):
    location = _location_field()
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Client.Status.choices])


class ClientRosterForm(CensusForm):
    q = _search_field(_("Client name or ID"))


class StaffHoursForm(DateRangeForm):
    pay_type = forms.ChoiceField(label=_("Pay type"), required=False, choices=[("", _("Any")), *Staff.PayType.choices])
    q = _search_field(_("Name or employee ID"))

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # Overtime is counted by the week: the period is the organization's whole weeks
            # it touches, and the fields and the caption say so (payroll reads them).
            cleaned["start"], cleaned["end"] = payroll_weeks(cleaned["start"], cleaned["end"])
        return cleaned


class BillingForm(DateRangeForm):
    payer = forms.ModelChoiceField(
        label=_("Payer"), queryset=Payer.objects.order_by("name"), required=False, empty_label=_("Any")
    )


class UtilizationForm(DateRangeForm):
    payer = forms.ModelChoiceField(
        label=_("Payer"), queryset=Payer.objects.order_by("name"), required=False, empty_label=_("Any")
    )
    q = _search_field(_("Client name or ID, authorization number"))


class ComplianceForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    q = _search_field(_("Name or employee ID"))

    def __init__(self, *args, **kwargs):
        from apps.staff.selectors import departments

        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Any")), *((d, d) for d in departments())]


class IncidentsForm(DateRangeForm):
    location = _location_field()


class EvvForm(DateRangeForm):
    location = _location_field()


class PhiAccessForm(DateRangeForm):
    q = _search_field(_("Client name or ID"))
