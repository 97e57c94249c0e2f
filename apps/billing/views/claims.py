"""Claims: the list (filters, totals, keyset pages), one claim with its lines, payments,
adjustments and history, and what a Billing Specialist does with them: build claims for a
period, download an 837P of draft claims, change a status, replace, void, remove a line,
delete a draft."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.billing import claim_selectors as selectors
from apps.billing import claims as services
from apps.billing.models import Claim, Interchange, Payer
from apps.billing.params import date_or_none, require, uuid_or_none
from apps.core import clock, pages
from apps.core.fragments import cached_page


def _next_statuses(claim: Claim) -> list[tuple[str, StrOrPromise]]:
    """The statuses a claim may move to, in the lifecycle's order."""
    allowed = services.TRANSITIONS[claim.status]
    return [(value, label) for value, label in Claim.Status.choices if value in allowed]


def _filters(request: OrgRequest) -> tuple[selectors.Filters, dict[str, str]]:
    """The list's filters from the query string; values that are not ours are ignored."""
    keys = ("status", "payer", "type", "q", "from", "to", "aging")
    params = {k: request.GET.get(k, "").strip()[:100] for k in keys}
    filters = selectors.Filters(
        status=params["status"] if params["status"] in Claim.Status.values else "",
        payer=uuid_or_none(params["payer"]),
        claim_type=params["type"] if params["type"] in Claim.Type.values else "",
        search=params["q"],
        date_from=date_or_none(params["from"]),
        date_to=date_or_none(params["to"]),
        aging=params["aging"] if params["aging"] in selectors.BUCKETS else "",
        today=clock.today(),
    )
    return filters, params


@login_required
def claim_list(request: OrgRequest) -> HttpResponse:
    require(request, "billing.view_claim")
    filters, params = _filters(request)
    may_build = can(request.user, "billing.add_claim")
    may_submit = can(request.user, "billing.submit_claim")
    month = clock.month_start()

    def context() -> dict:
        claims = selectors.claim_list(filters)
        rows, next_cursor = selectors.page_of(claims, request.GET.get("after", "")[:200])
        return {
            "current": "claims",
            "rows": rows,
            "next_cursor": next_cursor,
            "first_page": not request.GET.get("after"),
            "params": params,
            "filtered": any(params.values()),
            "totals": selectors.totals(claims),
            "statuses": Claim.Status.choices,
            "types": Claim.Type.choices,
            "payers": selectors.payers(),
            "may_build": may_build,
            "may_submit": may_submit,
            "month": month.strftime("%Y-%m"),
        }

    # Drawn once per change of what it shows, for each set of rights (the query string and
    # the language are in the key already); the month the summary link names is too, and the
    # aging filters count days from today.
    response, _label = cached_page(
        request,
        "billing/claims.html",
        key=(may_build, may_submit, clock.today()),
        tables=selectors.LIST_TABLES,
        context=context,
    )
    return response


@login_required
def claim_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.view_claim")
    claim = selectors.get_claim(pk)
    access_record(obj=claim, request=request, via="billing")
    may_change = can(request.user, "billing.change_claim")
    page = selectors.claim_page(claim)
    # The history stores status codes; people read the statuses' names in their language.
    labels = dict(Claim.Status.choices)
    for event in page["events"]:
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return render(
        request,
        "billing/claim.html",
        {
            "current": "claims",
            "claim": claim,
            **page,
            "next_statuses": _next_statuses(claim) if may_change else [],
            "may_change": may_change,
            "may_correct": can(request.user, "billing.add_claim")
            and claim.status in services.CORRECTABLE
            and claim.claim_type != Claim.Type.VOID,
            "may_delete": can(request.user, "billing.delete_claim") and claim.status == Claim.Status.DRAFT,
            "may_submit": can(request.user, "billing.submit_claim") and claim.status == Claim.Status.DRAFT,
            "may_download": can(request.user, "billing.submit_claim"),
        },
    )


class BuildForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    payer = forms.ModelChoiceField(
        queryset=Payer.objects.none(),
        required=False,
        label=gettext_lazy("Payer"),
        empty_label=gettext_lazy("Every payer"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = Payer.objects.filter(is_active=True).order_by("name")


@login_required
def claims_build(request: OrgRequest) -> HttpResponse:
    require(request, "billing.add_claim")
    first, last = selectors.month_bounds(clock.month_start() - dt.timedelta(days=1))
    form = BuildForm(request.POST or None, initial={"start": first, "end": last})

    def message(claims: list[Claim]) -> str:
        if not claims:
            return _("No billable service was ready to claim in that period.")
        return ngettext("%(count)d claim built.", "%(count)d claims built.", len(claims)) % {"count": len(claims)}

    return pages.form_page(
        request,
        form,
        save=lambda values: services.claims_build(actor=request.user, **values),
        template="billing/claims_build.html",
        context={"current": "claims"},
        saved_message=message,
        redirect_to=lambda claims: reverse("billing:claims") + "?status=draft",
    )


@login_required
@require_POST
def claims_export(request: OrgRequest) -> HttpResponse:
    """The selected draft claims as one 837P file, downloaded; a refusal goes back to the list."""
    require(request, "billing.submit_claim")
    keys = [key for key in (uuid_or_none(v) for v in request.POST.getlist("claims")[:5000]) if key]
    claims = list(Claim.objects.filter(pk__in=keys))
    try:
        interchange = services.claims_export(claims=claims, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("billing:claims") + "?status=draft")
    response = HttpResponse(interchange.content, content_type="text/plain; charset=ascii")
    response["Content-Disposition"] = f'attachment; filename="{interchange.filename}"'
    return response


@login_required
def claim_file(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    """The 837P a claim was sent in, downloaded again (a clearinghouse that lost it, a resend)."""
    require(request, "billing.submit_claim")
    claim = selectors.get_claim(pk)
    interchange = claim.interchange
    if interchange is None or interchange.kind != Interchange.Kind.CLAIMS_837P:
        raise Http404
    access_record(obj=claim, request=request, via="billing")
    response = HttpResponse(interchange.content, content_type="text/plain; charset=ascii")
    response["Content-Disposition"] = f'attachment; filename="{interchange.filename}"'
    return response


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=Claim.Status.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the statuses this claim can move to: offering the others invited a refusal.
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = _next_statuses(claim)


@login_required
def claim_status(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.change_claim")
    claim = selectors.get_claim(pk)
    form = StatusForm(request.POST or None, claim=claim)
    return pages.form_page(
        request,
        form,
        save=lambda values: services.claim_status_set(claim=claim, actor=request.user, **values),
        template="billing/claim_status.html",
        context={"current": "claims", "claim": claim},
        saved_message=_("Status changed."),
    )


@login_required
@require_POST
def claim_replace(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.add_claim")
    claim = selectors.get_claim(pk)
    return pages.action(
        request,
        lambda: services.claim_replace(claim=claim, actor=request.user),
        done=_("Replacement claim made as a draft."),
        redirect_to=lambda made: made,
        refused_redirect_to=claim,
    )


@login_required
@require_POST
def claim_void(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.add_claim")
    claim = selectors.get_claim(pk)
    return pages.action(
        request,
        lambda: services.claim_void(claim=claim, actor=request.user),
        done=_("Void claim made as a draft."),
        redirect_to=lambda made: made,
        refused_redirect_to=claim,
    )


@login_required
@require_POST
def claim_line_remove(request: OrgRequest, pk: uuid.UUID, line: uuid.UUID) -> HttpResponse:
    require(request, "billing.change_claim")
    claim = selectors.get_claim(pk)
    found = selectors.get_line(claim, line)
    return pages.action(
        request,
        lambda: services.claim_line_remove(claim=claim, line=found, actor=request.user),
        done=_("Line removed; its service is ready to bill again."),
        redirect_to=claim,
    )


@login_required
@require_POST
def claim_delete(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    require(request, "billing.delete_claim")
    claim = selectors.get_claim(pk)
    return pages.action(
        request,
        lambda: services.claim_delete_draft(claim=claim, actor=request.user),
        done=_("Draft claim deleted."),
        redirect_to=reverse("billing:claims"),
        refused_redirect_to=claim,
    )
