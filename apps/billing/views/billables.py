"""Billable services: the review queue with blocking reasons, generating a period's services,
re-checking, voiding, one service's page and entering one by hand."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.billing import lists, validation
from apps.billing.generation import (
    OPEN_STATUSES,
    billable_create_manual,
    billable_void,
    billables_generate,
    billables_recheck,
)
from apps.billing.models import BillableService, Claim, Payer
from apps.billing.params import date_or_none, require, uuid_or_none
from apps.clients.models import Client
from apps.core import clock, pages
from apps.core.fragments import cached_page
from apps.scheduling.models import Service
from apps.staff.models import Staff


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        if start and end and (end - start).days > 92:
            self.add_error("end", _("Generate at most three months at a time."))
        return data


def _last_month() -> dict[str, dt.date]:
    first = clock.month_start()
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return {"start": previous, "end": first - dt.timedelta(days=1)}


@login_required
def review(request: OrgRequest) -> HttpResponse:
    require(request, "billing.view_billableservice")
    keys = ("status", "reason", "payer", "q", "from", "to")
    params = {k: request.GET.get(k, "").strip()[:100] for k in keys}
    filters = lists.BillableFilters(
        status=params["status"] if params["status"] in BillableService.Status.values else "",
        reason=params["reason"] if params["reason"] in validation.CODES else "",
        payer=uuid_or_none(params["payer"]),
        query=params["q"],
        date_from=date_or_none(params["from"]),
        date_to=date_or_none(params["to"]),
    )
    may_add = can(request.user, "billing.add_billableservice")
    may_change = can(request.user, "billing.change_billableservice")

    def context() -> dict:
        rows, next_cursor = lists.billable_page(lists.billable_list(filters), request.GET.get("after", "")[:200])
        for row in rows:
            row.reason_labels = validation.labels(row.blocking_reasons)
        return {
            "current": "review",
            "rows": rows,
            "next_cursor": next_cursor,
            "first_page": not request.GET.get("after"),
            "params": params,
            "filtered": any(params.values()),
            "statuses": BillableService.Status.choices,
            "reasons": [(code, validation.label(code)) for code in validation.CODES],
            "payers": Payer.objects.only("pk", "name").order_by("name"),
            "may_add": may_add,
            "may_change": may_change,
            "generate_form": PeriodForm(initial=_last_month()) if may_add else None,
        }

    # Drawn once per change of what it shows, for each set of rights (the query string and
    # the language are in the key already); the generate form's default month is too.
    response, _label = cached_page(
        request,
        "billing/review.html",
        key=(may_add, may_change, clock.month_start()),
        tables=lists.REVIEW_TABLES,
        context=context,
    )
    return response


@login_required
def generate(request: OrgRequest) -> HttpResponse:
    require(request, "billing.add_billableservice")
    form = PeriodForm(request.POST or None, initial=_last_month())

    def done(result) -> str:
        return _("%(created)s billable services made: %(ready)s ready, %(blocked)s blocked.") % {
            "created": result.created,
            "ready": result.ready,
            "blocked": result.blocked,
        }

    return pages.form_page(
        request,
        form,
        save=lambda data: billables_generate(start=data["start"], end=data["end"], actor=request.user),
        template="billing/generate.html",
        context={"current": "review"},
        saved_message=done,
        redirect_to=lambda _result: reverse("billing:review"),
    )


@login_required
@require_POST
def recheck_all(request: OrgRequest) -> HttpResponse:
    require(request, "billing.change_billableservice")
    return pages.action(
        request,
        lambda: billables_recheck(queryset_or_ids=BillableService.objects.filter(status__in=OPEN_STATUSES)),
        done=lambda changed: _("Checked again: %(changed)s changed.") % {"changed": changed},
        redirect_to=reverse("billing:review"),
    )


@login_required
def billable_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.view_billableservice")
    billable = lists.get_billable(pk)
    access_record(obj=billable, request=request, via="billing")
    return render(
        request,
        "billing/billable.html",
        {
            "current": "review",
            "billable": billable,
            "reason_labels": validation.labels(billable.blocking_reasons),
            # The claims it was billed on (an initial, then a replacement or void), to open from here.
            "claims": list(Claim.objects.filter(lines__billable_service=billable).distinct().order_by("created_at"))
            if can(request.user, "billing.view_claim")
            else [],
            "may_change": can(request.user, "billing.change_billableservice") and billable.status in OPEN_STATUSES,
        },
    )


@login_required
@require_POST
def billable_recheck(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.change_billableservice")
    billable = lists.get_billable(pk)
    return pages.action(
        request,
        lambda: billables_recheck(queryset_or_ids=[billable.pk]),
        done=_("Checked again."),
        redirect_to=billable,
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it void?"), widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def billable_void_page(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.change_billableservice")
    billable = lists.get_billable(pk)
    return pages.form_page(
        request,
        VoidForm(request.POST or None),
        save=lambda data: billable_void(billable=billable, actor=request.user, reason=data["reason"]),
        template="billing/billable_void.html",
        context={"current": "review", "billable": billable},
        saved_message=_("The service is void."),
    )


class ManualForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=gettext_lazy("Client"))
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=gettext_lazy("Staff"))
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=gettext_lazy("Service"))
    service_date = forms.DateField(
        label=gettext_lazy("Date of service"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(label=gettext_lazy("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=gettext_lazy("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    units = forms.DecimalField(
        label=gettext_lazy("Units"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=gettext_lazy("Leave empty to count them from the times by the service's rule."),
    )
    reason = forms.CharField(label=gettext_lazy("Why is it entered by hand?"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.order_by("last_name", "first_name")
        self.fields["staff"].queryset = Staff.objects.order_by("last_name", "first_name")
        self.fields["service"].queryset = Service.objects.filter(is_active=True).order_by("code")


@login_required
def billable_create(request: OrgRequest) -> HttpResponse:
    require(request, "billing.add_billableservice")
    form = ManualForm(request.POST or None, initial={"service_date": clock.today()})
    return pages.form_page(
        request,
        form,
        save=lambda data: billable_create_manual(actor=request.user, **data),
        template="billing/billable_form.html",
        context={"current": "review"},
        saved_message=_("Billable service saved."),
    )
