"""Payments (835): the files received, uploading one, and what one file posted and could
not match. Reading a file's claims is logged as an access to the file."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.audit.services import access_record
from apps.billing import remittance_selectors as selectors
from apps.billing.models import Payer
from apps.billing.params import uuid_or_none
from apps.billing.remittance import remittance_import
from apps.core import pages

# An 835 of 10,000 service lines is about 1 MB; ten times that is not a remittance.
MAX_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    filename = ""
    file = forms.FileField(label=gettext_lazy("835 file"), help_text=gettext_lazy("An X12 835 remittance advice."))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        self.filename = upload.name or ""
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not text: an 835 is a plain text file.")) from None


@login_required
def remittance_list(request: OrgRequest) -> HttpResponse:
    if not can(request.user, "billing.view_interchange"):
        raise PermissionDenied
    cursor = request.GET.get("after", "")[:200]
    params = {k: request.GET.get(k, "").strip()[:100] for k in ("q", "payer")}
    rows, next_cursor = selectors.page_of(
        selectors.remittance_list(query=params["q"], payer=uuid_or_none(params["payer"])), cursor
    )
    return render(
        request,
        "billing/remittances.html",
        {
            "rows": rows,
            "next_cursor": next_cursor,
            "first_page": not cursor,
            "params": params,
            "filtered": any(params.values()),
            "payers": Payer.objects.only("pk", "name").order_by("name"),
            "may_post": can(request.user, "billing.post_remittance"),
        },
    )


@login_required
def remittance_upload(request: OrgRequest) -> HttpResponse:
    if not can(request.user, "billing.post_remittance"):
        raise PermissionDenied
    bound = request.method == "POST"
    form = UploadForm(request.POST if bound else None, request.FILES if bound else None)
    return pages.form_page(
        request,
        form,
        save=lambda values: remittance_import(content=values["file"], actor=request.user, filename=form.filename),
        template="billing/remittance_upload.html",
        saved_message=lambda remittance: (
            _("Payment %(trace)s imported: %(claims)s claims posted.")
            % {"trace": remittance.trace_number, "claims": remittance.claim_count}
        ),
        redirect_to=lambda remittance: reverse("billing:remittance", args=[remittance.pk]),
    )


@login_required
def remittance_detail(request: OrgRequest, pk: uuid.UUID) -> HttpResponse:
    if not can(request.user, "billing.view_interchange"):
        raise PermissionDenied
    remittance = selectors.get_remittance(pk)
    access_record(obj=remittance, request=request, via="billing")
    return render(
        request,
        "billing/remittance.html",
        {"remittance": remittance, "claims": selectors.posted_claims(remittance)},
    )
