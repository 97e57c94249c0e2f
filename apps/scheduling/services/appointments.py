"""Appointments: the conflict check for the staff member and the driver, and saving."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.scheduling import conflicts, dates
from apps.scheduling.models import (
    Appointment,
    Shift,
)
from apps.scheduling.services.common import Conflicts, keep_overrides, may_pass, zone_of


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
    keep_overrides(findings, actor=actor, reason=override_reason, appointment=appointment)
    return findings
