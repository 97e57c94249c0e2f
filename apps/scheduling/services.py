"""Writes for schedules, shifts, appointments and visits. Each function is one transaction.

Shifts and appointments go through the conflict engine on every save; a blocking conflict
stops the save unless someone allowed to override gives a reason (kept as a
ConflictOverride, and in the audit log with every other change).
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.permissions import can
from apps.scheduling import conflicts, dates, evv, timing
from apps.scheduling import rules as org_rules
from apps.scheduling.models import (
    Appointment,
    CalendarFeed,
    ConflictOverride,
    Schedule,
    Shift,
    Visit,
    VisitCorrection,
    automatic_schedule_name,
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


# --- shifts -------------------------------------------------------------------------------------


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
        elif start is not None:
            inner = timing.inner_bounds(shift.shift_date, shift.start_time, start, end, zone)
            if not timing.contains((shift.starts_at, shift.ends_at), inner):
                errors[name] = _("It must fall inside the shift.")
    if shift.schedule_id and not (shift.schedule.start_date <= shift.shift_date <= shift.schedule.end_date):
        errors["shift_date"] = _("The date is outside the schedule (%(start)s to %(end)s).") % {
            "start": date_format(shift.schedule.start_date, "DATE_FORMAT"),
            "end": date_format(shift.schedule.end_date, "DATE_FORMAT"),
        }
    if errors:
        raise ValidationError(errors)


def _check_editable(schedule: Schedule | None, actor) -> None:
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


def _override(findings, *, actor, reason: str, shift=None, appointment=None) -> None:
    """Keep each overridden conflict (saved one by one, so each lands in the audit log with
    who and why). Callers have checked may_pass()."""
    for f in findings:
        if f.blocking:
            ConflictOverride.objects.create(
                shift=shift, appointment=appointment, code=f.code, message=f.message, reason=reason.strip(), actor=actor
            )


def shift_check(*, shift: Shift, actor, organization, override_reason: str = "") -> list[conflicts.Finding]:
    """Everything shift_save checks, without saving (the admin's form runs it too): the
    schedules the shift leaves and joins must be editable, its times must hold, and a
    blocking conflict needs an allowed override (else Conflicts). Returns the findings."""
    if shift.schedule_id:
        _check_editable(Schedule.objects.select_for_update().get(pk=shift.schedule_id), actor)
    elif shift.shift_date is not None and dates.in_range(shift.shift_date):
        # The schedule shift_save will put it in (the admin's form checks before saving).
        _check_editable(_existing_schedule(location=shift.location, day=shift.shift_date), actor)
    if not shift._state.adding:
        before = Shift.objects.select_related("schedule").get(pk=shift.pk)
        if before.schedule_id != shift.schedule_id:
            _check_editable(before.schedule, actor)
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


def schedule_name(location, first: dt.date) -> str:
    """The name of a schedule made for a location's week, in the active language (stored as
    made; shown through Schedule.display_name, rebuilt for each reader)."""
    return automatic_schedule_name(location, first)


def _existing_schedule(*, location, day: dt.date) -> Schedule | None:
    return (
        Schedule.objects.select_for_update()
        # An archived week is found too, so a shift added to it is refused (archived schedules
        # change no more) instead of starting a second schedule beside it.
        .filter(location=location, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date", "created_at", "pk")
        .first()
    )


def _lock_schedules_of(location) -> None:
    """Two shifts saved at once for the same place must not each make a draft for their week
    (the second would never be published), nor two schedules be saved over the same days:
    with no schedule row to lock yet, a transaction lock on the place (None: agency-wide)
    serialises them until the first one commits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"{connection.schema_name}:schedules:{location.pk if location else '-'}"],
        )


def schedule_for(*, location, day: dt.date, organization, actor) -> Schedule:
    """The schedule of the location (None: agency-wide) holding `day`, created as a draft for
    the organization's week when there is none: a shift outside every schedule was missing
    from its week and publishing told nobody about it."""
    first = timing.week_of(day, org_rules.for_organization(organization).week_start)
    _lock_schedules_of(location)
    found = _existing_schedule(location=location, day=day)
    if found is not None:
        return found
    schedule = Schedule(
        # A long location name is shortened so the name fits its column.
        schedule_name=schedule_name(location, first)[: Schedule._meta.get_field("schedule_name").max_length],
        name_is_automatic=True,
        schedule_type=Schedule.Type.WEEKLY,
        start_date=first,
        end_date=first + dt.timedelta(days=6),
        location=location,
        created_by=actor,
    )
    schedule.full_clean()
    schedule.save()
    return schedule


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
    _override(findings, actor=actor, reason=override_reason, shift=shift)
    return findings


@transaction.atomic
def shift_delete(*, shift: Shift, actor) -> None:
    if shift.schedule_id:
        _check_editable(Schedule.objects.select_for_update().get(pk=shift.schedule_id), actor)
    if shift.visits.exists():
        raise ValidationError(_("Someone clocked in on this shift: cancel it instead of deleting it."))
    shift.delete()


@transaction.atomic
def shift_claim(*, shift: Shift, staff, organization, actor) -> list[conflicts.Finding]:
    """A staff member takes an open shift: only while it is open, and only without a blocking
    conflict (nobody overrides their own)."""
    shift = Shift.objects.select_for_update(of=("self",)).select_related("schedule").get(pk=shift.pk)
    if shift.staff_id is not None:
        raise ValidationError(_("Someone has already taken this shift."))
    if shift.schedule_id is None or shift.schedule.status != Schedule.Status.PUBLISHED:
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
    `schedule` (a draft): same people, times, breaks. Copies that would conflict are created
    open instead of double-booking someone, so a copy never stops halfway."""
    if schedule is not None:
        _check_editable(schedule, actor)
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
            _check_editable(copy.schedule, actor)
        copy.save()
    return len(copies)


# --- schedules ----------------------------------------------------------------------------------


@transaction.atomic
def schedule_save(*, schedule: Schedule, actor) -> Schedule:
    if not schedule._state.adding:
        _check_editable(Schedule.objects.select_for_update().get(pk=schedule.pk), actor)
    if schedule._state.adding:
        schedule.created_by = actor
    schedule.full_clean()
    _lock_schedules_of(schedule.location)
    _refuse_overlap(schedule)
    schedule.save()
    return schedule


def _refuse_overlap(schedule: Schedule) -> None:
    """One live schedule per place and day: a second one beside a week's schedule splits its
    shifts, and publishing one would tell staff only half of the week."""
    if schedule.status == Schedule.Status.ARCHIVED:
        return
    other = (
        Schedule.objects.filter(start_date__lte=schedule.end_date, end_date__gte=schedule.start_date)
        .filter(Q(location__isnull=True) if schedule.location_id is None else Q(location_id=schedule.location_id))
        .exclude(status=Schedule.Status.ARCHIVED)
        .exclude(pk=schedule.pk)
        .order_by("start_date", "pk")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "start_date": _(
                    "“%(name)s” (%(start)s–%(end)s) already covers these days for this place. Change or "
                    "archive it instead of adding a second schedule."
                )
                % {
                    "name": other.display_name,
                    "start": date_format(other.start_date),
                    "end": date_format(other.end_date),
                }
            }
        )


def schedule_check(schedule: Schedule, *, organization) -> list[tuple[Shift, list[conflicts.Finding]]]:
    shifts = list(schedule.shifts.select_related("staff", "location").order_by("starts_at"))
    return list(zip(shifts, conflicts.check(shifts, organization=organization), strict=True))


@transaction.atomic
def schedule_publish(*, schedule: Schedule, actor, organization, override_reason: str = "") -> list:
    """Publish a draft: every shift checked together; blocking conflicts stop it unless
    overridden with a reason. The staff on it hear about it."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.status != Schedule.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    results = schedule_check(schedule, organization=organization)
    overridden = _overridden(schedule)
    blocking = [(s, f) for s, found in results for f in found if f.blocking and (s.pk, f.code) not in overridden]
    if not may_pass([f for _s, f in blocking], actor=actor, reason=override_reason):
        raise Conflicts([f for _s, f in blocking], shifts=[s for s, _f in blocking])
    for s, f in blocking:
        _override([f], actor=actor, reason=override_reason, shift=s)
    schedule.status = Schedule.Status.PUBLISHED
    schedule.approved_by = actor
    schedule.approved_at = timezone.now()
    schedule.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _tell_staff(schedule, [s for s, _f in results])
    return results


def _overridden(schedule: Schedule) -> set[tuple]:
    """(shift, rule) pairs someone already let through with a reason since the shift last
    changed: publishing does not ask for them again. A later change to the shift (another
    time, another person) makes its conflicts new ones."""
    return set(
        ConflictOverride.objects.filter(shift__schedule=schedule, created_at__gte=F("shift__updated_at")).values_list(
            "shift_id", "code"
        )
    )


def _tell_staff(schedule: Schedule, shifts: list[Shift]) -> None:
    from apps.accounts.models import User
    from apps.notifications import services as notifications
    from apps.scheduling.jobs import PUBLISHED_KIND

    user_ids = {s.staff.user_id for s in shifts if s.staff_id and s.staff.user_id}
    recipients = list(User.objects.filter(pk__in=user_ids, status=User.Status.ACTIVE))
    if recipients:
        notifications.notify(
            recipients=recipients,
            type=PUBLISHED_KIND.key,
            context={
                "schedule": schedule.display_name,
                "start": schedule.start_date.isoformat(),
                "end": schedule.end_date.isoformat(),
            },
            link="/scheduling/mine/",
            channels=["in_app", "email"],
        )


@transaction.atomic
def schedule_set_status(*, schedule: Schedule, status: str, actor) -> Schedule:
    """Lock a published schedule (no more changes but by admins), archive it, or reopen a
    locked one to published (admins)."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    allowed = {
        (Schedule.Status.PUBLISHED, Schedule.Status.LOCKED): "scheduling.publish_schedule",
        (Schedule.Status.LOCKED, Schedule.Status.PUBLISHED): "scheduling.change_locked_schedule",
        (Schedule.Status.PUBLISHED, Schedule.Status.ARCHIVED): "scheduling.publish_schedule",
        (Schedule.Status.LOCKED, Schedule.Status.ARCHIVED): "scheduling.publish_schedule",
        (Schedule.Status.DRAFT, Schedule.Status.ARCHIVED): "scheduling.change_schedule",
    }
    perm = allowed.get((schedule.status, status))
    if perm is None:
        raise ValidationError(
            _("A %(from)s schedule cannot become %(to)s.")
            % {"from": schedule.get_status_display().lower(), "to": Schedule.Status(status).label.lower()}
        )
    if not can(actor, perm):
        raise PermissionDenied
    schedule.status = status
    schedule.save(update_fields=["status", "updated_at"])
    return schedule


# --- appointments -------------------------------------------------------------------------------


def _appointment_as_shift(appointment: Appointment, staff_id) -> Shift:
    """The conflict engine speaks shifts: a driver's or escort's appointment is busy time."""
    local = timezone.localtime(appointment.start_datetime)
    return Shift(
        staff_id=staff_id,
        shift_date=local.date(),
        start_time=local.time(),
        end_time=timezone.localtime(appointment.end_datetime).time(),
        starts_at=appointment.start_datetime,
        ends_at=appointment.end_datetime,
    )


def _check_appointment_dates(appointment: Appointment) -> None:
    errors = {
        name: dates.out_of_range_message()
        for name in ("start_datetime", "end_datetime")
        if not dates.in_range(getattr(appointment, name))
    }
    if errors:
        raise ValidationError(errors)


def appointment_check(*, appointment: Appointment, actor, organization, override_reason: str = "") -> list:
    """What appointment_save checks, without saving: its staff member and its driver must be
    free (double-booking and status, as for shifts; the shift-only rules do not apply)."""
    _check_appointment_dates(appointment)
    driver = appointment.transport_staff_id if appointment.requires_transport else None
    people = {appointment.staff_id, driver} - {None}
    if appointment.status in conflicts.INACTIVE_SHIFT or not people:
        return []
    with timezone.override(zone_of(organization)):
        probes = [_appointment_as_shift(appointment, person) for person in sorted(people, key=str)]
        results = conflicts.check(
            probes,
            organization=organization,
            exclude_appointment=None if appointment._state.adding else appointment.pk,
        )
    findings = [f for found in results for f in found if f.code in ("double_booked", "status")]
    if not may_pass(findings, actor=actor, reason=override_reason):
        raise Conflicts(findings)
    return findings


@transaction.atomic
def appointment_save(*, appointment: Appointment, actor, organization, override_reason: str = "") -> list:
    _check_appointment_dates(appointment)
    appointment.full_clean()
    if not appointment.requires_transport:
        appointment.transport_staff = None
    findings = appointment_check(
        appointment=appointment, actor=actor, organization=organization, override_reason=override_reason
    )
    appointment.save()
    _override(findings, actor=actor, reason=override_reason, appointment=appointment)
    return findings


# --- visits (EVV) -------------------------------------------------------------------------------


def _site(*, shift: Shift | None, appointment: Appointment | None):
    """Where the visit should happen: the client's home for a visit with a client, else the
    location's coordinates."""
    client = (shift.client if shift else None) or (appointment.client if appointment else None)
    if client is not None and client.latitude is not None:
        return (client.latitude, client.longitude), client, shift.location if shift else None
    location = shift.location if shift else None
    if location is not None and location.latitude is not None:
        return (location.latitude, location.longitude), client, location
    return None, client, location


def _position(latitude, longitude, accuracy):
    from decimal import Decimal

    if latitude in (None, "") or longitude in (None, ""):
        return None, None, None
    if not evv.valid_position(latitude, longitude, accuracy):
        raise ValidationError(_("The position from the device is not valid."))
    return (
        Decimal(str(round(float(latitude), 6))),
        Decimal(str(round(float(longitude), 6))),
        float(accuracy) if accuracy not in (None, "") else None,
    )


@transaction.atomic
def visit_clock_in(
    *,
    staff,
    organization,
    shift: Shift | None = None,
    appointment: Appointment | None = None,
    latitude=None,
    longitude=None,
    accuracy=None,
    reason_code: str = "",
    reason_note: str = "",
    at: dt.datetime | None = None,
) -> Visit:
    rules = org_rules.for_organization(organization)
    at = at or timezone.now()
    target_staff = shift.staff_id if shift else (appointment.staff_id or appointment.transport_staff_id)
    if target_staff != staff.pk and not (
        appointment and staff.pk in (appointment.staff_id, appointment.transport_staff_id)
    ):
        raise PermissionDenied(_("This is not your shift."))
    if shift is not None and not shift_is_released(shift):
        raise ValidationError(_("This shift's schedule is not published yet."))
    if Visit.objects.filter(staff=staff, clock_out_at__isnull=True).exists():
        raise ValidationError(_("You are already clocked in: clock out of that visit first."))
    lat, lon, acc = _position(latitude, longitude, accuracy)
    site, client, location = _site(shift=shift, appointment=appointment)
    distance, codes = evv.assess(
        latitude=lat,
        longitude=lon,
        accuracy_m=acc,
        site=site,
        geofence_m=rules.geofence_m,
        max_accuracy_m=rules.max_accuracy_m,
    )
    scheduled = shift.starts_at if shift else appointment.start_datetime
    if evv.early_or_late(at, scheduled, rules.early_late_minutes):
        codes.append("early_or_late")
    if codes and reason_code not in Visit.Reason.values:
        raise ValidationError(
            {
                "reason_code": _("Choose a reason: this clock-in is an exception (%(what)s).")
                % {"what": ", ".join(str(Visit.Exception(c).label) for c in codes)}
            }
        )
    visit = Visit(
        shift=shift,
        appointment=appointment,
        staff=staff,
        client=client,
        location=location,
        service_code=shift.service.code if shift and shift.service_id else "",
        clock_in_at=at,
        clock_in_latitude=lat,
        clock_in_longitude=lon,
        clock_in_accuracy_m=acc,
        clock_in_distance_m=distance,
        exception_codes=codes,
        reason_code=reason_code if codes else "",
        reason_note=reason_note.strip() if codes else "",
    )
    visit.save()
    if shift is not None and shift.status in (Shift.Status.SCHEDULED, Shift.Status.CONFIRMED):
        shift.status = Shift.Status.IN_PROGRESS
        shift.save(update_fields=["status", "updated_at"])
    return visit


@transaction.atomic
def visit_clock_out(
    *,
    visit: Visit,
    staff,
    organization,
    latitude=None,
    longitude=None,
    accuracy=None,
    reason_code: str = "",
    reason_note: str = "",
    at: dt.datetime | None = None,
) -> Visit:
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("shift", "appointment", "client", "location")
        .get(pk=visit.pk)
    )
    if visit.staff_id != staff.pk:
        raise PermissionDenied(_("This is not your visit."))
    if visit.clock_out_at is not None:
        raise ValidationError(_("This visit is already clocked out."))
    rules = org_rules.for_organization(organization)
    at = at or timezone.now()
    if at <= visit.clock_in_at:
        raise ValidationError(_("Clock-out must come after clock-in."))
    lat, lon, acc = _position(latitude, longitude, accuracy)
    site, _client, _location = _site(shift=visit.shift, appointment=visit.appointment)
    distance, codes = evv.assess(
        latitude=lat,
        longitude=lon,
        accuracy_m=acc,
        site=site,
        geofence_m=rules.geofence_m,
        max_accuracy_m=rules.max_accuracy_m,
    )
    scheduled_end = visit.shift.ends_at if visit.shift else visit.appointment.end_datetime
    codes += evv.clock_out_codes(
        clock_in=visit.clock_in_at,
        clock_out=at,
        scheduled_end=scheduled_end,
        early_late_minutes=rules.early_late_minutes,
        min_visit_minutes=rules.min_visit_minutes,
    )
    new_codes = [c for c in codes if c not in visit.exception_codes]
    # Every clock-out exception needs its own reason: one given at clock-in (for clocking in
    # early, say) does not explain leaving a minute later.
    if new_codes and reason_code not in Visit.Reason.values:
        raise ValidationError(
            {
                "reason_code": _("Choose a reason: this clock-out is an exception (%(what)s).")
                % {"what": ", ".join(str(Visit.Exception(c).label) for c in new_codes)}
            }
        )
    visit.clock_out_at = at
    visit.clock_out_latitude, visit.clock_out_longitude, visit.clock_out_accuracy_m = lat, lon, acc
    visit.clock_out_distance_m = distance
    visit.exception_codes = visit.exception_codes + new_codes
    if new_codes:
        visit.clock_out_reason_code, visit.clock_out_reason_note = reason_code, reason_note.strip()
    visit.status = Visit.Status.EXCEPTION if visit.exception_codes else Visit.Status.VERIFIED
    visit.save()
    _shift_follow(visit)
    return visit


def shift_is_released(shift: Shift) -> bool:
    """Staff see, take and clock into a shift only once its schedule is out of draft."""
    return shift.schedule_id is None or shift.schedule.status != Schedule.Status.DRAFT


def _shift_follow(visit: Visit) -> None:
    """A shift is completed only by a verified visit (or one whose exceptions someone allowed
    resolved); a clocked-out visit with exceptions leaves it awaiting review."""
    shift = visit.shift
    if shift is None or visit.clock_out_at is None:
        return
    ended = (Shift.Status.IN_PROGRESS, Shift.Status.COMPLETED, Shift.Status.NEEDS_REVIEW)
    # Locked and read afresh: two people clocking out of one shift at once would otherwise
    # each see the other's visit still open, and the shift would stay in progress.
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    visit.shift = shift
    if shift.status not in ended:
        return
    # Every visit of the shift counts (someone clocked out and back in, a second person).
    statuses = set(Visit.objects.filter(shift=shift).values_list("status", flat=True))
    if Visit.Status.OPEN in statuses:
        return
    status = Shift.Status.NEEDS_REVIEW if Visit.Status.EXCEPTION in statuses else Shift.Status.COMPLETED
    if shift.status != status:
        shift.status = status
        shift.save(update_fields=["status", "updated_at"])


@transaction.atomic
def visit_resolve(*, visit: Visit, actor, note: str) -> Visit:
    """Someone allowed (scheduling.verify_visit) accepts a clocked-out visit with exceptions,
    saying why; the visit counts as verified and its shift as completed. The exception codes
    and reasons stay for the auditor."""
    if not can(actor, "scheduling.verify_visit"):
        raise PermissionDenied(_("You may not resolve visit exceptions."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"resolution_note": _("Say why the visit is accepted.")})
    visit = Visit.objects.select_for_update(of=("self",)).select_related("shift", "staff").get(pk=visit.pk)
    if visit.clock_out_at is None:
        raise ValidationError(_("The visit is still open: it can be reviewed once clocked out."))
    if visit.status != Visit.Status.EXCEPTION:
        raise ValidationError(_("This visit has no exceptions to resolve."))
    if visit.staff.user_id is not None and visit.staff.user_id == actor.pk:
        # Two people: whoever worked the visit does not accept its exceptions.
        raise PermissionDenied(_("Someone else must review your own visit."))
    visit.status = Visit.Status.VERIFIED
    visit.resolved_by, visit.resolved_at, visit.resolution_note = actor, timezone.now(), note
    visit.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note", "updated_at"])
    _shift_follow(visit)
    return visit


@transaction.atomic
def visit_correct(
    *, visit: Visit, actor, reason: str, clock_in_at: dt.datetime | None = None, clock_out_at: dt.datetime | None = None
) -> Visit:
    """Change a visit's times by hand: a reason is required, the old and new values are kept
    (VisitCorrection and the audit log), and the visit becomes an exception (manual entry)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the times are being corrected.")})
    visit = Visit.objects.select_for_update(of=("self",)).select_related("shift").get(pk=visit.pk)
    changes = []
    for field, value in (("clock_in_at", clock_in_at), ("clock_out_at", clock_out_at)):
        if value is not None and value != getattr(visit, field):
            changes.append((field, getattr(visit, field), value))
            setattr(visit, field, value)
    if not changes:
        raise ValidationError(_("Nothing was changed."))
    if visit.clock_out_at is not None and visit.clock_out_at <= visit.clock_in_at:
        raise ValidationError({"clock_out_at": _("Clock-out must come after clock-in.")})
    if "manual_entry" not in visit.exception_codes:
        visit.exception_codes = [*visit.exception_codes, "manual_entry"]
    if visit.clock_out_at is not None:
        visit.status = Visit.Status.EXCEPTION
        # Times entered by hand are reviewed afresh, whatever was accepted before.
        visit.resolved_by, visit.resolved_at, visit.resolution_note = None, None, ""
    visit.save()
    _shift_follow(visit)
    VisitCorrection.objects.bulk_create(
        [
            VisitCorrection(
                visit=visit,
                field=field,
                # Both in UTC: the old value comes from the database, the new one from a form
                # in the organization's zone.
                old_value=old.astimezone(dt.UTC).isoformat() if old else "",
                new_value=new.astimezone(dt.UTC).isoformat(),
                reason=reason,
                actor=actor,
            )
            for field, old, new in changes
        ]
    )
    return visit


# --- calendar feeds -----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_issue(*, staff) -> str:
    """A new secret feed URL token for the person (any earlier one stops working)."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(staff=staff).delete()
    CalendarFeed.objects.create(staff=staff, token_hash=CalendarFeed.hash(token))
    return token


@transaction.atomic
def calendar_feed_revoke(*, staff) -> None:
    CalendarFeed.objects.filter(staff=staff).delete()
