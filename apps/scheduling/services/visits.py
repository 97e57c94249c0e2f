"""Electronic visit verification: clocking in and out (position, geofence, timing), the shift
following its visits, resolving exceptions, corrections by hand; and each person's calendar
feed link."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import can
from apps.scheduling import evv
from apps.scheduling import rules as org_rules
from apps.scheduling.models import (
    Appointment,
    CalendarFeed,
    Schedule,
    Shift,
    Visit,
    VisitCorrection,
)

# A corrected time is something that happened: it may be this far ahead of the server's clock
# (a phone or a computer slightly fast), no further.
CLOCK_SKEW = dt.timedelta(minutes=5)


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
    if shift is not None:
        target_staff, scheduled = shift.staff_id, shift.starts_at
    elif appointment is not None:
        target_staff, scheduled = appointment.staff_id or appointment.transport_staff_id, appointment.start_datetime
    else:
        raise TypeError("A visit is for a shift or an appointment.")
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
        service_code=shift.service.code if shift and shift.service else "",
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
    if visit.shift is not None:
        scheduled_end = visit.shift.ends_at
    else:
        assert visit.appointment is not None  # the visit_of_shift_or_appointment constraint
        scheduled_end = visit.appointment.end_datetime
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
    return shift.schedule is None or shift.schedule.status != Schedule.Status.DRAFT


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
    latest = timezone.now() + CLOCK_SKEW
    future = {
        field: _("A visit's times cannot be in the future.")
        for field, value in (("clock_in_at", clock_in_at), ("clock_out_at", clock_out_at))
        if value is not None and value > latest
    }
    if future:
        raise ValidationError(future)
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
