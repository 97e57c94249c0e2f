"""Home page panels of the scheduling app (registered in SchedulingConfig.ready).

For people who work shifts (a linked staff record and `claim_shift`): today's and the next
shift with clock in / clock out, open shifts they may take, and the clients whose care team
they are on. For people who fill shifts: this week's open shifts, weeks not yet published
and today's EVV exceptions."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import can
from apps.clients.models import Client, ClientLocation, ClientUserObjectPermission, clinical_of
from apps.clients.selectors import visible_clients
from apps.core import clock, home
from apps.core.versions import tables_of
from apps.scheduling import conflicts, selectors
from apps.scheduling.models import Schedule, Service, Shift, Visit
from apps.staff.home import own_staff
from apps.staff.models import Staff

# What the shift panels read: shifts, their schedules and visits, who works them, where and for whom.
SHIFT_TABLES = tables_of(Shift, Schedule, Visit, Service, Staff, Client, ClientLocation)
# A person's clients: the clients, their houses and the care teams.
CLIENT_TABLES = tables_of(Client, ClientLocation, ClientUserObjectPermission, Staff)
# Shifts read for "today and the next": enough for a day of split shifts and the one after.
MY_SHIFTS_READ = 6
DONE = (Shift.Status.COMPLETED, Shift.Status.CANCELLED, Shift.Status.NO_SHOW)


def _works_shifts(request) -> bool:
    return own_staff(request) is not None


def _works_own_shifts(request) -> bool:
    # Those who see everyone's shifts (schedulers, managers) plan from the week grid; this
    # home is for the people whose schedule is their own, as the client panel is for those
    # who see only their care team's clients.
    return not can(request.user, "scheduling.view_shift") and _works_shifts(request)


def my_shifts(request) -> dict:
    """Today's shifts (including one still running from last night) and the next one after
    today, the open visit if the person is clocked in, and which shift the clock acts on."""
    staff = own_staff(request)
    organization = request.organization
    now = clock.now(organization)
    today = now.date()
    day_start, day_end = clock.day_bounds(today, organization)
    shifts = list(
        # shift_staff_starts_idx; no shift lasts more than 26 hours, so the lower bound on
        # starts_at keeps the index range short without missing a night shift. Shifts of a
        # schedule still being drafted are not the person's yet.
        selectors.released(
            Shift.objects.filter(staff=staff, starts_at__gte=day_start - dt.timedelta(hours=26), ends_at__gt=day_start)
        )
        .exclude(status=Shift.Status.CANCELLED)
        .select_related("staff", "location", "client", "service")
        .defer(*clinical_of(), "staff__ssn")
        .order_by("starts_at", "pk")[:MY_SHIFTS_READ]
    )
    todays = [s for s in shifts if s.starts_at < day_end]
    following = next((s for s in shifts if s.starts_at >= day_end), None)
    open_visit = Visit.objects.filter(staff=staff, clock_out_at__isnull=True).select_related("shift").first()
    clock_shift = None
    if open_visit is not None:
        clock_shift = open_visit.shift
    else:
        clock_shift = next((s for s in todays if s.status not in DONE and s.ends_at > now), None)
    return {
        "today": today,
        "todays": todays,
        "following": following,
        "open_visit": open_visit,
        "clock_shift": clock_shift,
        "mine_url": reverse("scheduling:mine"),
    }


def shifts_to_take(request) -> dict:
    return {
        **home.rows_and_more(selectors.open_shifts(offered_only=True)),
        "more_url": reverse("scheduling:open_shifts"),
    }


def my_clients(request) -> dict | None:
    clients = (
        visible_clients(request.user)
        .exclude(status__in=Client.CLOSED)
        .select_related("location")
        .only("pk", "client_id", "first_name", "preferred_name", "last_name", "location__name")
        .order_by("last_name", "first_name", "pk")
    )
    found = home.rows_and_more(clients)
    # Care teams are made of accounts: someone on one sees it whether or not a staff record is
    # linked; someone on none sees the empty panel only if they are staff (the office does not).
    if not found["rows"] and not _works_shifts(request):
        return None
    return {**found, "more_url": reverse("clients:list")}


def _sees_only_their_clients(request) -> bool:
    # Those who see every client have the client list; the panel is for a care team's members.
    return not can(request.user, "clients.view_client")


def week_open_shifts(request) -> dict:
    organization = request.organization
    first = selectors.week_start(organization)
    week_end = clock.start_of_day(first + dt.timedelta(days=7), organization)
    now = timezone.now()
    rows = (
        # shift_open_idx (open shifts by start); those over already are history, not work.
        Shift.objects.filter(
            staff__isnull=True, starts_at__gt=now - dt.timedelta(hours=26), starts_at__lt=week_end, ends_at__gt=now
        )
        .exclude(status__in=conflicts.INACTIVE_SHIFT)
        .select_related("location", "client", "service")
        .defer(*clinical_of())
        .order_by("starts_at", "pk")
    )
    return {
        **home.rows_and_more(rows),
        "week_last": first + dt.timedelta(days=6),
        "more_url": reverse("scheduling:open_shifts"),
    }


def unpublished_weeks(request) -> dict:
    today = clock.today(request.organization)
    rows = (
        Schedule.objects.filter(status=Schedule.Status.DRAFT, end_date__gte=today)
        .select_related("location")
        .only("pk", "schedule_name", "name_is_automatic", "start_date", "end_date", "location__name")
        .order_by("start_date", "schedule_name", "pk")
    )
    return {
        **home.rows_and_more(rows),
        "more_url": reverse("scheduling:schedules") + "?" + urlencode({"status": Schedule.Status.DRAFT}),
    }


def evv_exceptions(request) -> dict:
    organization = request.organization
    today = clock.today(organization)
    start, end = clock.day_bounds(today, organization)
    rows = (
        # visit_status_idx (status, clock-in): today's exceptions, newest first.
        Visit.objects.filter(status=Visit.Status.EXCEPTION, clock_in_at__gte=start, clock_in_at__lt=end)
        .select_related("staff", "client", "shift__location")
        .defer(*clinical_of(), "staff__ssn")
        .order_by("-clock_in_at", "pk")
    )
    found = home.rows_and_more(rows)
    labels = dict(Visit.Exception.choices)
    for visit in found["rows"]:
        visit.exception_labels = [labels.get(code, code) for code in visit.exception_codes]
    query = {"status": Visit.Status.EXCEPTION, "date_from": today.isoformat(), "date_to": today.isoformat()}
    # Earlier days' unresolved visits would otherwise appear on no home: one count, and a link.
    older = Visit.objects.filter(status=Visit.Status.EXCEPTION, clock_in_at__lt=start).count()
    yesterday = today - dt.timedelta(days=1)
    older_query = {"status": Visit.Status.EXCEPTION, "date_to": yesterday.isoformat()}
    return {
        **found,
        "more_url": reverse("scheduling:visits") + "?" + urlencode(query),
        "older": older,
        "older_url": reverse("scheduling:visits") + "?" + urlencode(older_query),
    }


PANELS = [
    home.Panel(
        key="my_shifts",
        title=_("Your shifts"),
        template="scheduling/partials/_home_my_shifts.html",
        permissions=("scheduling.claim_shift",),
        order=10,
        predicate=_works_own_shifts,
        context=my_shifts,
        tables=SHIFT_TABLES,
    ),
    home.Panel(
        key="shifts_to_take",
        title=_("Open shifts you could take"),
        template="scheduling/partials/_home_shifts_to_take.html",
        permissions=("scheduling.claim_shift",),
        order=11,
        predicate=_works_own_shifts,
        context=shifts_to_take,
        tables=SHIFT_TABLES,
    ),
    home.Panel(
        key="my_clients",
        title=_("Your clients"),
        template="scheduling/partials/_home_my_clients.html",
        order=12,
        predicate=_sees_only_their_clients,
        context=my_clients,
        tables=CLIENT_TABLES,
    ),
    home.Panel(
        key="week_open_shifts",
        title=_("Open shifts this week"),
        template="scheduling/partials/_home_week_open_shifts.html",
        permissions=("scheduling.change_shift",),
        order=50,
        context=week_open_shifts,
        tables=SHIFT_TABLES,
    ),
    home.Panel(
        key="unpublished_weeks",
        title=_("Schedules not yet published"),
        template="scheduling/partials/_home_unpublished_weeks.html",
        permissions=("scheduling.publish_schedule",),
        order=51,
        context=unpublished_weeks,
        tables=SHIFT_TABLES,
    ),
    home.Panel(
        key="evv_exceptions",
        title=_("Today's EVV exceptions"),
        template="scheduling/partials/_home_evv_exceptions.html",
        permissions=("scheduling.correct_visit",),
        order=52,
        context=evv_exceptions,
        tables=SHIFT_TABLES,
    ),
]
