"""Shifts: placing their times, the checks before a save (editable schedule, completion by
visits, the conflict engine), saving (a new shift or changes, by their values; shift_save for
an instance the service or the Django admin built), assigning, deleting, claiming an open
shift, copying a week."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.scheduling import conflicts, dates, timing
from apps.scheduling.models import Schedule, Service, Shift, Visit
from apps.scheduling.services.common import (
    Conflicts,
    ensure_editable,
    existing_schedule,
    keep_overrides,
    may_pass,
    zone_of,
)
from apps.scheduling.services.schedules import schedule_for

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.clients.models import Client, ClientLocation
    from apps.staff.models import Staff
    from apps.tenants.models import Organization


def shift_place(shift: Shift, *, organization) -> None:
    """Work out the shift's instants, and check its breaks and meals fall inside it."""
    if not dates.in_range(shift.shift_date):
        raise ValidationError({"shift_date": dates.out_of_range_message()})
    if shift.start_time == shift.end_time:
        # Read as "the same time the next day" it became a 24-hour shift nobody meant.
        raise ValidationError({"end_time": _("The shift must end at a different time from its start.")})
    zone = zone_of(organization)
    shift.starts_at, shift.ends_at = timing.bounds(shift.shift_date, shift.start_time, shift.end_time, zone)
    errors = {}
    for name, start, end in (
        ("break_start", shift.break_start, shift.break_end),
        ("meal_start", shift.meal_start, shift.meal_end),
    ):
        if (start is None) != (end is None):
            errors[name] = _("Give both the start and the end, or neither.")
        elif start is not None and end is not None:
            inner = timing.inner_bounds(shift.shift_date, shift.start_time, start, end, zone)
            if not timing.contains((shift.starts_at, shift.ends_at), inner):
                errors[name] = _("It must fall inside the shift.")
    if shift.schedule is not None and not (shift.schedule.start_date <= shift.shift_date <= shift.schedule.end_date):
        errors["shift_date"] = _("The date is outside the schedule (%(start)s to %(end)s).") % {
            "start": date_format(shift.schedule.start_date, "DATE_FORMAT"),
            "end": date_format(shift.schedule.end_date, "DATE_FORMAT"),
        }
    if errors:
        raise ValidationError(errors)


def shift_check(*, shift: Shift, actor, organization, override_reason: str = "") -> list[conflicts.Finding]:
    """Everything shift_save checks, without saving (the admin's form runs it too): the
    schedules the shift leaves and joins must be editable, its times must hold, and a
    blocking conflict needs an allowed override (else Conflicts). Returns the findings."""
    if shift.schedule_id:
        ensure_editable(Schedule.objects.select_for_update().get(pk=shift.schedule_id), actor)
    elif shift.shift_date is not None and dates.in_range(shift.shift_date):
        # The schedule shift_save will put it in (the admin's form checks before saving).
        ensure_editable(existing_schedule(location=shift.location, day=shift.shift_date), actor)
    if not shift._state.adding:
        before = Shift.objects.select_related("schedule").get(pk=shift.pk)
        if before.schedule_id != shift.schedule_id:
            ensure_editable(before.schedule, actor)
        if shift.status == Shift.Status.COMPLETED != before.status:
            # Completed by its visits' verification (or resolution), not by editing the shift:
            # every visit verified, and at least one.
            statuses = set(Visit.objects.filter(shift=shift).values_list("status", flat=True))
            if not statuses:
                raise ValidationError(
                    {"status": _("Nobody clocked in to this shift: it is completed by a verified visit.")}
                )
            if statuses != {Visit.Status.VERIFIED}:
                message = _("A visit of this shift is open or has exceptions: resolve it on the visit's page first.")
                raise ValidationError({"status": message})
    shift_place(shift, organization=organization)
    (findings,) = conflicts.check([shift], organization=organization)
    if not may_pass(findings, actor=actor, reason=override_reason):
        raise Conflicts(findings)
    return findings


@transaction.atomic
def shift_save(*, shift: Shift, actor, organization, override_reason: str = "") -> list[conflicts.Finding]:
    """Save the shift if nothing blocks it (or a reason overrides); returns the findings
    (warnings stay visible on the shift's page). A shift given no schedule joins its
    location's schedule for its week."""
    if shift.schedule_id is None:
        if not dates.in_range(shift.shift_date):
            raise ValidationError({"shift_date": dates.out_of_range_message()})
        shift.schedule = schedule_for(
            location=shift.location, day=shift.shift_date, organization=organization, actor=actor
        )
    findings = shift_check(shift=shift, actor=actor, organization=organization, override_reason=override_reason)
    shift.full_clean(exclude=["starts_at", "ends_at"])
    shift.save()
    keep_overrides(findings, actor=actor, reason=override_reason, shift=shift)
    return findings


@transaction.atomic
def shift_create(
    *,
    actor: User,
    organization: Organization,
    override_reason: str = "",
    shift_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    location: ClientLocation | None = None,
    staff: Staff | None = None,
    client: Client | None = None,
    service: Service | None = None,
    schedule: Schedule | None = None,
    status: str = Shift.Status.SCHEDULED,
    shift_type: str = Shift.Type.REGULAR,
    is_mandatory: bool = False,
    break_start: dt.time | None = None,
    break_end: dt.time | None = None,
    meal_start: dt.time | None = None,
    meal_end: dt.time | None = None,
    notes: str = "",
) -> tuple[Shift, list[conflicts.Finding]]:
    """A new shift, saved as shift_save saves one; returns it with the findings."""
    shift = Shift(
        shift_date=shift_date,
        start_time=start_time,
        end_time=end_time,
        location=location,
        staff=staff,
        client=client,
        service=service,
        schedule=schedule,
        status=status,
        shift_type=shift_type,
        is_mandatory=is_mandatory,
        break_start=break_start,
        break_end=break_end,
        meal_start=meal_start,
        meal_end=meal_end,
        notes=notes,
    )
    return shift, shift_save(shift=shift, actor=actor, organization=organization, override_reason=override_reason)


@transaction.atomic
def shift_update(
    *,
    shift: Shift,
    actor: User,
    organization: Organization,
    override_reason: str = "",
    shift_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    location: ClientLocation | None,
    staff: Staff | None,
    client: Client | None,
    service: Service | None,
    schedule: Schedule | None,
    status: str,
    shift_type: str,
    is_mandatory: bool,
    break_start: dt.time | None,
    break_end: dt.time | None,
    meal_start: dt.time | None,
    meal_end: dt.time | None,
    notes: str,
) -> list[conflicts.Finding]:
    """Change a shift to these values, checked and saved as shift_save does; returns the findings."""
    shift.shift_date, shift.start_time, shift.end_time = shift_date, start_time, end_time
    shift.location, shift.staff, shift.client, shift.service = location, staff, client, service
    shift.schedule, shift.status, shift.shift_type, shift.is_mandatory = schedule, status, shift_type, is_mandatory
    shift.break_start, shift.break_end, shift.meal_start, shift.meal_end = break_start, break_end, meal_start, meal_end
    shift.notes = notes
    return shift_save(shift=shift, actor=actor, organization=organization, override_reason=override_reason)


@transaction.atomic
def shift_assign(*, shift: Shift, staff: Staff, actor: User, organization: Organization) -> list[conflicts.Finding]:
    """Give the shift to someone, if nothing blocks it (no override here: that is the shift's form)."""
    shift.staff = staff
    return shift_save(shift=shift, actor=actor, organization=organization)


@transaction.atomic
def shift_delete(*, shift: Shift, actor) -> None:
    if shift.schedule_id:
        ensure_editable(Schedule.objects.select_for_update().get(pk=shift.schedule_id), actor)
    if shift.visits.exists():
        raise ValidationError(_("Someone clocked in on this shift: cancel it instead of deleting it."))
    shift.delete()


@transaction.atomic
def shift_claim(*, shift: Shift, staff, organization, actor) -> list[conflicts.Finding]:
    """A staff member takes an open shift: only while it is open, and only without a blocking
    conflict (nobody overrides their own)."""
    shift = Shift.objects.select_for_update(of=("self",)).select_related("schedule").get(pk=shift.pk)
    if shift.staff_id is not None and shift.staff_id == staff.pk:
        raise ValidationError(_("You have already taken this shift."))
    if shift.staff_id is not None:
        raise ValidationError(_("Someone else has just taken this shift."))
    if shift.schedule is None or shift.schedule.status != Schedule.Status.PUBLISHED:
        raise ValidationError(_("This shift is not offered: its schedule is not published."))
    if shift.status in conflicts.INACTIVE_SHIFT or shift.ends_at <= timezone.now():
        raise ValidationError(_("This shift is no longer open."))
    shift.staff = staff
    return shift_save(shift=shift, actor=actor, organization=organization)


@transaction.atomic
def week_copy(
    *, source_start: dt.date, target_start: dt.date, location=None, schedule: Schedule | None, actor, organization
) -> int:
    """Copy a week's shifts (of one location, or all) seven-day-aligned to another week, into
    `schedule` (a draft; a location's schedule takes that location's shifts only): same people,
    times, breaks. Copies that would conflict are created
    open instead of double-booking someone, so a copy never stops halfway."""
    if schedule is not None:
        ensure_editable(schedule, actor)
        if schedule.location_id is not None and (location is None or location.pk != schedule.location_id):
            raise ValidationError({"location": _("Only shifts of this schedule's location can be copied into it.")})
    shifts = Shift.objects.filter(
        shift_date__gte=source_start, shift_date__lt=source_start + dt.timedelta(days=7)
    ).exclude(status=Shift.Status.CANCELLED)
    if location is not None:
        shifts = shifts.filter(location=location)
    shift_by = target_start - source_start
    copies = []
    for s in shifts:
        copy = Shift(
            schedule=schedule,
            staff_id=s.staff_id,
            location_id=s.location_id,
            client_id=s.client_id,
            service_id=s.service_id,
            shift_date=s.shift_date + shift_by,
            start_time=s.start_time,
            end_time=s.end_time,
            break_start=s.break_start,
            break_end=s.break_end,
            meal_start=s.meal_start,
            meal_end=s.meal_end,
            shift_type=s.shift_type,
            is_mandatory=s.is_mandatory,
            notes=s.notes,
        )
        shift_place(copy, organization=organization)
        copies.append(copy)
    for copy, findings in zip(copies, conflicts.check(copies, organization=organization), strict=True):
        if any(f.blocking for f in findings):
            copy.staff_id = None
    for copy in copies:
        if copy.schedule is None:
            copy.schedule = schedule_for(
                location=copy.location, day=copy.shift_date, organization=organization, actor=actor
            )
            ensure_editable(copy.schedule, actor)
        copy.save()
    return len(copies)
