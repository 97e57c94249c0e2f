"""What the scheduling services share: the Conflicts answer and the override that lets one
through, the organization's zone, and the schedule locks (a schedule's row, or the place's
transaction lock while it has none yet)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from apps.accounts.permissions import can
from apps.core.tenancy import schema_name
from apps.scheduling import conflicts
from apps.scheduling.models import (
    ConflictOverride,
    Schedule,
    Shift,
)


class Conflicts(ValidationError):
    """A save refused for blocking conflicts; `findings` holds every finding (errors and
    warnings) so the page can show them and offer the override."""

    def __init__(self, findings: list[conflicts.Finding], *, shifts: list[Shift] | None = None):
        self.findings = findings
        # Publishing: the shift each finding is about, in the same order.
        self.shifts = shifts or []
        super().__init__([f.message for f in findings if f.blocking])

    @property
    def by_shift(self) -> list[tuple[Shift, conflicts.Finding]]:
        return list(zip(self.shifts, self.findings, strict=True))


def zone_of(organization) -> ZoneInfo:
    return ZoneInfo(getattr(organization, "timezone", "") or "UTC")


def ensure_editable(schedule: Schedule | None, actor) -> None:
    if schedule is None:
        return
    if schedule.status == Schedule.Status.ARCHIVED:
        raise ValidationError(_("This schedule is archived and can no longer change."))
    if schedule.status == Schedule.Status.LOCKED and not can(actor, "scheduling.change_locked_schedule"):
        raise PermissionDenied(_("This schedule is locked: only an administrator can change it."))


def may_pass(findings, *, actor, reason: str) -> bool:
    """Nothing blocks, or a reason from someone allowed to override lets it through."""
    if not any(f.blocking for f in findings):
        return True
    return bool((reason or "").strip()) and can(actor, "scheduling.override_conflict")


def keep_overrides(findings, *, actor, reason: str, shift=None, appointment=None) -> None:
    """Keep each overridden conflict (saved one by one, so each lands in the audit log with
    who and why). Callers have checked may_pass()."""
    for f in findings:
        if f.blocking:
            ConflictOverride.objects.create(
                shift=shift, appointment=appointment, code=f.code, message=f.message, reason=reason.strip(), actor=actor
            )


def existing_schedule(*, location, day: dt.date) -> Schedule | None:
    return (
        Schedule.objects.select_for_update()
        # An archived week is found too, so a shift added to it is refused (archived schedules
        # change no more) instead of starting a second schedule beside it.
        .filter(location=location, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date", "created_at", "pk")
        .first()
    )


def lock_schedules_of(location) -> None:
    """Two shifts saved at once for the same place must not each make a draft for their week
    (the second would never be published), nor two schedules be saved over the same days:
    with no schedule row to lock yet, a transaction lock on the place (None: agency-wide)
    serialises them until the first one commits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"{schema_name()}:schedules:{location.pk if location else '-'}"],
        )
