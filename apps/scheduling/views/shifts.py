"""Schedules and shifts: the week grid by location, a person's week, shift forms and
quick-add, open shifts, copying a week, publishing and locking."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.core.forms import add_errors
from apps.core.fragments import cached_template
from apps.core.pages import action, form_page
from apps.scheduling import forms, selectors, services
from apps.scheduling.conflicts import Finding
from apps.scheduling.models import Schedule, Shift
from apps.scheduling.views import checked_form_page


class HtmxRequest(OrgRequest):
    htmx: HtmxDetails


@login_required
def home(request: OrgRequest) -> HttpResponse:
    if not can(request.user, "scheduling.view_shift"):
        return redirect("scheduling:mine")
    return redirect("scheduling:week")


def _weeks(request: OrgRequest) -> dict:
    first = selectors.parse_week(request.organization, request.GET.get("week", ""))
    return {
        "first": first,
        "last": first + dt.timedelta(days=6),
        "previous": first - dt.timedelta(days=7),
        "next": first + dt.timedelta(days=7),
    }


# --- the week grid and quick-add ----------------------------------------------------------------


@login_required
@permission_required("scheduling.view_shift")
def week(request: OrgRequest) -> HttpResponse:
    locations = list(selectors.active_locations())
    wanted = request.GET.get("location", "")
    location = next((loc for loc in locations if str(loc.pk) == wanted), locations[0] if locations else None)
    weeks = _weeks(request)
    may_add = can(request.user, "scheduling.add_shift")
    grid = ""
    if location is not None:
        organization = request.organization

        def context() -> dict:
            columns = selectors.location_week(location_id=location.pk, first=weeks["first"], organization=organization)
            staff_options = selectors.staff_options() if may_add else ""
            return {"columns": columns, "location": location, "may_add": may_add, "staff_options": staff_options}

        # Rendered once per change of anything it shows (the conflict marks read a dozen
        # tables); the organization's settings (week start, rest, overtime) are in the key.
        grid = cached_template(
            request,
            "scheduling/partials/_week_grid.html",
            key=(str(location.pk), weeks["first"], may_add, organization.updated_at),
            tables=selectors.WEEK_TABLES,
            context=context,
        )
    return render(
        request,
        "scheduling/week.html",
        {**weeks, "locations": locations, "location": location, "grid": grid, "may_add": may_add},
    )


def _day_cell(request: OrgRequest, *, location, day: dt.date, form=None, status: int = 200) -> HttpResponse:
    (column,) = selectors.location_week(location_id=location.pk, first=day, organization=request.organization, days=1)
    return render(
        request,
        "scheduling/partials/_week_day.html",
        {
            "column": column,
            "location": location,
            "may_add": True,
            "quick_form": form,
        },
        status=status,
    )


@login_required
@permission_required("scheduling.add_shift")
@require_POST
def quick_add(request: HtmxRequest) -> HttpResponse:
    # Not core.pages.form_page: the answer is the day's cell for htmx (200, errors in it) or
    # a redirect to the week with the errors as a message.
    form = forms.QuickAddForm(request.POST)
    # The form to show again with its errors; None once the shift is added.
    shown: forms.QuickAddForm | None = form
    location, day = None, None
    if form.is_valid():
        data = form.cleaned_data
        location, day = data["location"], data["shift_date"]
        try:
            _shift, findings = services.shift_create(
                location=location,
                staff=data["staff"],
                shift_date=day,
                start_time=data["start_time"],
                end_time=data["end_time"],
                actor=request.user,
                organization=request.organization,
            )
        except services.Conflicts as exc:
            form.add_error(None, [f.message for f in exc.findings if f.blocking])
            form.add_error(None, _("Open the full shift form to override a conflict with a reason."))
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            # A locked week: said in the day's cell (htmx swaps no 403), as the full form does.
            form.add_error(None, str(exc) or _("You may not change this schedule."))
        else:
            if not request.htmx:
                for finding in findings:
                    messages.warning(request, finding.message)
                messages.success(request, _("Shift added."))
            shown = None
    else:
        location, day = form.cleaned_data.get("location"), form.cleaned_data.get("shift_date")
    if not request.htmx:
        if shown is not None:
            messages.error(request, " ".join(shown.labelled_errors()))
        query = urlencode({"location": request.POST.get("location", ""), "week": request.POST.get("shift_date", "")})
        return redirect(f"{reverse('scheduling:week')}?{query}")
    if location is None or day is None:
        return HttpResponseBadRequest()
    # htmx swaps only 2xx answers (its default responseHandling): the day's cell with the form
    # and its errors is the answer to show, so it comes back as 200.
    return _day_cell(request, location=location, day=day, form=shown)


# --- a person's week, my shifts, open shifts -----------------------------------------------------


@login_required
@permission_required("scheduling.view_shift")
def staff_week(request: OrgRequest, staff_id: uuid.UUID) -> HttpResponse:
    staff = selectors.get_staff_for_schedule(staff_id)
    weeks = _weeks(request)
    columns = selectors.person_shifts(staff=staff, first=weeks["first"], organization=request.organization)
    return render(request, "scheduling/staff_week.html", {**weeks, "staff": staff, "columns": columns})


@login_required
def mine(request: OrgRequest) -> HttpResponse:
    staff = selectors.own_staff(request.user)
    context: dict[str, Any] = {"staff": staff}
    if staff is not None:
        organization = request.organization
        first = selectors.week_start(organization)

        def weeks() -> dict:
            shifts = selectors.person_shifts(
                staff=staff, first=first, organization=organization, days=14, released_only=True
            )
            return {"columns": [c for c in shifts if c["shifts"]]}

        # Drawn again only when something it shows changes, as the week grid is (the conflict
        # marks read a dozen tables); the organization's settings are in the key.
        context["weeks"] = cached_template(
            request,
            "scheduling/partials/_my_weeks.html",
            key=(str(staff.pk), first, organization.updated_at),
            tables=selectors.WEEK_TABLES,
            context=weeks,
        )
        context["first"], context["last"] = first, first + dt.timedelta(days=13)
        if can(request.user, "scheduling.claim_shift"):
            context["open_shifts"] = list(selectors.open_shifts(offered_only=True)[:20])
    return render(request, "scheduling/mine.html", context)


@login_required
def open_shifts(request: OrgRequest) -> HttpResponse:
    may_assign = can(request.user, "scheduling.change_shift")
    may_claim = can(request.user, "scheduling.claim_shift")
    planner = may_assign or can(request.user, "scheduling.view_shift")
    if not (planner or may_claim):
        raise PermissionDenied
    page = Paginator(selectors.open_shifts(offered_only=not planner), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/open_shifts.html",
        {
            "page": page,
            "may_assign": may_assign,
            "may_claim": may_claim and selectors.own_staff(request.user) is not None,
            "assign_form": forms.AssignForm() if may_assign and page.object_list else None,
        },
    )


@login_required
@permission_required("scheduling.claim_shift")
@require_POST
def claim(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    staff = selectors.own_staff(request.user)
    # A shift someone has just taken is refused by the service with a message, not a 404.
    shift = get_object_or_404(Shift.objects.select_related("schedule"), pk=pk)
    if staff is None:
        raise Http404
    try:
        findings = services.shift_claim(shift=shift, staff=staff, organization=request.organization, actor=request.user)
    except services.Conflicts as exc:
        messages.error(
            request,
            _("You cannot take this shift: %(reasons)s") % {"reasons": " ".join(f.message for f in exc.findings)},
        )
        return redirect("scheduling:open_shifts")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scheduling:open_shifts")
    for finding in findings:
        messages.warning(request, finding.message)
    messages.success(request, _("The shift is yours."))
    return redirect("scheduling:shift", pk=shift.pk)


@login_required
@permission_required("scheduling.change_shift")
@require_POST
def assign(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    shift = get_object_or_404(Shift.objects.select_related("schedule"), pk=pk)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to assign."))
        return redirect("scheduling:open_shifts")
    staff = form.cleaned_data["staff"]
    try:
        findings = services.shift_assign(
            shift=shift, staff=staff, actor=request.user, organization=request.organization
        )
    except services.Conflicts as exc:
        for finding in exc.findings:
            messages.error(request, finding.message)
        messages.info(request, _("Nothing was changed. Edit the shift to override a conflict with a reason."))
        return redirect("scheduling:open_shifts")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scheduling:open_shifts")
    for finding in findings:
        messages.warning(request, finding.message)
    messages.success(request, _("Assigned to %(name)s.") % {"name": staff.display_name})
    return redirect("scheduling:open_shifts")


# --- a shift: detail and forms -------------------------------------------------------------------


@login_required
def shift_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    shift = selectors.get_shift_for_user(request.user, pk)
    context = selectors.shift_detail(shift, user=request.user, organization=request.organization)
    context["may_change"] = can(request.user, "scheduling.change_shift")
    context["may_claim"] = (
        shift.is_open
        and shift.schedule is not None
        and shift.schedule.status == Schedule.Status.PUBLISHED
        and can(request.user, "scheduling.claim_shift")
        and selectors.own_staff(request.user) is not None
    )
    return render(request, "scheduling/shift.html", context)


def _shift_form_page(request: OrgRequest, shift: Shift | None) -> HttpResponse:
    editing = shift is not None
    if shift is None:
        initial = {k: request.GET[k] for k in ("shift_date", "location", "staff", "schedule") if request.GET.get(k)}
        form = forms.ShiftForm(request.POST or None, initial=initial)
    else:
        form = forms.ShiftForm(request.POST or None, instance=shift)

    def save(data: dict[str, Any], reason: str) -> tuple[Shift, list[Finding]]:
        # The form's fields are the services' parameters, by name.
        common: dict[str, Any] = {
            "actor": request.user,
            "organization": request.organization,
            "override_reason": reason,
        }
        if shift is None:
            return services.shift_create(**common, **data)
        return shift, services.shift_update(shift=shift, **common, **data)

    return checked_form_page(
        request,
        form,
        save=save,
        saved_message=_("Shift saved."),
        refused_message=_("You may not change this shift."),
        template="scheduling/shift_form.html",
        context={"shift": shift if editing else None},
    )


@login_required
@permission_required("scheduling.add_shift")
def shift_create(request: OrgRequest) -> HttpResponse:
    return _shift_form_page(request, None)


@login_required
@permission_required("scheduling.change_shift")
def shift_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return _shift_form_page(request, selectors.get_shift_for_user(request.user, pk))


# --- schedules -----------------------------------------------------------------------------------


@login_required
@permission_required("scheduling.view_schedule")
def schedules(request: OrgRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "status")}
    rows = selectors.schedule_list(query=params["q"], status=params["status"])
    return render(
        request,
        "scheduling/schedules.html",
        {
            "page": Paginator(rows, 25).get_page(request.GET.get("page")),
            "params": params,
            "statuses": Schedule.Status.choices,
            "may_add": can(request.user, "scheduling.add_schedule"),
        },
    )


def _schedule_page(
    request: OrgRequest, schedule: Schedule, *, blocking=None, results=None, status: int = 200
) -> HttpResponse:
    user = request.user
    rows = selectors.schedule_shifts(schedule)
    return render(
        request,
        "scheduling/schedule.html",
        {
            "schedule": schedule,
            "page": Paginator(rows, 100).get_page(request.GET.get("page")),
            # Publishing refused: each blocking conflict with the shift it is on.
            "blocking": blocking or [],
            "results": results,
            "may_override": can(user, "scheduling.override_conflict"),
            "override_reason": request.POST.get("override_reason", ""),
            "actions": _status_actions(user, schedule),
            "may_publish": schedule.status == Schedule.Status.DRAFT and can(user, "scheduling.publish_schedule"),
            "may_change": schedule.status != Schedule.Status.ARCHIVED and can(user, "scheduling.change_schedule"),
            "may_add_shift": schedule.status in (Schedule.Status.DRAFT, Schedule.Status.PUBLISHED)
            and can(user, "scheduling.add_shift"),
        },
        status=status,
    )


def _status_actions(user, schedule: Schedule) -> list[tuple[str, str]]:
    """The status changes this person may make now: (new status, button label)."""
    S = Schedule.Status
    by_status: dict[str, list[tuple[str, str, str]]] = {
        S.DRAFT: [(S.ARCHIVED, _("Archive"), "scheduling.change_schedule")],
        S.PUBLISHED: [
            (S.LOCKED, _("Lock"), "scheduling.publish_schedule"),
            (S.ARCHIVED, _("Archive"), "scheduling.publish_schedule"),
        ],
        S.LOCKED: [
            (S.PUBLISHED, _("Reopen"), "scheduling.change_locked_schedule"),
            (S.ARCHIVED, _("Archive"), "scheduling.publish_schedule"),
        ],
    }
    return [(value, label) for value, label, perm in by_status.get(schedule.status, []) if can(user, perm)]


@login_required
@permission_required("scheduling.view_schedule")
def schedule_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    schedule = selectors.get_schedule(pk)
    results = None
    if request.GET.get("check"):
        results = [
            (shift, found)
            for shift, found in services.schedule_check(schedule, organization=request.organization)
            if found
        ]
    return _schedule_page(request, schedule, results=results)


def _schedule_form_page(request: OrgRequest, schedule: Schedule | None) -> HttpResponse:
    form = forms.ScheduleForm(request.POST or None, instance=schedule or Schedule())

    def save(data: dict[str, Any]) -> Schedule:
        if schedule is None:
            return services.schedule_create(
                actor=request.user,
                schedule_name=data["schedule_name"],
                schedule_type=data["schedule_type"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                location=data["location"],
                notes=data["notes"],
            )
        return services.schedule_update(
            schedule=schedule,
            actor=request.user,
            schedule_name=data["schedule_name"],
            name_is_automatic=data["name_is_automatic"],
            schedule_type=data["schedule_type"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            location=data["location"],
            notes=data["notes"],
        )

    return form_page(
        request,
        form,
        save=save,
        template="scheduling/schedule_form.html",
        context={"schedule": schedule},
        saved_message=_("Schedule saved."),
        refused_message=_("You may not change this schedule."),
    )


@login_required
@permission_required("scheduling.add_schedule")
def schedule_create(request: OrgRequest) -> HttpResponse:
    return _schedule_form_page(request, None)


@login_required
@permission_required("scheduling.change_schedule")
def schedule_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return _schedule_form_page(request, selectors.get_schedule(pk))


@login_required
@permission_required("scheduling.publish_schedule")
@require_POST
def schedule_publish(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    schedule = selectors.get_schedule(pk)
    try:
        services.schedule_publish(
            schedule=schedule,
            actor=request.user,
            organization=request.organization,
            override_reason=request.POST.get("override_reason", ""),
        )
    except services.Conflicts as exc:
        return _schedule_page(request, schedule, blocking=exc.by_shift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published. The staff on it have been told."))
    return redirect(schedule)


@login_required
@permission_required("scheduling.view_schedule")
@require_POST
def schedule_status(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    schedule = selectors.get_schedule(pk)
    wanted = request.POST.get("status", "")
    if wanted not in Schedule.Status.values:
        raise Http404
    return action(
        request,
        lambda: services.schedule_set_status(schedule=schedule, status=wanted, actor=request.user),
        done=lambda changed: _("The schedule is now %(status)s.") % {"status": changed.get_status_display()},
        redirect_to=schedule,
    )


@login_required
@permission_required("scheduling.add_shift")
def schedule_copy_week(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    schedule = selectors.get_schedule(pk)
    form = forms.CopyWeekForm(
        request.POST or None, schedule=schedule, initial={"source_start": selectors.week_start(request.organization)}
    )

    def copy(data: dict[str, Any]) -> int:
        return services.week_copy(
            source_start=data["source_start"],
            target_start=data["target_start"],
            location=data["location"],
            schedule=schedule,
            actor=request.user,
            organization=request.organization,
        )

    def copied_message(copied: int) -> str:
        return ngettext(
            "%(count)d shift copied (any that would conflict are left open).",
            "%(count)d shifts copied (any that would conflict are left open).",
            copied,
        ) % {"count": copied}

    return form_page(
        request,
        form,
        save=copy,
        template="scheduling/copy_week.html",
        context={"schedule": schedule},
        saved_message=copied_message,
        redirect_to=lambda _copied: schedule,
        refused_message=_("You may not change this schedule."),
    )
