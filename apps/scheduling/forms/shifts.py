"""Forms for shifts, quick-add on the week grid, schedules and copying a week."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.clients.models import Client, ClientLocation
from apps.core.forms import DateInput, IsoDates
from apps.scheduling import selectors
from apps.scheduling.dates import SaneDates
from apps.scheduling.forms.widgets import TimeInput
from apps.scheduling.models import Schedule, Service, Shift

TIME_FIELDS = ("start_time", "end_time", "break_start", "break_end", "meal_start", "meal_end")


class ShiftForm(SaneDates, IsoDates, forms.ModelForm):
    class Meta:
        model = Shift
        fields = [
            "shift_date",
            "start_time",
            "end_time",
            "staff",
            "location",
            "client",
            "service",
            "schedule",
            "status",
            "shift_type",
            "is_mandatory",
            "break_start",
            "break_end",
            "meal_start",
            "meal_end",
            "notes",
        ]
        widgets = {"shift_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})} | {
            name: TimeInput() for name in TIME_FIELDS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = selectors.schedulable_staff()
        self.fields["staff"].label_from_instance = selectors.staff_label
        self.fields["staff"].empty_label = _("Open (nobody yet)")
        self.fields["location"].queryset = selectors.active_locations()
        self.fields["client"].queryset = Client.objects.exclude(status__in=Client.CLOSED).only(
            "pk", "first_name", "preferred_name", "last_name"
        )
        self.fields["service"].queryset = Service.objects.filter(is_active=True)
        # The location too: a schedule's name in the picker may be rebuilt from it (display_name).
        self.fields["schedule"].queryset = Schedule.objects.exclude(status=Schedule.Status.ARCHIVED).select_related(
            "location"
        )
        for name in TIME_FIELDS:
            self.fields[name].input_formats = ["%H:%M", "%H:%M:%S"]


class QuickAddForm(SaneDates, IsoDates, forms.Form):
    """One day's small form on the week grid: a time range, and a person or nobody (open)."""

    shift_date = forms.DateField(label=_("Date"), widget=forms.HiddenInput)
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=ClientLocation.objects.all(), widget=forms.HiddenInput
    )
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput(), input_formats=["%H:%M", "%H:%M:%S"])
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput(), input_formats=["%H:%M", "%H:%M:%S"])
    # Typed or picked from the page's one list of staff (a datalist of employee IDs): the same
    # 500 names in seven selects made the week grid half a megabyte.
    staff = forms.CharField(
        label=_("Staff"),
        required=False,
        max_length=200,
    )

    def clean_staff(self):
        text = self.cleaned_data.get("staff", "")
        if not text.strip():
            return None
        found = selectors.find_staff(text)
        if not found:
            raise forms.ValidationError(_("No current staff member has this name or employee ID."))
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several people are called %(name)s: type the employee ID of the one you mean (%(people)s).")
                % {"name": text.strip(), "people": "; ".join(selectors.staff_label(s) for s in found)}
            )
        return found[0]

    def labelled_errors(self) -> list[str]:
        """Each error after its field's name ("Starts: This field is required."): the day's cell
        and the message without htmx list them away from the fields."""
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else str(message)
            for name, messages in self.errors.items()
            for message in messages
        ]


class AssignForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member to assign"), queryset=selectors.schedulable_staff())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].label_from_instance = selectors.staff_label


class AutomaticName:
    """For a schedule's model form: an automatic name is edited as the reader sees it (their
    language); left as shown, it stays automatic, changed, it becomes the typed name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_name = self.instance.display_name if self.instance.name_is_automatic else None
        if self.shown_name is not None:
            self.initial["schedule_name"] = self.shown_name

    def clean(self):
        data = super().clean()
        if self.shown_name is not None and data.get("schedule_name") not in (None, self.shown_name):
            self.instance.name_is_automatic = False
        elif self.shown_name is not None and "schedule_name" in data:
            # Unchanged: keep the stored name, not the reader's rendering of it.
            data["schedule_name"] = self.instance.schedule_name
        # The decision, as a cleaned value for the service (schedule_update).
        data["name_is_automatic"] = self.instance.name_is_automatic
        return data


class ScheduleForm(AutomaticName, SaneDates, IsoDates, forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["schedule_name", "schedule_type", "start_date", "end_date", "location", "notes"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = selectors.active_locations()
        self.fields["location"].empty_label = _("Agency-wide")


class CopyWeekForm(SaneDates, IsoDates, forms.Form):
    source_start = forms.DateField(
        label=_("Copy the week starting"), widget=DateInput(), help_text=_("The first day of the week to copy.")
    )
    target_start = forms.DateField(
        label=_("Into the week starting"),
        widget=DateInput(),
        help_text=_("Each shift moves by the same number of days; the new dates must fall inside the schedule."),
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=ClientLocation.objects.none(), required=False, empty_label=_("All locations")
    )

    def __init__(self, *args, schedule: Schedule, **kwargs):
        super().__init__(*args, **kwargs)
        location = self.fields["location"]
        assert isinstance(location, forms.ModelChoiceField)
        if schedule.location_id is None:
            location.queryset = selectors.active_locations()
        else:
            # A location's schedule holds that location's shifts only.
            location.queryset = ClientLocation.objects.filter(pk=schedule.location_id)
            location.required, location.empty_label = True, None
            location.initial = schedule.location_id

    def clean(self):
        data = super().clean()
        source, target = data.get("source_start"), data.get("target_start")
        if source and target and source == target:
            self.add_error("target_start", _("Choose a different week from the one copied."))
        return data
