"""Default scheduling permissions for the system roles (see apps/accounts/roles.py).

Schedulers and program managers build and publish schedules and may override a blocking
conflict with a reason; changing a locked schedule is the administrators' (they hold every
permission). Direct support staff and nurses see their own shifts (no model permission:
their pages are filtered to themselves), claim open shifts and clock in and out.
"""

from apps.accounts import roles

_PLAN = [
    # Spelled out: "*_schedule" would also match change_locked_schedule, which is the admins'.
    "scheduling.view_schedule",
    "scheduling.add_schedule",
    "scheduling.change_schedule",
    "scheduling.delete_schedule",
    "scheduling.publish_schedule",
    "scheduling.*_shift",
    "scheduling.override_conflict",
    "scheduling.*_appointment",
    "scheduling.view_service",
    "scheduling.view_visit",
    "scheduling.correct_visit",
    "scheduling.verify_visit",
    "scheduling.view_visitcorrection",
    "scheduling.view_conflictoverride",
]

DEFAULT_PERMISSIONS = {
    roles.SCHEDULER: _PLAN,
    roles.PROGRAM_MANAGER: [*_PLAN, "scheduling.*_service"],
    roles.DIRECT_SUPPORT: ["scheduling.claim_shift"],
    roles.NURSE: ["scheduling.claim_shift"],
    roles.BILLING: ["scheduling.view_visit", "scheduling.view_service"],
    # HR invites and manages direct support staff and nurses, and may give only roles whose
    # permissions it holds itself.
    roles.HR_MANAGER: ["scheduling.claim_shift"],
}
