"""Client pages: the list, a client's tabs (overview, contacts, care plans; documents and
history live in the files and audit apps), forms, care plans and their PDF, locations and
the CSV import. Every page that shows a client's record is in the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from apps.accounts.http import OrgRequest
from apps.accounts.models import User
from apps.accounts.permissions import can, permission_required
from apps.audit.services import access_record
from apps.audit.views import history_context
from apps.clients import forms, imports, printing, selectors, services
from apps.clients.models import IMPORT_COLUMNS, CarePlan, Client, ClientContact, ClientLocation
from apps.core import pages
from apps.core.fragments import cached_page
from apps.core.pages import form_page
from apps.core.pdf import pdf_response
from apps.files import uploads


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class HtmxRequest(OrgRequest):
    htmx: HtmxDetails  # set by django-htmx's middleware


# --- the list ---------------------------------------------------------------------------------


@login_required
def client_list(request: OrgRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "status", "location", "staff", "sort")}
    sees_all = selectors.sees_every_client(request.user)
    flags = {
        "may_add": can(request.user, "clients.add_client"),
        "may_import": can(request.user, "clients.import_clients"),
        "may_see_locations": can(request.user, "clients.view_clientlocation"),
    }

    def context() -> dict:
        clients = selectors.client_list(
            request.user,
            query=params["q"],
            status=params["status"],
            # A filter that is not an id (an edited URL) is ignored rather than an error.
            location=params["location"] if _is_uuid(params["location"]) else "",
            staff=params["staff"] if _is_uuid(params["staff"]) else "",
            sort=params["sort"] or "name",
        )
        return {
            **flags,
            "page": Paginator(clients, 25).get_page(request.GET.get("page")),
            "params": params,
            "statuses": Client.Status.choices,
            "locations": ClientLocation.objects.filter(is_active=True).order_by("name") if sees_all else [],
            "staff": selectors.care_team_members() if sees_all else [],
            "sorts": LIST_SORTS,
        }

    # Everyone who sees every client sees the same list; the others, their own care teams.
    scope = "all" if sees_all else str(request.user.pk)
    response, _label = cached_page(
        request, "clients/list.html", key=(scope, *flags.values()), tables=selectors.LIST_TABLES, context=context
    )
    return response


LIST_SORTS = [
    ("name", gettext_lazy("Name")),
    ("-name", gettext_lazy("Name, Z to A")),
    ("client_id", gettext_lazy("Client ID")),
    ("-admission", gettext_lazy("Newest admission")),
]


# --- one client ---------------------------------------------------------------------------------


def _client_page(
    request: OrgRequest, pk: uuid.UUID, template: str, *, tab: str, load, part: str = "", status: int = 200
) -> HttpResponse:
    """A tab of the client's page: 404 for a client the person may not see, 403 for a tab
    (`part`) whose permission they lack; what the tab shows (`load(client)`) is read after."""
    client = selectors.get_client_for_user(request.user, pk)
    flags = selectors.tab_flags(request.user, client)
    if part and not flags[f"may_see_{part}"]:
        raise PermissionDenied
    access_record(obj=client, request=request)
    return render(request, template, {"client": client, "tab": tab, **flags, **load(client)}, status=status)


@login_required
def client_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    user = request.user
    # The permission checks and the access log need only the client's id; guardian answers
    # object-level questions by id too. The record itself is read only to render.
    client = Client(pk=pk)
    flags = selectors.tab_flags(user, client)
    # A stored page proves the person could see this client at these table versions: the
    # scope names who asked (or "all"), and any change to the client or the care teams is a
    # new version. A client that is gone or not theirs raises 404 while rendering, and that
    # is never stored.
    scope = "all" if selectors.sees_every_client(user) else str(user.pk)
    response, name = cached_page(
        request,
        "clients/detail.html",
        key=(str(pk), scope, *flags.values()),
        tables=selectors.OVERVIEW_TABLES,
        context=lambda: _overview(request, pk, flags),
        label=lambda context: str(context["client"]),
    )
    access_record(obj=client, label=name, request=request)
    return response


def _overview(request: OrgRequest, pk: uuid.UUID, flags: dict[str, bool]) -> dict[str, Any]:
    client = selectors.get_client_for_user(request.user, pk)
    return {"client": client, "tab": "overview", "team": selectors.care_team(client), **flags}


@login_required
def client_contacts(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return _client_page(
        request,
        pk,
        "clients/contacts.html",
        tab="contacts",
        part="contacts",
        load=lambda client: {"contacts": selectors.contacts_of(client)},
    )


@login_required
def client_care_plans(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return _client_page(
        request,
        pk,
        "clients/care_plans.html",
        tab="care_plans",
        part="care_plans",
        load=lambda client: {"plans": selectors.care_plans_of(client)},
    )


@login_required
def client_history(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The History tab inside the client's page (the audit app's entries and rules)."""
    return _client_page(
        request,
        pk,
        "clients/history.html",
        tab="history",
        part="history",
        load=lambda client: history_context(request, "clients.client", client.pk),
    )


@login_required
def client_documents(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    return documents_page(request, pk)


def documents_page(request: OrgRequest, pk: uuid.UUID, *, status: int = 200, **extra) -> HttpResponse:
    """The documents tab inside the client's page; the files app renders it here too when an
    upload to it is refused (registered in apps.py)."""
    from apps.files.views import documents_context

    return _client_page(
        request,
        pk,
        "clients/documents.html",
        tab="documents",
        load=lambda client: documents_context(request, client, **extra),
        status=status,
    )


@login_required
@require_POST
def reveal_ssn(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    client = selectors.get_client_for_user(request.user, pk)
    ssn = services.reveal_ssn(client=client, actor=request.user, request=request)
    response = render(request, "clients/partials/_ssn.html", {"client": client, "ssn": ssn})
    response["Cache-Control"] = "no-store"
    return response


def _rows_context(formsets, prefix: str) -> dict:
    return {"formset": formsets[prefix], "prefix": prefix, "legend": forms.ROW_LEGENDS[prefix], "added": True}


CLIENT_ROWS = ("diagnoses", "allergies", "diet")


def _client_form_page(request: HtmxRequest, client: Client | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    add = request.POST.get("add_row", "") if data is not None else ""
    form = forms.ClientForm(data, instance=client or Client())
    formsets = {
        prefix: forms.row_formset(
            prefix,
            data=data,
            initial=forms.rows_initial(getattr(form.instance, forms.ROWS[prefix][1])),
            add=add == prefix,
        )
        for prefix in CLIENT_ROWS
    }
    context = {"formsets": formsets, "client": client}
    if add:
        # "Add a row": the rows as typed, one more, nothing checked or saved.
        if request.htmx:
            return render(request, "clients/partials/_rows.html", _rows_context(formsets, add))
        return render(request, "clients/form.html", {**context, "form": form})

    def save(values: dict[str, Any]) -> Client:
        return services.client_save(
            client=client,
            actor=request.user,
            organization=request.organization,
            secondary_diagnoses=forms.rows_value(formsets["diagnoses"]),
            allergies=forms.rows_value(formsets["allergies"]),
            dietary_restrictions=forms.rows_value(formsets["diet"]),
            **values,
        )

    return form_page(
        request,
        form,
        save=save,
        template="clients/form.html",
        context=context,
        saved_message=_("Saved."),
        valid=lambda: all(formset.is_valid() for formset in formsets.values()),
    )


@login_required
@permission_required("clients.add_client")
def client_create(request: HtmxRequest) -> HttpResponse:
    return _client_form_page(request, None)


@login_required
def client_edit(request: HtmxRequest, pk: uuid.UUID) -> HttpResponse:
    client = selectors.get_client_for_user(request.user, pk)
    if not can(request.user, "clients.change_client", client):
        raise PermissionDenied
    return _client_form_page(request, client)


def _client_for_team(request: OrgRequest, pk: uuid.UUID) -> Client:
    client = selectors.get_client_for_user(request.user, pk)
    if not can(request.user, "clients.manage_care_team", client):
        raise PermissionDenied
    return client


@login_required
@require_POST
def care_team(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    client = _client_for_team(request, pk)
    # Chosen from the search below (radio buttons carrying the person's id), removed by id.
    pk_given = request.POST.get("user", "")
    user = User.objects.filter(pk=pk_given, status=User.Status.ACTIVE).first() if _is_uuid(pk_given) else None
    if user is None:
        messages.error(request, _("Choose a person from the search results."))
    elif request.POST.get("action") == "remove":
        services.care_team_remove(client=client, user=user)
        messages.success(request, _("%(name)s is no longer on the care team.") % {"name": user.get_full_name()})
    else:
        services.care_team_add(client=client, user=user)
        messages.success(request, _("%(name)s is on the care team.") % {"name": user.get_full_name()})
    return redirect(client)


@login_required
def care_team_search(request: HtmxRequest, pk: uuid.UUID) -> HttpResponse:
    """People to add to the care team, by name, email or employee ID: the results alone for
    htmx (under the search box), or the client's page with them when scripts are off."""
    client = _client_for_team(request, pk)
    query = request.GET.get("q", "").strip()[:100]
    context = {"client": client, "query": query, "candidates": selectors.care_team_candidates(client, query)}
    if request.htmx:
        return render(request, "clients/partials/_team_results.html", context)
    return _client_page(request, pk, "clients/care_team_search.html", tab="overview", load=lambda _client: context)


@uploads.streams_upload
@csrf_exempt
@login_required
@require_POST
def client_photo(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The photo streams in through the files app's upload handler (typed from its bytes,
    size-limited, encrypted at rest); CSRF is checked inside, once the handler is set."""
    client = selectors.get_client_for_user(request.user, pk)
    if not can(request.user, "clients.change_client", client):
        raise PermissionDenied

    def saved():
        messages.success(request, _("Photo updated."))
        return redirect(client)

    def refused(error: str):
        # The overview again (rendered, not the cached copy), with the reason, as a 400.
        messages.error(request, error)
        return _client_page(
            request,
            client.pk,
            "clients/detail.html",
            tab="overview",
            load=lambda client: {"team": selectors.care_team(client)},
            status=400,
        )

    return uploads.receive_photo(
        request,
        save=lambda stored: services.client_photo_from_upload(client=client, stored=stored, actor=request.user),
        saved=saved,
        refused=refused,
    )


# --- contacts ---------------------------------------------------------------------------------


@login_required
def contact_edit(request: OrgRequest, pk: uuid.UUID, contact_pk: uuid.UUID | None = None) -> HttpResponse:
    client = selectors.get_client_for_user(request.user, pk)
    if not can(request.user, "clients.change_clientcontact" if contact_pk else "clients.add_clientcontact"):
        raise PermissionDenied
    contact = (
        get_object_or_404(ClientContact, pk=contact_pk, client=client) if contact_pk else ClientContact(client=client)
    )
    if request.method == "POST" and request.POST.get("action") == "delete" and contact.pk and contact_pk:
        if not can(request.user, "clients.delete_clientcontact"):
            raise PermissionDenied
        services.contact_delete(contact=contact)
        messages.success(request, _("Contact removed."))
        return redirect("clients:contacts", pk=client.pk)
    form = forms.ContactForm(request.POST or None, instance=contact)
    return form_page(
        request,
        form,
        save=lambda values: services.contact_save(contact=contact if contact_pk else None, client=client, **values),
        template="clients/contact_form.html",
        context={"client": client, "contact": contact if contact_pk else None},
        saved_message=_("Contact saved."),
        redirect_to=reverse("clients:contacts", args=[client.pk]),
    )


# --- care plans ---------------------------------------------------------------------------------


def _client_for_care_plans(request: OrgRequest, pk: uuid.UUID) -> Client:
    client = selectors.get_client_for_user(request.user, pk)
    if not selectors.may_see_part(request.user, client, "care_plans"):
        raise PermissionDenied
    return client


@login_required
def care_plan(request: OrgRequest, pk: uuid.UUID, plan_pk: uuid.UUID) -> HttpResponse:
    client = _client_for_care_plans(request, pk)
    plan = selectors.get_care_plan(client, plan_pk)
    access_record(obj=client, request=request)
    return render(
        request,
        "clients/care_plan.html",
        {
            "client": client,
            "plan": plan,
            "responsible": User.objects.filter(pk__in=plan.responsible_staff).order_by("first_name"),
            "may_change": can(request.user, "clients.change_careplan"),
            # The author does not see an Approve button the two-person rule would refuse.
            "may_approve": can(request.user, "clients.approve_careplan")
            and not (services.two_person_rule(request.organization) and plan.created_by_id == request.user.pk),
            "revisions": plan.revisions.all(),
        },
    )


def _plan_form_page(request: HtmxRequest, client: Client, plan: CarePlan) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    add = request.POST.get("add_row", "") if data is not None else ""
    editing = not plan._state.adding
    form = forms.CarePlanForm(data, instance=plan)
    formsets = {
        prefix: forms.row_formset(prefix, data=data, initial=getattr(plan, prefix), add=add == prefix)
        for prefix in ("goals", "interventions")
    }
    context = {"client": client, "plan": plan, "formsets": formsets, "editing": editing}
    if add:
        # "Add a row": the rows as typed, one more, nothing checked or saved.
        if request.htmx:
            return render(request, "clients/partials/_rows.html", _rows_context(formsets, add))
        return render(request, "clients/care_plan_form.html", {**context, "form": form})

    def save(values: dict[str, Any]) -> CarePlan:
        return services.care_plan_save(
            plan=plan if editing else None,
            client=client,
            actor=request.user,
            goals=forms.rows_value(formsets["goals"]),
            interventions=forms.rows_value(formsets["interventions"]),
            **values,
        )

    return form_page(
        request,
        form,
        save=save,
        template="clients/care_plan_form.html",
        context=context,
        saved_message=_("Care plan saved."),
        valid=lambda: all(formset.is_valid() for formset in formsets.values()),
    )


@login_required
@permission_required("clients.add_careplan")
def care_plan_create(request: HtmxRequest, pk: uuid.UUID) -> HttpResponse:
    client = selectors.get_client_for_user(request.user, pk)
    return _plan_form_page(request, client, CarePlan(client=client))


@login_required
@permission_required("clients.change_careplan")
def care_plan_edit(request: HtmxRequest, pk: uuid.UUID, plan_pk: uuid.UUID) -> HttpResponse:
    client = selectors.get_client_for_user(request.user, pk)
    plan = selectors.get_care_plan(client, plan_pk)
    if not plan.is_editable:
        messages.error(request, _("An active plan is read-only: revise it to change it."))
        return redirect(plan)
    return _plan_form_page(request, client, plan)


@login_required
@require_POST
def care_plan_action(request: OrgRequest, pk: uuid.UUID, plan_pk: uuid.UUID, action: str) -> HttpResponse:
    client = selectors.get_client_for_user(request.user, pk)
    plan = selectors.get_care_plan(client, plan_pk)
    needed = "clients.approve_careplan" if action == "approve" else "clients.change_careplan"
    if not can(request.user, needed):
        raise PermissionDenied
    steps = {
        "submit": (lambda: services.care_plan_submit(plan=plan), _("Sent for review.")),
        "approve": (
            lambda: services.care_plan_approve(plan=plan, actor=request.user, organization=request.organization),
            _("Approved. The plan is active and its PDF is stored."),
        ),
        "revise": (
            lambda: services.care_plan_revise(plan=plan, actor=request.user),
            _("A new draft was started from this plan."),
        ),
        "archive": (lambda: services.care_plan_archive(plan=plan), _("Archived.")),
    }
    if action not in steps:
        raise Http404
    do, done = steps[action]
    # A revision is a new plan: the page to go back to is the one the step returns.
    return pages.action(request, do, done=done, redirect_to=lambda result: result, refused_redirect_to=plan)


@login_required
def care_plan_pdf(request: OrgRequest, pk: uuid.UUID, plan_pk: uuid.UUID) -> HttpResponse:
    client = _client_for_care_plans(request, pk)
    plan = selectors.get_care_plan(client, plan_pk)
    access_record(obj=client, request=request, via="print care plan")
    pdf = printing.care_plan_pdf(plan=plan, organization=request.organization)
    return pdf_response(pdf, filename=printing.filename(plan))


# --- locations ---------------------------------------------------------------------------------


@login_required
@permission_required("clients.view_clientlocation")
def locations(request: OrgRequest) -> HttpResponse:
    rows = ClientLocation.objects.select_related("manager").order_by("-is_active", "name")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/locations.html",
        {"page": page, "may_change": can(request.user, "clients.change_clientlocation")},
    )


@login_required
def location_edit(request: OrgRequest, location_pk: uuid.UUID | None = None) -> HttpResponse:
    needed = "clients.change_clientlocation" if location_pk else "clients.add_clientlocation"
    if not can(request.user, needed):
        raise PermissionDenied
    location = get_object_or_404(ClientLocation, pk=location_pk) if location_pk else ClientLocation()
    form = forms.LocationForm(request.POST or None, instance=location)
    return form_page(
        request,
        form,
        save=lambda values: services.location_save(location=location if location_pk else None, **values),
        template="clients/location_form.html",
        context={"location": location if location_pk else None},
        saved_message=_("Location saved."),
        redirect_to="clients:locations",
    )


# --- CSV import ---------------------------------------------------------------------------------


@login_required
@permission_required("clients.import_clients", "clients.add_client")
def client_import(request: OrgRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        apply = request.POST.get("action") == "import"
        result = imports.clients_import(
            content=form.cleaned_data["content"], actor=request.user, organization=request.organization, apply=apply
        )
        if apply and result["created"]:
            count = result["created"]
            messages.success(
                request, ngettext("%(count)d client imported.", "%(count)d clients imported.", count) % {"count": count}
            )
            return redirect("clients:list")
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "result": result,
            "content": form.cleaned_data.get("content", "") if form.is_bound and form.is_valid() else "",
            "columns": IMPORT_COLUMNS,
        },
        status=400 if (request.method == "POST" and (not form.is_valid() or (result and result["errors"]))) else 200,
    )
