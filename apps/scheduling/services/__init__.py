"""Writes for schedules, shifts, appointments and visits. Each function is one transaction.

Shifts and appointments go through the conflict engine on every save; a blocking conflict
stops the save unless someone allowed to override gives a reason (kept as a
ConflictOverride, and in the audit log with every other change).

Split as the views are (schedules, shifts, appointments, visits, with what they share in
common); callers use `from apps.scheduling import services` and `services.x`, re-exported here.
"""

from apps.scheduling.services.appointments import (
    appointment_check,
    appointment_create,
    appointment_save,
    appointment_update,
)
from apps.scheduling.services.common import Conflicts, ensure_editable, may_pass, zone_of
from apps.scheduling.services.schedules import (
    schedule_check,
    schedule_create,
    schedule_for,
    schedule_name,
    schedule_publish,
    schedule_save,
    schedule_set_status,
    schedule_update,
)
from apps.scheduling.services.shifts import (
    shift_assign,
    shift_check,
    shift_claim,
    shift_create,
    shift_delete,
    shift_place,
    shift_save,
    shift_update,
    week_copy,
)
from apps.scheduling.services.visits import (
    calendar_feed_issue,
    calendar_feed_revoke,
    shift_is_released,
    visit_clock_in,
    visit_clock_out,
    visit_correct,
    visit_resolve,
)

__all__ = [
    "Conflicts",
    "appointment_check",
    "appointment_create",
    "appointment_save",
    "appointment_update",
    "calendar_feed_issue",
    "calendar_feed_revoke",
    "ensure_editable",
    "may_pass",
    "schedule_check",
    "schedule_create",
    "schedule_for",
    "schedule_name",
    "schedule_publish",
    "schedule_save",
    "schedule_set_status",
    "schedule_update",
    "shift_assign",
    "shift_check",
    "shift_claim",
    "shift_create",
    "shift_delete",
    "shift_is_released",
    "shift_place",
    "shift_save",
    "shift_update",
    "visit_clock_in",
    "visit_clock_out",
    "visit_correct",
    "visit_resolve",
    "week_copy",
    "zone_of",
]
