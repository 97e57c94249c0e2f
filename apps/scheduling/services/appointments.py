"""Appointments: the conflict check for the staff member and the driver, and saving (a new
appointment or changes, by their values; appointment_save for an instance the Django admin
built)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.scheduling import conflicts, dates
from apps.scheduling.models import (
    Appointment,
    Shift,
)
from apps.scheduling.services.common import Conflicts, keep_overrides, may_pass, zone_of

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.clients.models import Client
    from apps.staff.models import Staff
    from apps.tenants.models import Organization


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


@transaction.atomic
def appointment_create(
    *,
    actor: User,
    organization: Organization,
    override_reason: str = "",
    client: Client,
    title: str,
    start_datetime: dt.datetime,
    end_datetime: dt.datetime,
    appointment_type: str = "",
    location: str = "",
    staff: Staff | None = None,
    requires_transport: bool = False,
    transport_staff: Staff | None = None,
    status: str = Appointment.Status.SCHEDULED,
    description: str = "",
    notes: str = "",
) -> tuple[Appointment, list[conflicts.Finding]]:
    """A new appointment, saved as appointment_save saves one; returns it with the findings."""
    appointment = Appointment(
        client=client,
        title=title,
        start_datetime=start_datetime,
        end_datetime=end_datetime,
        appointment_type=appointment_type,
        location=location,
        staff=staff,
        requires_transport=requires_transport,
        transport_staff=transport_staff,
        status=status,
        description=description,
        notes=notes,
    )
    findings = appointment_save(
        appointment=appointment, actor=actor, organization=organization, override_reason=override_reason
    )
    return appointment, findings


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    actor: User,
    organization: Organization,
    override_reason: str = "",
    client: Client,
    title: str,
    start_datetime: dt.datetime,
    end_datetime: dt.datetime,
    appointment_type: str,
    location: str,
    staff: Staff | None,
    requires_transport: bool,
    transport_staff: Staff | None,
    status: str,
    description: str,
    notes: str,
) -> list[conflicts.Finding]:
    """Change an appointment to these values, checked and saved as appointment_save does."""
    appointment.client, appointment.title, appointment.appointment_type = client, title, appointment_type
    appointment.start_datetime, appointment.end_datetime = start_datetime, end_datetime
    appointment.location, appointment.staff, appointment.status = location, staff, status
    appointment.requires_transport, appointment.transport_staff = requires_transport, transport_staff
    appointment.description, appointment.notes = description, notes
    return appointment_save(
        appointment=appointment, actor=actor, organization=organization, override_reason=override_reason
    )
