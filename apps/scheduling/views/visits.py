"""Electronic visit verification: clocking in and out (with the device's position), the visits
list and a visit's page with its corrections, the CSV export of verified visits, and each
person's calendar feed (the page that issues its secret link, and the feed itself)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar as ICalendar
from icalendar import Event

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.audit.services import access_record
from apps.clients.models import Client
from apps.core import clock
from apps.core.csvexport import csv_response
from apps.core.forms import add_errors
from apps.core.throttle import throttled
from apps.scheduling import hooks, selectors, services
from apps.scheduling.forms import (
    ClockForm,
    ExportForm,
    VisitCorrectionForm,
    VisitFilterForm,
    VisitResolveForm,
)
from apps.scheduling.models import CalendarFeed, Visit
from apps.staff.models import Staff

# --- clocking in and out ------------------------------------------------------------------------


def _own_staff(request: OrgRequest) -> Staff:
    staff = selectors.own_staff(request.user)
    if staff is None:
        raise PermissionDenied(_("Your account is not linked to a staff record."))
    return staff


def _clock(request: OrgRequest, *, action: Callable[..., Visit], back: str, target: dict[str, Any]) -> HttpResponse:
    """Run the clock event; when the service says it is an exception, show the form again
    with what is wrong and the reason to give, keeping the position already taken.

    Not core.pages.form_page: the service's answer "this is an exception" is a second step
    (the reason asked for, status 200), and any other refusal goes back to the shift."""
    staff = _own_staff(request)
    form = ClockForm(request.POST, need_reason="reason_code" in request.POST)
    if form.is_valid():
        try:
            visit = action(staff=staff, organization=request.organization, **form.service_kwargs())
        except ValidationError as exc:
            errors = getattr(exc, "error_dict", {})
            if "reason_code" not in errors:
                messages.error(request, " ".join(exc.messages))
                return redirect(back)
            explanation = " ".join(exc.message_dict["reason_code"])
            form = ClockForm(request.POST, need_reason=True)
            form.is_valid()
            form.errors.pop("reason_code", None)
        else:
            if visit.clock_out_at is None:
                messages.success(request, _("Clocked in."))
                return redirect(back)
            # Documentation (above scheduling) offers the visit's note here.
            note = hooks.next_page_after_clock_out(visit, request.user)
            messages.success(request, _("Clocked out. Write the visit note now.") if note else _("Clocked out."))
            return redirect(note or back)
    else:
        explanation = ""
    return render(
        request,
        "scheduling/visits/clock.html",
        {"form": form, "explanation": explanation, "back": back, **target},
        status=200 if explanation else 400,
    )


@login_required
@require_POST
def shift_clock_in(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    shift = selectors.get_shift_for_user(request.user, pk)

    def action(**kwargs):
        return services.visit_clock_in(shift=shift, **kwargs)

    return _clock(request, action=action, back=shift.get_absolute_url(), target={"shift": shift, "clock": "in"})


@login_required
@require_POST
def appointment_clock_in(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(request.user, pk)

    def action(**kwargs):
        return services.visit_clock_in(appointment=appointment, **kwargs)

    return _clock(
        request,
        action=action,
        back=appointment.get_absolute_url(),
        target={"appointment": appointment, "clock": "in"},
    )


@login_required
@require_POST
def clock_out(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    visits = Visit.objects.select_related("shift", "appointment")
    visit = get_object_or_404(visits, pk=pk, staff__user_id=request.user.pk)
    booked = visit.shift or visit.appointment
    assert booked is not None  # the visit_of_shift_or_appointment constraint
    back = booked.get_absolute_url()

    def action(**kwargs):
        return services.visit_clock_out(visit=visit, **kwargs)

    return _clock(request, action=action, back=back, target={"visit": visit, "clock": "out"})


# --- the visits list and a visit ----------------------------------------------------------------


@login_required
def visit_list(request: OrgRequest) -> HttpResponse:
    everyone = can(request.user, "scheduling.view_visit")
    form = VisitFilterForm(request.GET or None)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    params = {k: request.GET.get(k, "").strip() for k in ("staff", "client")}
    rows = selectors.visit_list(
        request.user,
        organization=request.organization,
        status=data.get("status", ""),
        staff=params["staff"] if everyone else "",
        client=params["client"],
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        query=data.get("q", ""),
    )
    return render(
        request,
        "scheduling/visits/list.html",
        {
            "form": form,
            "params": params,
            "filtered": any(request.GET.get(k) for k in ("status", "date_from", "date_to", "q", "staff", "client")),
            "page": Paginator(rows, 25).get_page(request.GET.get("page")),
            "everyone": everyone,
            "staff_options": selectors.schedulable_staff() if everyone else [],
            "client_options": Client.objects.only("pk", "first_name", "preferred_name", "last_name")
            if everyone
            else [],
            "exception_labels": dict(Visit.Exception.choices),
        },
        status=400 if form.is_bound and not valid else 200,
    )


def _visit_page(request: OrgRequest, visit: Visit, *, form=None, resolve_form=None, status: int = 200) -> HttpResponse:
    may_correct = can(request.user, "scheduling.correct_visit")
    if resolve_form is None and can(request.user, "scheduling.verify_visit"):
        resolve_form = VisitResolveForm()
    if may_correct and form is None:
        zone = timezone.get_current_timezone()
        form = VisitCorrectionForm(
            initial={
                "clock_in_at": timezone.localtime(visit.clock_in_at, zone),
                "clock_out_at": timezone.localtime(visit.clock_out_at, zone) if visit.clock_out_at else None,
            }
        )
    return render(
        request,
        "scheduling/visits/detail.html",
        {
            "visit": visit,
            "exceptions": [(code, Visit.Exception(code).label) for code in visit.exception_codes],
            "corrections": selectors.visit_corrections(visit),
            "form": form if may_correct else None,
            "resolve_form": resolve_form,
            # Link the shift or appointment only for someone who may open it (else plain text).
            "may_open_shift": visit.shift is not None and selectors.may_open_shift(request.user, visit.shift),
            "may_open_appointment": visit.appointment is not None
            and selectors.may_open_appointment(request.user, visit.appointment),
        },
        status=status,
    )


@login_required
def visit_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    access_record(obj=visit, request=request)
    return _visit_page(request, visit)


@login_required
@permission_required("scheduling.correct_visit")
@require_POST
def visit_correct(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    # Not core.pages.form_page: this form and the resolve form are posted from the visit's
    # page and answered there (_visit_page), each under its own name, not as a page of its own.
    visit = selectors.get_visit_for_user(request.user, pk)
    form = VisitCorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.visit_correct(
                visit=visit,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                clock_in_at=form.cleaned_data["clock_in_at"],
                clock_out_at=form.cleaned_data["clock_out_at"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The visit was corrected. It is now marked as entered by hand."))
            return redirect(visit)
    return _visit_page(request, visit, form=form, status=400)


@login_required
@permission_required("scheduling.verify_visit")
@require_POST
def visit_resolve(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    form = VisitResolveForm(request.POST)
    if form.is_valid():
        try:
            services.visit_resolve(visit=visit, actor=request.user, note=form.cleaned_data["resolution_note"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The visit is accepted and its shift completed."))
            return redirect(visit)
    return _visit_page(request, visit, resolve_form=form, status=400)


# --- the export ---------------------------------------------------------------------------------

EXPORT_HEADER = [
    "visit_id",
    "service_code",
    "client_id",
    "client_name",
    "date",
    "location",
    "latitude",
    "longitude",
    "distance_m",
    "staff_employee_id",
    "staff_name",
    "start",
    "end",
    "status",
    "exception_codes",
    "reason_code",
    "clock_out_reason_code",
    "resolved_by",
    "resolved_at",
]


@login_required
@permission_required("scheduling.view_visit")
def visit_export(request: OrgRequest) -> HttpResponseBase:
    """Verified visits as CSV, one row per visit, for a payer's or state's EVV aggregator.

    Query: `from` and `to`, organization-local dates (YYYY-MM-DD), both included; a visit
    belongs to the day it was clocked in. Default: the last 30 days. UTF-8, comma-separated,
    a header row; cells starting like a spreadsheet formula are prefixed with a quote.

    Columns:
    - visit_id: the visit's UUID.
    - service_code: the service's code (HCPCS or the state's), empty when the shift had none.
    - client_id: the agency's client ID; client_name: "First Last".
    - date: the local date of the clock-in (YYYY-MM-DD).
    - location: the site's name (a house, the day program); empty for a visit at the
      client's own address.
    - latitude, longitude: the clock-in position from the device (decimal degrees, WGS 84).
    - distance_m: metres from the client's or site's coordinates at clock-in (1 decimal).
    - staff_employee_id, staff_name: who delivered the service.
    - start, end: clock-in and clock-out, ISO 8601 with the organization's UTC offset.
    - status: always "verified" in this export.
    - exception_codes: semicolon-separated codes, empty for a visit verified as it happened;
      a visit with exceptions is exported once someone allowed has resolved them (the codes
      stay); reason_code: the reason given for an exception at clock-in, if any;
      clock_out_reason_code: the reason given for one at clock-out (early, late, too short).
    - resolved_by, resolved_at: who accepted a visit's exceptions (their email) and when (ISO
      8601 with the organization's offset); empty for a visit verified as it happened.
    """
    form = ExportForm({"date_from": request.GET.get("from", ""), "date_to": request.GET.get("to", "")})
    if form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    elif not (request.GET.get("from") or request.GET.get("to")):
        end = clock.today(request.organization)
        start = end - dt.timedelta(days=30)
    else:
        return render(
            request,
            "scheduling/visits/export_error.html",
            {"errors": [m for errors in form.errors.values() for m in errors]},
            status=400,
        )
    zone = timezone.get_current_timezone()
    visits = selectors.verified_visits(organization=request.organization, date_from=start, date_to=end)
    return csv_response(
        (_export_row(v, zone) for v in visits.iterator(chunk_size=1000)),
        header=EXPORT_HEADER,
        filename=f"evv-visits-{start.isoformat()}-{end.isoformat()}.csv",
    )


def _export_row(visit: Visit, zone) -> list:
    clock_in = timezone.localtime(visit.clock_in_at, zone)
    clock_out = timezone.localtime(visit.clock_out_at, zone) if visit.clock_out_at else None
    return [
        str(visit.pk),
        visit.service_code,
        visit.client.client_id if visit.client else "",
        f"{visit.client.first_name} {visit.client.last_name}" if visit.client else "",
        clock_in.date().isoformat(),
        visit.location.name if visit.location else "",
        visit.clock_in_latitude if visit.clock_in_latitude is not None else "",
        visit.clock_in_longitude if visit.clock_in_longitude is not None else "",
        round(visit.clock_in_distance_m, 1) if visit.clock_in_distance_m is not None else "",
        visit.staff.employee_id,
        f"{visit.staff.first_name} {visit.staff.last_name}",
        clock_in.isoformat(timespec="seconds"),
        clock_out.isoformat(timespec="seconds") if clock_out else "",
        visit.status,
        ";".join(visit.exception_codes),
        visit.reason_code,
        visit.clock_out_reason_code,
        visit.resolved_by.email if visit.resolved_by else "",
        timezone.localtime(visit.resolved_at, zone).isoformat(timespec="seconds") if visit.resolved_at else "",
    ]


# --- calendar feeds -----------------------------------------------------------------------------


def _feed_page(request: OrgRequest, *, url: str = "") -> HttpResponse:
    staff = selectors.own_staff(request.user)
    feed = CalendarFeed.objects.filter(staff=staff).first() if staff else None
    response = render(request, "scheduling/feed.html", {"staff": staff, "feed": feed, "url": url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def calendar_feed(request: OrgRequest) -> HttpResponse:
    return _feed_page(request)


@login_required
@require_POST
def calendar_feed_create(request: OrgRequest) -> HttpResponse:
    token = services.calendar_feed_issue(staff=_own_staff(request))
    # Shown once, in this answer only: nothing keeps the secret but the person's calendar app.
    return _feed_page(request, url=request.build_absolute_uri(reverse("scheduling:feed", args=[token])))


@login_required
@require_POST
def calendar_feed_revoke(request: OrgRequest) -> HttpResponse:
    services.calendar_feed_revoke(staff=_own_staff(request))
    messages.success(request, _("Your calendar link no longer works."))
    return redirect("scheduling:calendar_feed")


def _short_name(client) -> str:
    """First name and last initial: enough to know whom, little enough for a phone's calendar."""
    return f"{client.preferred_name or client.first_name} {client.last_name[:1]}." if client else ""


def feed_calendar(shifts, appointments, *, staff, host: str, now: dt.datetime) -> bytes:
    calendar = ICalendar()
    calendar.add("prodid", "-//Starline//Scheduling//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Work schedule"))
    for shift in shifts:
        where = shift.location.name if shift.location else ""
        about = _short_name(shift.client) or where
        summary = _("Shift") + (f" · {about}" if about else "")
        calendar.add_component(_event(shift.pk, host, now, shift.starts_at, shift.ends_at, summary, where))
    for appointment in appointments:
        label = appointment.get_appointment_type_display() or _("Appointment")
        summary = f"{label} · {_short_name(appointment.client)}"
        if appointment.transport_staff_id == staff.pk:
            summary += " · " + _("driving")
        calendar.add_component(
            _event(
                appointment.pk,
                host,
                now,
                appointment.start_datetime,
                appointment.end_datetime,
                summary,
                appointment.location,
            )
        )
    return calendar.to_ical()


def _event(pk, host, now, start, end, summary, location) -> Event:
    event = Event()
    event.add("uid", f"{pk}@{host}")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", end.astimezone(dt.UTC))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    return event


# Calendar apps fetch with GET, and the token in the address is what a scanner would vary.
@throttled("feed", methods=("GET", "HEAD"))
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no sign-in (calendar apps cannot), the secret in the URL instead."""
    found = CalendarFeed.objects.select_related("staff").filter(token_hash=CalendarFeed.hash(token)).first()
    # A link given to someone who has since left stops working with their employment.
    if found is None or found.staff.employment_status == found.staff.Status.TERMINATED:
        raise Http404
    now = timezone.now()
    # A bookkeeping stamp, not a change to anything a person edits: no service round trip.
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=now)
    shifts, appointments = selectors.feed_items(found.staff, now=now)
    body = feed_calendar(shifts, appointments, staff=found.staff, host=request.get_host(), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
