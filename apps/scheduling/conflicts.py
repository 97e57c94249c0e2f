"""The conflict engine: what is wrong with a set of shifts, as blocking errors and warnings.

Run on every save (one shift) and on publishing (a schedule's shifts at once) with a fixed
number of queries however many shifts are checked: everything the rules need is read for
all the shifts' staff and locations together, then each rule is plain arithmetic.

Blocking (a manager may override one with a reason, which is logged):
  double_booked     the person has another shift or an appointment overlapping this one
  certification     a certification the location or the service requires is missing,
                    suspended, or expired on the shift's date
  status            the person is terminated (or past their termination date), on leave,
                    suspended or inactive
Warnings:
  training          a mandatory training that applies to them is overdue on the shift's date
  overtime          their hours in the organization's week pass the overtime threshold (40)
  rest              less than the minimum rest (a setting, 8 hours) since or before another shift
  ratio             at the location, clients per staff on duty at the shift's start pass the
                    location's maximum
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from apps.clients.models import ClientLocation
from apps.scheduling import rules as org_rules
from apps.scheduling import timing
from apps.scheduling.models import Appointment, Service, Shift
from apps.staff.models import Certification, Staff, TrainingRecord
from apps.staff.selectors import requirement_columns

ERROR, WARNING = "error", "warning"
INACTIVE_SHIFT = (Shift.Status.CANCELLED, Shift.Status.NO_SHOW)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR


@dataclass
class Busy:
    """Time someone is taken: another shift, or an appointment they staff or drive to."""

    key: object
    staff_id: object
    start: dt.datetime
    end: dt.datetime
    what: str


def check(shifts: list[Shift], *, organization, exclude_appointment=None) -> list[list[Finding]]:
    """Findings for each shift, in order. Shifts need starts_at/ends_at set (services do it);
    they may be unsaved. Cancelled shifts and open shifts (no one assigned) are only checked
    for what does not depend on a person."""
    rules = org_rules.for_organization(organization)
    zone = ZoneInfo(getattr(organization, "timezone", "") or "UTC")
    live = [s for s in shifts if s.status not in INACTIVE_SHIFT]
    if not live:
        return [[] for _ in shifts]
    staff_ids = {s.staff_id for s in live if s.staff_id}
    checked_pks = {s.pk for s in shifts if s.pk and not s._state.adding}
    rest = dt.timedelta(hours=rules.min_rest_hours)
    weeks = [timing.week_bounds(s.starts_at.astimezone(zone).date(), rules.week_start, zone) for s in live]
    window = (
        min([w[0] for w in weeks] + [s.starts_at - rest for s in live]),
        max([w[1] for w in weeks] + [s.ends_at + rest for s in live]),
    )

    people = {p.pk: p for p in Staff.objects.filter(pk__in=staff_ids).select_related("user").defer("ssn")}
    busy = _busy(staff_ids, window, exclude=checked_pks, exclude_appointment=exclude_appointment)
    # The shifts being checked are busy time for each other too (a week published at once).
    for index, s in enumerate(live):
        if s.staff_id:
            busy[s.staff_id].append(Busy(("new", index), s.staff_id, s.starts_at, s.ends_at, _("another shift")))
    locations = {
        loc.pk: loc
        for loc in ClientLocation.objects.filter(pk__in={s.location_id for s in live if s.location_id}).only(
            "pk", "name", "required_certifications", "clients_per_staff", "current_occupancy"
        )
    }
    services = {
        svc.pk: svc
        for svc in Service.objects.filter(pk__in={s.service_id for s in live if s.service_id}).only(
            "pk", "code", "required_certifications"
        )
    }
    required_types = {t for loc in locations.values() for t in loc.required_certifications or []} | {
        t for svc in services.values() for t in svc.required_certifications or []
    }
    certificates = defaultdict(list)
    for row in Certification.objects.filter(staff_id__in=staff_ids, certification_type__in=required_types).values(
        "staff_id", "certification_type", "status", "issue_date", "expiry_date"
    ):
        certificates[(row["staff_id"], row["certification_type"])].append(row)
    programs = [c for c in requirement_columns() if c.kind == "training"]
    passed = _latest_passed_training(staff_ids, [p.ref for p in programs])
    on_duty = _on_duty(set(locations), window, exclude=checked_pks, extra=live)

    findings_by_shift = {}
    worked: dict = {}
    for index, s in enumerate(live):
        found: list[Finding] = []
        person = people.get(s.staff_id) if s.staff_id else None
        day = s.shift_date
        if person is not None:
            found += _status(person, day)
            found += _double_booked(s, index, busy[s.staff_id])
            found += _certifications(
                person,
                day,
                _required(s, locations, services),
                certificates,
                locations.get(s.location_id) if s.location_id else None,
            )
            found += _training(person, day, programs, passed)
            found += _overtime(
                _week_hours(worked, s.staff_id, busy[s.staff_id], weeks[index]), weeks[index], rules.overtime_hours
            )
            found += _rest(s, index, busy[s.staff_id], rest)
        if s.location_id in locations:
            found += _ratio(s, locations[s.location_id], on_duty)
        findings_by_shift[id(s)] = found
    return [findings_by_shift.get(id(s), []) for s in shifts]


# --- what is read ----------------------------------------------------------------------------


def _busy(staff_ids, window, *, exclude, exclude_appointment=None) -> dict:
    busy = defaultdict(list)
    shifts = (
        Shift.objects.filter(staff_id__in=staff_ids, starts_at__lt=window[1], ends_at__gt=window[0])
        .exclude(status__in=INACTIVE_SHIFT)
        .exclude(pk__in=exclude)
        .values_list("pk", "staff_id", "starts_at", "ends_at")
    )
    for pk, staff_id, start, end in shifts:
        busy[staff_id].append(Busy(pk, staff_id, start, end, _("another shift")))
    appointments = (
        Appointment.objects.filter(
            Q(staff_id__in=staff_ids) | Q(transport_staff_id__in=staff_ids),
            start_datetime__lt=window[1],
            end_datetime__gt=window[0],
        )
        .exclude(status__in=INACTIVE_SHIFT)
        .exclude(pk=exclude_appointment)
        .values_list("pk", "staff_id", "transport_staff_id", "start_datetime", "end_datetime", "title")
    )
    for pk, staff_id, driver_id, start, end, title in appointments:
        for person in {staff_id, driver_id} & set(staff_ids):
            busy[person].append(Busy(("appointment", pk), person, start, end, _("the appointment “%s”") % title))
    return busy


def _latest_passed_training(staff_ids, program_ids) -> dict:
    latest = {}
    rows = (
        TrainingRecord.objects.filter(staff_id__in=staff_ids, program_id__in=program_ids, passed=True)
        .order_by("staff_id", "program_id", "-completed_on")
        .distinct("staff_id", "program_id")
        .values_list("staff_id", "program_id", "expires_on")
    )
    for staff_id, program_id, expires in rows:
        latest[(staff_id, program_id)] = expires or dt.date.max
    return latest


def _on_duty(location_ids, window, *, exclude, extra) -> dict:
    """Per location, the (start, end) of every staffed shift there in the window."""
    on_duty = defaultdict(list)
    rows = (
        Shift.objects.filter(
            location_id__in=location_ids, staff__isnull=False, starts_at__lt=window[1], ends_at__gt=window[0]
        )
        .exclude(status__in=INACTIVE_SHIFT)
        .exclude(pk__in=exclude)
        .values_list("location_id", "starts_at", "ends_at")
    )
    for location_id, start, end in rows:
        on_duty[location_id].append((start, end))
    for s in extra:
        if s.staff_id and s.location_id:
            on_duty[s.location_id].append((s.starts_at, s.ends_at))
    return on_duty


def _required(shift, locations, services) -> list[str]:
    types = list(locations[shift.location_id].required_certifications or []) if shift.location_id in locations else []
    if shift.service_id in services:
        types += [t for t in services[shift.service_id].required_certifications or [] if t not in types]
    return types


# --- the rules ----------------------------------------------------------------------------------


def _status(person: Staff, day: dt.date) -> list[Finding]:
    name = person.display_name
    if person.employment_status == Staff.Status.TERMINATED or (
        person.termination_date is not None and person.termination_date <= day
    ):
        return [Finding("status", ERROR, _("%(name)s is terminated.") % {"name": name})]
    if person.employment_status == Staff.Status.ON_LEAVE:
        return [Finding("status", ERROR, _("%(name)s is on leave.") % {"name": name})]
    if person.employment_status in (Staff.Status.SUSPENDED, Staff.Status.INACTIVE):
        return [
            Finding(
                "status",
                ERROR,
                _("%(name)s is %(status)s.") % {"name": name, "status": person.get_employment_status_display().lower()},
            )
        ]
    return []


def _double_booked(shift, index, busy: list[Busy]) -> list[Finding]:
    clashes = [
        b
        for b in busy
        if b.key != ("new", index)
        and b.key != shift.pk
        and timing.overlaps(shift.starts_at, shift.ends_at, b.start, b.end)
    ]
    if not clashes:
        return []
    first = min(clashes, key=lambda b: b.start)
    return [
        Finding(
            "double_booked",
            ERROR,
            _("Double-booked: overlaps %(what)s (%(start)s–%(end)s).")
            % {"what": first.what, "start": _clock(first.start), "end": _clock(first.end)},
        )
    ]


def _certifications(person, day, required, certificates, location) -> list[Finding]:
    found = []
    for kind in required:
        held = [
            c
            for c in certificates.get((person.pk, kind), [])
            if c["status"] != Certification.Status.SUSPENDED and c["issue_date"] <= day
        ]
        if any(c["expiry_date"] is None or c["expiry_date"] >= day for c in held):
            continue
        latest = max((c["expiry_date"] for c in held if c["expiry_date"]), default=None)
        if latest is not None:
            message = _("%(name)s's %(kind)s expired on %(date)s.") % {
                "name": person.display_name,
                "kind": kind,
                "date": date_format(latest),
            }
        else:
            message = _("%(name)s has no valid %(kind)s, which this shift requires.") % {
                "name": person.display_name,
                "kind": kind,
            }
        found.append(Finding("certification", ERROR, message))
    return found


def _applies(column, person: Staff) -> bool:
    if not (column.roles or column.titles):
        return True
    role_id = person.user.role_id if person.user_id and person.user else None
    return (role_id is not None and role_id in column.roles) or person.job_title.strip().lower() in column.titles


def _training(person, day, programs, passed) -> list[Finding]:
    overdue = [p.label for p in programs if _applies(p, person) and passed.get((person.pk, p.ref), dt.date.min) < day]
    if not overdue:
        return []
    return [
        Finding(
            "training",
            WARNING,
            _("Mandatory training overdue for %(name)s: %(programs)s.")
            % {"name": person.display_name, "programs": ", ".join(sorted(overdue))},
        )
    ]


def _other_shift(b: Busy, shift, index) -> bool:
    is_appointment = isinstance(b.key, tuple) and b.key[0] == "appointment"
    return not is_appointment and b.key != ("new", index) and b.key != shift.pk


def _week_hours(worked: dict, staff_id, busy: list[Busy], week) -> float:
    """The person's hours of shifts in the week: the same for each of their shifts in it, so
    added up once per person and week (`worked` keeps them for one check), not once per shift.
    Each checked shift is in `busy` itself (as ("new", index)), so the sum is its hours plus
    every other shift's; appointments are not worked hours. fsum: the total does not depend on
    the order of the shifts."""
    key = (staff_id, week)
    if key not in worked:
        worked[key] = math.fsum(
            timing.hours_within(b.start, b.end, week)
            for b in busy
            if not (isinstance(b.key, tuple) and b.key[0] == "appointment")
        )
    return worked[key]


def _overtime(total: float, week, threshold) -> list[Finding]:
    if total <= threshold:
        return []
    return [
        Finding(
            "overtime",
            WARNING,
            _("Overtime: %(hours)s hours in the week starting %(day)s (over %(limit)s).")
            % {"hours": f"{total:g}", "day": date_format(week[0].date()), "limit": f"{threshold:g}"},
        )
    ]


def _rest(shift, index, busy, rest: dt.timedelta) -> list[Finding]:
    for b in busy:
        if not _other_shift(b, shift, index):
            continue
        if timing.overlaps(shift.starts_at, shift.ends_at, b.start, b.end):
            continue  # double-booked, reported as such
        gap = shift.starts_at - b.end if b.end <= shift.starts_at else b.start - shift.ends_at
        if gap < rest:
            return [
                Finding(
                    "rest",
                    WARNING,
                    _("Only %(hours)s hours of rest between shifts (minimum %(minimum)s).")
                    % {"hours": f"{gap.total_seconds() / 3600:g}", "minimum": f"{rest.total_seconds() / 3600:g}"},
                )
            ]
    return []


def _ratio(shift, location, on_duty) -> list[Finding]:
    if not location.clients_per_staff or not location.current_occupancy:
        return []
    moment = shift.starts_at
    staffed = sum(1 for start, end in on_duty.get(location.pk, []) if start <= moment < end)
    if staffed and location.current_occupancy / staffed <= location.clients_per_staff:
        return []
    return [
        Finding(
            "ratio",
            WARNING,
            # The day and the time apart, so each language words them its own way ("el 11 dic
            # 2026 a las 23:00").
            _(
                "%(location)s: %(staff)s staff for %(clients)s clients on %(day)s at %(time)s "
                "(at most %(ratio)s per staff member)."
            )
            % {
                "location": location.name,
                "staff": staffed,
                "clients": location.current_occupancy,
                "day": date_format(timezone.localtime(moment).date(), "DATE_FORMAT"),
                "time": time_format(timezone.localtime(moment).time(), "TIME_FORMAT"),
                "ratio": location.clients_per_staff,
            },
        )
    ]


def _clock(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
