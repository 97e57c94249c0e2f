"""Payers: the list, a payer with its rates and how many coverages name it, creating and
editing a payer, and adding, changing and deleting its rates."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import permission_required
from apps.billing import payers
from apps.billing.dates import EndNotBeforeStart
from apps.billing.models import Payer, PayerRate
from apps.core.forms import DateInput, IsoDates
from apps.core.pages import action, form_page
from apps.scheduling.dates import SaneDates
from apps.scheduling.models import Service

PAGE_SIZE = 25


class PayerForm(forms.ModelForm):
    class Meta:
        model = Payer
        fields = list(payers.PAYER_FIELDS)
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}


class RateForm(EndNotBeforeStart, IsoDates, SaneDates, forms.ModelForm):
    date_range = ("effective_from", "effective_to")

    class Meta:
        model = PayerRate
        fields = ["service", "rate", "effective_from", "effective_to"]
        widgets = {"effective_from": DateInput(), "effective_to": DateInput()}

    def __init__(self, *args, current_service=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Inactive services stay choosable for the rate that already names one.
        active = Service.objects.filter(is_active=True)
        if current_service is not None:
            active = Service.objects.filter(pk=current_service.pk) | active
        self.fields["service"].queryset = active.order_by("code")


@login_required
@permission_required("billing.view_payer")
def payer_list(request: OrgRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    active = request.GET.get("active", "")
    active = active if active in ("1", "0") else ""
    page = Paginator(payers.payer_list(query=query, active=active), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/payers.html", {"page": page, "query": query, "active": active, "current": "payers"})


@login_required
@permission_required("billing.view_payer")
def payer_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    payer = payers.get_payer(pk)
    context = {
        "payer": payer,
        "rates": payers.rates_of(payer),
        "coverage_count": payer.coverages.count(),
        "current": "payers",
    }
    return render(request, "billing/payer.html", context)


@login_required
@permission_required("billing.add_payer")
def payer_create(request: OrgRequest) -> HttpResponse:
    form = PayerForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda values: payers.payer_save(actor=request.user, **values),
        template="billing/payer_form.html",
        context={"current": "payers"},
        saved_message=_("Payer added."),
    )


@login_required
@permission_required("billing.change_payer")
def payer_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    payer = payers.get_payer(pk)
    form = PayerForm(request.POST or None, initial=model_to_dict(payer, fields=payers.PAYER_FIELDS))
    return form_page(
        request,
        form,
        save=lambda values: payers.payer_save(payer=payer, actor=request.user, **values),
        template="billing/payer_form.html",
        context={"payer": payer, "current": "payers"},
        saved_message=_("Payer saved."),
    )


@login_required
@permission_required("billing.add_payerrate")
def rate_create(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    payer = payers.get_payer(pk)
    form = RateForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda values: payers.payer_rate_set(payer=payer, actor=request.user, **values),
        template="billing/rate_form.html",
        context={"payer": payer, "current": "payers"},
        saved_message=_("Rate added."),
        redirect_to=payer.get_absolute_url(),
    )


@login_required
@permission_required("billing.change_payerrate")
def rate_edit(request: OrgRequest, pk: uuid.UUID, rate_pk: uuid.UUID) -> HttpResponse:
    payer = payers.get_payer(pk)
    rate = payers.get_rate(payer, rate_pk)
    form = RateForm(
        request.POST or None,
        initial=model_to_dict(rate, fields=["service", "rate", "effective_from", "effective_to"]),
        current_service=rate.service,
    )
    return form_page(
        request,
        form,
        save=lambda values: payers.payer_rate_set(payer=payer, rate_obj=rate, actor=request.user, **values),
        template="billing/rate_form.html",
        context={"payer": payer, "rate": rate, "current": "payers"},
        saved_message=_("Rate saved."),
        redirect_to=payer.get_absolute_url(),
    )


@login_required
@require_POST
@permission_required("billing.delete_payerrate")
def rate_delete(request: OrgRequest, pk: uuid.UUID, rate_pk: uuid.UUID) -> HttpResponse:
    payer = payers.get_payer(pk)
    rate = payers.get_rate(payer, rate_pk)
    return action(
        request,
        lambda: payers.payer_rate_delete(rate_obj=rate, actor=request.user),
        done=_("Rate deleted."),
        redirect_to=reverse("billing:payer", args=[payer.pk]),
    )
