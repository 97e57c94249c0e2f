"""Service authorizations: the list with utilization bars, one authorization with its
billable services, and creating or changing one."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.models import fields_for_model, model_to_dict
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.billing import lists
from apps.billing.authorizations import FIELDS, authorization_save, utilization
from apps.billing.models import Payer, ServiceAuthorization
from apps.billing.params import require, uuid_or_none
from apps.clients.models import Client
from apps.core import clock, pages
from apps.scheduling.models import Service


@login_required
def authorization_list(request: OrgRequest) -> HttpResponse:
    require(request, "billing.view_serviceauthorization")
    keys = ("status", "payer", "service", "ending", "near", "used_up", "q")
    params = {k: request.GET.get(k, "").strip()[:100] for k in keys}
    filters = lists.AuthorizationFilters(
        status=params["status"] if params["status"] in ServiceAuthorization.Status.values else "",
        payer=uuid_or_none(params["payer"]),
        service=uuid_or_none(params["service"]),
        ending_soon=params["ending"] == "1",
        near_limit=params["near"] == "1",
        used_up=params["used_up"] == "1",
        query=params["q"],
    )
    today = clock.today()
    rows, next_cursor = lists.authorization_page(
        lists.authorization_list(filters, today=today), request.GET.get("after", "")[:200]
    )
    use = utilization(rows, today=today)
    for row in rows:
        row.use = use[row.pk]
    return render(
        request,
        "billing/authorizations.html",
        {
            "current": "authorizations",
            "rows": rows,
            "next_cursor": next_cursor,
            "first_page": not request.GET.get("after"),
            "params": params,
            "filtered": any(params.values()),
            "statuses": ServiceAuthorization.Status.choices,
            "payers": Payer.objects.only("pk", "name").order_by("name"),
            "services": Service.objects.only("pk", "code", "name").order_by("code"),
            "may_add": can(request.user, "billing.add_serviceauthorization"),
        },
    )


@login_required
def authorization_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.view_serviceauthorization")
    authorization = lists.get_authorization(pk)
    access_record(obj=authorization, request=request, via="billing")
    billables: list = []
    if can(request.user, "billing.view_billableservice"):
        billables, _cursor = lists.billable_page(
            lists.billable_list(lists.BillableFilters(authorization=authorization.pk))
        )
    return render(
        request,
        "billing/authorization.html",
        {
            "current": "authorizations",
            "authorization": authorization,
            "use": utilization([authorization])[authorization.pk],
            "billables": billables,
            "may_change": can(request.user, "billing.change_serviceauthorization"),
        },
    )


class AuthorizationForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(ServiceAuthorization, fields=FIELDS))
        self.fields["client"].queryset = Client.objects.order_by("last_name", "first_name")
        self.fields["payer"].queryset = Payer.objects.filter(is_active=True).order_by("name")
        self.fields["service"].queryset = Service.objects.filter(is_active=True).order_by("code")
        for name in ("start_date", "end_date"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == ServiceAuthorization.Period.TOTAL:
            data["period_units"] = None
        return data


def _form_page(request: OrgRequest, authorization: ServiceAuthorization | None) -> HttpResponse:
    initial = model_to_dict(authorization, fields=FIELDS) if authorization else {"start_date": clock.today()}
    form = AuthorizationForm(request.POST or None, initial=initial)
    return pages.form_page(
        request,
        form,
        save=lambda data: authorization_save(authorization=authorization, actor=request.user, **data),
        template="billing/authorization_form.html",
        context={"current": "authorizations", "authorization": authorization},
        saved_message=_("Authorization saved."),
    )


@login_required
def authorization_create(request: OrgRequest) -> HttpResponse:
    require(request, "billing.add_serviceauthorization")
    return _form_page(request, None)


@login_required
def authorization_edit(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.change_serviceauthorization")
    return _form_page(request, lists.get_authorization(pk))
