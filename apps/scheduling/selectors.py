"""Reads for the scheduling pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.clients.models import Client, ClientLocation, clinical_of
from apps.core import clock, fragments
from apps.core.versions import tables_of
from apps.scheduling import conflicts, dates, timing
from apps.scheduling import rules as org_rules
from apps.scheduling.models import Appointment, ConflictOverride, Schedule, Service, Shift, Visit
from apps.staff.models import Certification, CertificationRequirement, Staff, TrainingProgram, TrainingRecord

# --- shifts and schedules (week grids, a person's week, open shifts) ---------------------------

STAFF_TABLES = tables_of(Staff)
# What a list of shifts never shows of the people on them: decrypting each costs 20-50 µs.
SHIFT_DEFERRED = (*clinical_of(), "staff__ssn")
SHIFT_RELATED = ("staff", "location", "client", "service", "schedule__location")
# What a week grid shows: the shifts, who is on them and at which location, and everything
# the conflict engine reads for the warning marks.
WEEK_TABLES = tables_of(
    Shift,
    Appointment,
    Service,
    Schedule,
    Staff,
    Certification,
    TrainingRecord,
    TrainingProgram,
    CertificationRequirement,
    User,
    ClientLocation,
    Client,
)


def _zone(organization) -> ZoneInfo:
    return ZoneInfo(getattr(organization, "timezone", "") or "UTC")


def week_start(organization, day: dt.date | None = None) -> dt.date:
    """The first day of the organization's week holding `day` (its own today by default)."""
    return timing.week_of(day or clock.today(organization), org_rules.for_organization(organization).week_start)


def parse_week(organization, value: str) -> dt.date:
    """A `?week=YYYY-MM-DD` value snapped to its week's first day; anything else (or a date
    outside dates.FIRST..LAST) is this week."""
    return week_start(organization, dates.parse_day(value))


def _between(organization, first: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    zone = _zone(organization)
    return timing.instant(first, dt.time(0), zone), timing.instant(first + dt.timedelta(days=days), dt.time(0), zone)


def with_findings(shifts: list[Shift], *, organization) -> list[Shift]:
    """Each shift gets `.findings` (the conflict engine, all shifts checked at once: a fixed
    number of queries) and `.has_error`."""
    for shift, found in zip(shifts, conflicts.check(shifts, organization=organization), strict=True):
        shift.findings = found
        shift.has_error = any(f.blocking for f in found)
    return shifts


def _by_day(first: dt.date, days: int, shifts) -> list[dict]:
    columns: list[dict[str, Any]] = [{"day": first + dt.timedelta(days=n), "shifts": []} for n in range(days)]
    index = {c["day"]: c for c in columns}
    for shift in shifts:
        if shift.shift_date in index:
            index[shift.shift_date]["shifts"].append(shift)
    return columns


def location_week(*, location_id, first: dt.date, organization, days: int = 7) -> list[dict]:
    """The location's shifts by day, starting in [first, first + days) in the organization's zone:
    one indexed range read (shift_location_starts_idx) plus the conflict engine's fixed reads."""
    start, end = _between(organization, first, days)
    shifts = list(
        Shift.objects.filter(location_id=location_id, starts_at__gte=start, starts_at__lt=end)
        .select_related(*SHIFT_RELATED)
        .defer(*SHIFT_DEFERRED)
        .order_by("starts_at", "pk")
    )
    return _by_day(first, days, with_findings(shifts, organization=organization))


def released(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    """What staff may see of the shifts: none of a draft schedule (the scheduler is still
    working on it)."""
    return shifts.exclude(schedule__status=Schedule.Status.DRAFT)


def person_shifts(*, staff, first: dt.date, organization, days: int = 7, released_only: bool = False) -> list[dict]:
    start, end = _between(organization, first, days)
    shifts = Shift.objects.filter(staff=staff, starts_at__gte=start, starts_at__lt=end)
    if released_only:
        shifts = released(shifts)
    rows = list(shifts.select_related(*SHIFT_RELATED).defer(*SHIFT_DEFERRED).order_by("starts_at", "pk"))
    return _by_day(first, days, with_findings(rows, organization=organization))


def open_shifts(*, offered_only: bool = False) -> QuerySet[Shift]:
    """Open shifts not yet over and still live, soonest first. No shift lasts more than a day
    (25 hours across a clock change), so the start bound lets the partial index
    shift_open_idx do the work instead of reading every open shift ever made.
    `offered_only`: what staff may take, only from published schedules (a draft's are the
    scheduler's to fill)."""
    now = timezone.now()
    rows = Shift.objects.filter(staff__isnull=True, starts_at__gt=now - dt.timedelta(hours=26), ends_at__gt=now)
    if offered_only:
        rows = rows.filter(schedule__status=Schedule.Status.PUBLISHED)
    return (
        rows.exclude(status__in=conflicts.INACTIVE_SHIFT)
        # A locked or archived schedule changes no more: its open shifts cannot be taken.
        .exclude(schedule__status__in=[Schedule.Status.LOCKED, Schedule.Status.ARCHIVED])
        .select_related("location", "client", "service", "schedule__location")
        .defer(*clinical_of())
        .order_by("starts_at", "pk")
    )


def active_locations() -> QuerySet[ClientLocation]:
    return ClientLocation.objects.filter(is_active=True).only("pk", "name").order_by("name")


def schedulable_staff() -> QuerySet[Staff]:
    """Who may be put on a shift: everyone not terminated (the conflict engine says the rest)."""
    return (
        Staff.objects.exclude(employment_status=Staff.Status.TERMINATED)
        .only("pk", "employee_id", "first_name", "preferred_name", "last_name", "job_title", "department")
        .order_by("last_name", "first_name", "employee_id")
    )


def staff_role(staff: Staff) -> str:
    """The job title, or the department without one: with the employee ID, what tells
    namesakes apart."""
    return staff.job_title or staff.department


def staff_label(staff: Staff) -> str:
    """How a person is named in pickers and lists: with their employee ID and job title (or
    department), since agencies have namesakes."""
    role = staff_role(staff)
    return (
        f"{staff.display_name} ({staff.employee_id} · {role})"
        if role
        else f"{staff.display_name} ({staff.employee_id})"
    )


def staff_options() -> str:
    """The week grid's one `<datalist>` of staff (employee ID, then name, ID and job title),
    shared by every day's quick-add form. Kept while the staff table stands still: the grid is
    drawn again after every shift change, the list of people seldom changes."""

    def render() -> str:
        return str(
            format_html_join(
                "", '<option value="{}">{}</option>', ((s.employee_id, staff_label(s)) for s in schedulable_staff())
            )
        )

    # Escaped by format_html_join when it was drawn.
    return mark_safe(fragments.cached(("scheduling:staff_options",), tables=STAFF_TABLES, render=render))  # noqa: S308 # nosec B308, B703


def find_staff(text: str) -> list[Staff]:
    """Who quick-add's staff box means: the person with this employee ID, else everyone
    current whose name it is ("Dana Okafor", a preferred name, or "Okafor, Dana"); several
    when namesakes share it."""
    text = " ".join((text or "").split())
    if not text:
        return []
    by_id = list(schedulable_staff().filter(employee_id__iexact=text)[:1])
    if by_id:
        return by_id
    if "," in text:
        last, _comma, first = (part.strip() for part in text.partition(","))
        splits = [(first, last)]
    else:
        words = text.split(" ")
        splits = [(" ".join(words[:n]), " ".join(words[n:])) for n in range(1, len(words))]
    names = Q(pk__in=[])
    for first, last in splits:
        names |= (Q(first_name__iexact=first) | Q(preferred_name__iexact=first)) & Q(last_name__iexact=last)
    return list(schedulable_staff().filter(names)[:20])


def get_staff_for_schedule(pk) -> Staff:
    return get_object_or_404(Staff.objects.only("pk", "first_name", "preferred_name", "last_name", "user_id"), pk=pk)


def own_staff(user) -> Staff | None:
    """The signed-in person's staff record, if their account is linked to one."""
    return Staff.objects.filter(user_id=user.pk).defer("ssn").first() if user.is_authenticated else None


def get_shift_for_user(user, pk) -> Shift:
    """A shift the user may see: everyone's with scheduling.view_shift, else only their own.
    404 for "not yours" as for "does not exist"."""
    shift = get_object_or_404(Shift.objects.select_related(*SHIFT_RELATED), pk=pk)
    if may_open_shift(user, shift):
        return shift
    raise Http404


def may_open_shift(user, shift: Shift) -> bool:
    """Whether get_shift_for_user lets the person open the shift, so pages link to it only
    then (a link that answers 404 is a dead end)."""
    if can(user, "scheduling.view_shift"):
        return True
    mine = shift.staff is not None and shift.staff.user_id == user.pk
    return bool(mine and (shift.schedule is None or shift.schedule.status != Schedule.Status.DRAFT))


def shift_detail(shift: Shift, *, user, organization) -> dict:
    (findings,) = conflicts.check([shift], organization=organization)
    return {
        "shift": shift,
        "findings": findings,
        "overrides": list(ConflictOverride.objects.filter(shift=shift).select_related("actor")),
        "open_visit": Visit.objects.filter(shift=shift, staff__user_id=user.pk, clock_out_at__isnull=True).first(),
        "visits": list(_visible_visits(user).filter(shift=shift).select_related("staff").order_by("clock_in_at")),
    }


def schedule_list(*, query: str = "", status: str = "") -> QuerySet[Schedule]:
    rows = Schedule.objects.select_related("location").annotate(
        shift_count=Count("shifts", filter=~Q(shifts__status=Shift.Status.CANCELLED))
    )
    if query:
        rows = rows.filter(schedule_name__icontains=query)
    if status in Schedule.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-start_date", "schedule_name", "pk")


def get_schedule(pk) -> Schedule:
    return get_object_or_404(Schedule.objects.select_related("location", "created_by", "approved_by"), pk=pk)


def schedule_shifts(schedule: Schedule) -> QuerySet[Shift]:
    return (
        schedule.shifts.select_related("staff", "location", "client", "service")
        .defer(*clinical_of(), "staff__ssn")
        .order_by("starts_at", "pk")
    )


# --- appointments, visits and calendar feeds ----------------------------------------------------

VISIT_RELATED = ("staff", "client", "location", "shift", "appointment")
EXCEPTIONS_ONLY = "exceptions"


def own_visits_only(user) -> bool:
    return not can(user, "scheduling.view_visit")


def _visible_visits(user) -> QuerySet[Visit]:
    rows = Visit.objects.all()
    return rows.filter(staff__user_id=user.pk) if own_visits_only(user) else rows


def visit_list(
    user,
    *,
    organization,
    status: str = "",
    staff: str = "",
    client: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    query: str = "",
) -> QuerySet[Visit]:
    """Everyone's visits with scheduling.view_visit, else the person's own; newest first
    (visit_clock_in_idx, visit_status_idx)."""
    rows = Visit.objects.select_related(*VISIT_RELATED)
    if own_visits_only(user):
        rows = rows.filter(staff__user_id=user.pk)
    if status == EXCEPTIONS_ONLY:
        rows = rows.exclude(exception_codes=[])
    elif status in Visit.Status.values:
        rows = rows.filter(status=status)
    for name, value in (("staff_id", staff), ("client_id", client)):
        if value:
            try:
                rows = rows.filter(**{name: uuid.UUID(value)})
            except ValueError:
                rows = rows.none()
    zone = _zone(organization)
    if date_from:
        rows = rows.filter(clock_in_at__gte=timing.instant(date_from, dt.time(0), zone))
    if date_to:
        rows = rows.filter(clock_in_at__lt=timing.instant(date_to + dt.timedelta(days=1), dt.time(0), zone))
    if query:
        rows = rows.filter(
            Q(staff__first_name__icontains=query)
            | Q(staff__last_name__icontains=query)
            | Q(staff__employee_id__iexact=query)
            | Q(client__first_name__icontains=query)
            | Q(client__last_name__icontains=query)
            | Q(client__client_id__iexact=query)
            | Q(service_code__iexact=query)
        )
    return rows.order_by("-clock_in_at", "pk")


def get_visit_for_user(user, pk) -> Visit:
    """404 for a visit that does not exist and for someone else's without scheduling.view_visit."""
    visit = get_object_or_404(Visit.objects.select_related(*VISIT_RELATED, "shift__service"), pk=pk)
    if own_visits_only(user) and visit.staff.user_id != user.pk:
        raise Http404
    return visit


def visit_corrections(visit: Visit) -> QuerySet:
    return visit.corrections.select_related("actor").order_by("created_at", "pk")


def verified_visits(*, organization, date_from: dt.date, date_to: dt.date) -> QuerySet[Visit]:
    """Verified visits clocked in on [date_from, date_to] (organization-local days), oldest first."""
    zone = _zone(organization)
    return (
        Visit.objects.filter(
            status=Visit.Status.VERIFIED,
            clock_in_at__gte=timing.instant(date_from, dt.time(0), zone),
            clock_in_at__lt=timing.instant(date_to + dt.timedelta(days=1), dt.time(0), zone),
        )
        .select_related("staff", "client", "location", "resolved_by")
        .defer(*clinical_of(), "staff__ssn")
        .order_by("clock_in_at", "pk")
    )


def open_visit_for(user, *, shift=None, appointment=None) -> Visit | None:
    rows = Visit.objects.filter(staff__user_id=user.pk, clock_out_at__isnull=True)
    return rows.filter(shift=shift).first() if shift is not None else rows.filter(appointment=appointment).first()


APPOINTMENT_RELATED = ("client", "staff", "transport_staff")


def get_appointment_for_user(user, pk) -> Appointment:
    """An appointment of a client the person sees, or one they staff or drive; 404 otherwise."""
    appointment = get_object_or_404(Appointment.objects.select_related(*APPOINTMENT_RELATED), pk=pk)
    if may_open_appointment(user, appointment):
        return appointment
    raise Http404


def may_open_appointment(user, appointment: Appointment) -> bool:
    """Whether get_appointment_for_user lets the person open the appointment."""
    from apps.clients.selectors import visible_clients

    mine = any(s is not None and s.user_id == user.pk for s in (appointment.staff, appointment.transport_staff))
    return mine or visible_clients(user).filter(pk=appointment.client_id).exists()


def parse_month(value: str, organization=None) -> dt.date:
    """`YYYY-MM` as its first day; anything else (or a month outside dates.FIRST..LAST) is
    this month."""
    return dates.parse_day(f"{value}-01") or clock.month_start(organization)


def month_grid(*, client, month: dt.date, organization) -> list[list[dict]]:
    """The month as weeks (starting on the organization's first day of the week) of day cells,
    each with its appointments: one indexed read."""
    zone = _zone(organization)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    first = week_start(organization, month)
    last = week_start(organization, following - dt.timedelta(days=1)) + dt.timedelta(days=6)
    appointments = (
        Appointment.objects.filter(
            client=client,
            start_datetime__gte=timing.instant(first, dt.time(0), zone),
            start_datetime__lt=timing.instant(last + dt.timedelta(days=1), dt.time(0), zone),
        )
        .select_related("staff", "transport_staff")
        .order_by("start_datetime", "pk")
    )
    cells: dict[dt.date, dict[str, Any]] = {}
    day = first
    while day <= last:
        cells[day] = {"day": day, "in_month": day.month == month.month, "appointments": []}
        day += dt.timedelta(days=1)
    for appointment in appointments:
        local = timezone.localtime(appointment.start_datetime, zone).date()
        if local in cells:
            cells[local]["appointments"].append(appointment)
    days = list(cells.values())
    return [days[n : n + 7] for n in range(0, len(days), 7)]


def feed_items(staff, *, now: dt.datetime) -> tuple[list[Shift], list[Appointment]]:
    """A person's calendar: shifts and the appointments they staff or drive, from 30 days ago
    to 90 days ahead, cancelled ones left out."""
    start, end = now - dt.timedelta(days=30), now + dt.timedelta(days=90)
    shifts = list(
        released(Shift.objects.filter(staff=staff, starts_at__gte=start, starts_at__lt=end))
        .exclude(status=Shift.Status.CANCELLED)
        .select_related("location", "client", "service")
        .defer(*clinical_of())
        .order_by("starts_at", "pk")
    )
    appointments = list(
        Appointment.objects.filter(Q(staff=staff) | Q(transport_staff=staff))
        .filter(start_datetime__gte=start, start_datetime__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("client")
        .defer(*clinical_of())
        .order_by("start_datetime", "pk")
    )
    return shifts, appointments
