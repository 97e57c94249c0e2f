"""Accounts receivable: what each payer still owes, aged since the claims were sent; and a
month's billing summary as a PDF."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.http import OrgRequest
from apps.audit.services import access_record
from apps.billing import claim_selectors as selectors
from apps.billing.params import require
from apps.core import clock
from apps.core.pdf import logo_data_url, pdf_response
from apps.tenants import theme


@login_required
def receivables(request: OrgRequest) -> HttpResponse:
    require(request, "billing.view_claim")
    today = clock.today()
    rows, sums = selectors.receivables(today)
    return render(
        request,
        "billing/receivables.html",
        {
            "current": "receivables",
            "rows": rows,
            "sums": sums,
            "buckets": selectors.BUCKETS,
            "today": today,
            "month": clock.month_start().strftime("%Y-%m"),
        },
    )


def _month(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except (ValueError, TypeError):
        return None


@login_required
def summary_pdf(request: OrgRequest) -> HttpResponse:
    """The month's summary (`?month=YYYY-MM`, this month by default) as a PDF."""
    from apps.core.pdf import render_pdf

    require(request, "billing.view_claim")
    month = _month(request.GET.get("month", "")[:7]) or clock.month_start()
    organization = request.organization
    data = selectors.summary(month)
    access_record(obj=organization, request=request, via="billing", label=f"Billing summary {month:%Y-%m}")
    with timezone.override(clock.zone(organization)):
        pdf = render_pdf(
            template="billing/summary_pdf.html",
            context={
                **data,
                "organization": organization,
                "logo": logo_data_url(organization),
                # Headings in the brand colour on white paper: darkened if too light to read.
                "color": theme.ink_on_page(getattr(organization, "primary_color", "") or theme.DEFAULT_PRIMARY),
                "printed_at": timezone.localtime(),
            },
        )
    return pdf_response(pdf, filename=f"billing-summary-{month:%Y-%m}.pdf")
