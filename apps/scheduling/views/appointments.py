"""Appointments: a client's month calendar, an appointment's page and the appointment form
(with the conflict check for the staff member and the driver, and its override)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.audit.services import access_record
from apps.clients.selectors import get_client_for_user, visible_clients
from apps.scheduling import selectors, services
from apps.scheduling.conflicts import Finding
from apps.scheduling.forms import AppointmentForm
from apps.scheduling.models import Appointment, ConflictOverride
from apps.scheduling.views import checked_form_page


@login_required
def calendar(request: OrgRequest) -> HttpResponse:
    """With `?client=`: that client's month; without: the clients the person sees, to choose one."""
    if not request.GET.get("client"):
        query = request.GET.get("q", "").strip()
        clients = visible_clients(request.user).only("pk", "client_id", "first_name", "preferred_name", "last_name")
        if query:
            clients = clients.filter(Q(last_name__icontains=query) | Q(first_name__icontains=query))
        page = Paginator(clients.order_by("last_name", "first_name", "pk"), 25).get_page(request.GET.get("page"))
        return render(request, "scheduling/appointments/clients.html", {"page": page, "query": query})
    try:
        client_pk = uuid.UUID(request.GET["client"])
    except ValueError:
        # Not an ID at all: the same 404 as a client the person may not see.
        raise Http404 from None
    client = get_client_for_user(request.user, client_pk, brief=True)
    access_record(obj=client, request=request)
    month = selectors.parse_month(request.GET.get("month", ""), request.organization)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    weeks = selectors.month_grid(client=client, month=month, organization=request.organization)
    return render(
        request,
        "scheduling/appointments/calendar.html",
        {
            "client": client,
            "month": month,
            "previous": previous,
            "next": following,
            "weeks": weeks,
            "weekdays": [day["day"] for day in weeks[0]],
            "has_any": any(cell["appointments"] for week in weeks for cell in week),
            "may_add": can(request.user, "scheduling.add_appointment"),
        },
    )


@login_required
def appointment_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(request.user, pk)
    access_record(obj=appointment, request=request)
    people = (appointment.staff, appointment.transport_staff)
    own = [s for s in people if s is not None and s.user_id == request.user.pk]
    return render(
        request,
        "scheduling/appointments/detail.html",
        {
            "appointment": appointment,
            "may_change": can(request.user, "scheduling.change_appointment"),
            "may_clock": bool(own),
            "open_visit": selectors.open_visit_for(request.user, appointment=appointment) if own else None,
            "overrides": ConflictOverride.objects.filter(appointment=appointment).select_related("actor"),
        },
    )


def _form_page(request: OrgRequest, appointment: Appointment | None) -> HttpResponse:
    editing = appointment is not None
    clients = visible_clients(request.user)
    if appointment is None:
        initial = {"client": request.GET["client"]} if request.GET.get("client") else {}
        form = AppointmentForm(request.POST or None, initial=initial, clients=clients)
    else:
        form = AppointmentForm(request.POST or None, instance=appointment, clients=clients)

    def save(data: dict[str, Any], reason: str) -> tuple[Appointment, list[Finding]]:
        # The form's fields are the services' parameters, by name.
        common: dict[str, Any] = {
            "actor": request.user,
            "organization": request.organization,
            "override_reason": reason,
        }
        if appointment is None:
            return services.appointment_create(**common, **data)
        return appointment, services.appointment_update(appointment=appointment, **common, **data)

    return checked_form_page(
        request,
        form,
        save=save,
        saved_message=_("Appointment saved."),
        refused_message=_("You may not change this appointment."),
        template="scheduling/appointments/form.html",
        context={"appointment": appointment if editing else None},
    )


@login_required
@permission_required("scheduling.add_appointment")
def appointment_create(request: OrgRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@permission_required("scheduling.change_appointment")
def appointment_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return _form_page(request, selectors.get_appointment_for_user(request.user, pk))
