"""The appointment form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.scheduling import selectors
from apps.scheduling.dates import SaneDates
from apps.scheduling.forms.widgets import DATETIME_FORMATS, DateTimeInput
from apps.scheduling.models import Appointment


class AppointmentForm(SaneDates, forms.ModelForm):
    class Meta:
        model = Appointment
        fields = [
            "client",
            "title",
            "appointment_type",
            "start_datetime",
            "end_datetime",
            "location",
            "staff",
            "requires_transport",
            "transport_staff",
            "status",
            "description",
            "notes",
        ]
        widgets = {
            "start_datetime": DateTimeInput(),
            "end_datetime": DateTimeInput(),
            "location": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients.only("pk", "first_name", "preferred_name", "last_name")
        for name in ("staff", "transport_staff"):
            self.fields[name].queryset = selectors.schedulable_staff()
            self.fields[name].label_from_instance = selectors.staff_label
        # Awaiting review is a shift's state after a visit with exceptions, not an appointment's.
        self.fields["status"].choices = [
            choice for choice in self.fields["status"].choices if choice[0] != Appointment.Status.NEEDS_REVIEW
        ]
        self.fields["staff"].help_text = _("Who goes with the client.")
        self.fields["transport_staff"].help_text = _("Who drives, when the client needs transport.")
        for name in ("start_datetime", "end_datetime"):
            self.fields[name].input_formats = DATETIME_FORMATS

    def clean(self):
        data = super().clean()
        if data.get("requires_transport") and not data.get("transport_staff"):
            self.add_error("transport_staff", _("Choose who drives."))
        start, end = data.get("start_datetime"), data.get("end_datetime")
        if start and end and end <= start:
            self.add_error("end_datetime", _("The end must come after the start."))
        return data
