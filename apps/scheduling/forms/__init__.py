"""Scheduling's forms, split as its views are: shifts and schedules, appointments, visits."""

from apps.scheduling.forms.appointments import AppointmentForm
from apps.scheduling.forms.shifts import (
    AssignForm,
    AutomaticName,
    CopyWeekForm,
    QuickAddForm,
    ScheduleForm,
    ShiftForm,
)
from apps.scheduling.forms.visits import (
    ClockForm,
    ExportForm,
    VisitCorrectionForm,
    VisitFilterForm,
    VisitResolveForm,
)

__all__ = [
    "AppointmentForm",
    "AssignForm",
    "AutomaticName",
    "ClockForm",
    "CopyWeekForm",
    "ExportForm",
    "QuickAddForm",
    "ScheduleForm",
    "ShiftForm",
    "VisitCorrectionForm",
    "VisitFilterForm",
    "VisitResolveForm",
]
