"""A client's Billing tab: their coverages (the one in force today marked) with adding,
changing and deleting them. Every view of it is in the access log, as the client's other tabs."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can, permission_required
from apps.audit.services import access_record
from apps.billing import coverage as coverages
from apps.billing.authorizations import utilization
from apps.billing.dates import EndNotBeforeStart
from apps.billing.models import Coverage, Payer, ServiceAuthorization
from apps.clients import selectors as clients
from apps.clients.models import Client
from apps.core import clock
from apps.core.forms import DateInput, IsoDates
from apps.core.pages import action, form_page
from apps.scheduling.dates import SaneDates

FIELDS = list(coverages.COVERAGE_FIELDS)


class CoverageForm(EndNotBeforeStart, IsoDates, SaneDates, forms.ModelForm):
    class Meta:
        model = Coverage
        fields = FIELDS
        widgets = {
            "subscriber_date_of_birth": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        help_texts = {
            "subscriber_first_name": gettext_lazy("Only when the client is not the subscriber (a parent's plan)."),
        }

    def __init__(self, *args, current_payer=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An inactive payer stays choosable for the coverage that already names it.
        payers = Payer.objects.filter(is_active=True)
        if current_payer is not None:
            payers = Payer.objects.filter(pk=current_payer.pk) | payers
        self.fields["payer"].queryset = payers.order_by("name")


def _coverage(request: OrgRequest, pk: uuid.UUID) -> tuple[Coverage, Client]:
    """The coverage and its client, 404 when the person does not see the client."""
    coverage = coverages.get_coverage(pk)
    return coverage, clients.get_client_for_user(request.user, coverage.client_id)


def _tab_url(client: Client) -> str:
    return reverse("billing:client", args=[client.pk])


@login_required
@permission_required("billing.view_coverage")
def client_billing(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    client = clients.get_client_for_user(request.user, pk)
    flags = clients.tab_flags(request.user, client)
    access_record(obj=client, request=request, via="billing")
    today = clock.today(request.organization)
    rows = coverages.coverages_of(client)
    context = {
        "client": client,
        "tab": "billing",
        "coverages": rows,
        "current_pks": {c.pk for c in rows if c.covers(today)},
        "today": today,
        **flags,
    }
    if can(request.user, "billing.view_serviceauthorization"):
        context["authorizations"] = _authorizations_of(client, today)
    return render(request, "billing/client.html", context)


def _authorizations_of(client: Client, today) -> list[ServiceAuthorization]:
    """The client's authorizations, latest first, each with its use (three queries in all)."""
    rows = list(
        ServiceAuthorization.objects.filter(client=client)
        .select_related("payer", "service")
        .order_by("-end_date", "id")
    )
    use = utilization(rows, today=today)
    for row in rows:
        row.use = use[row.pk]  # type: ignore[attr-defined]
    return rows


@login_required
@permission_required("billing.add_coverage")
def coverage_create(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    client = clients.get_client_for_user(request.user, pk)
    form = CoverageForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda values: coverages.coverage_save(client=client, actor=request.user, **values),
        template="billing/coverage_form.html",
        context={"client": client},
        saved_message=_("Coverage added."),
        redirect_to=_tab_url(client),
    )


@login_required
@permission_required("billing.change_coverage")
def coverage_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    coverage, client = _coverage(request, pk)
    access_record(obj=client, request=request, via="billing")
    form = CoverageForm(
        request.POST or None, initial=model_to_dict(coverage, fields=FIELDS), current_payer=coverage.payer
    )
    return form_page(
        request,
        form,
        save=lambda values: coverages.coverage_save(client=client, coverage=coverage, actor=request.user, **values),
        template="billing/coverage_form.html",
        context={"client": client, "coverage": coverage},
        saved_message=_("Coverage saved."),
        redirect_to=_tab_url(client),
    )


@login_required
@require_POST
@permission_required("billing.delete_coverage")
def coverage_delete(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    coverage, client = _coverage(request, pk)
    return action(
        request,
        lambda: coverages.coverage_delete(coverage=coverage, actor=request.user),
        done=_("Coverage deleted."),
        redirect_to=_tab_url(client),
    )
