"""Billing's overview: where a Billing Specialist starts the day. Each number is one aggregate
query, shown to those who may open what it counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from apps.accounts.http import OrgRequest
from apps.accounts.permissions import can
from apps.billing import access, identity, overview
from apps.core import clock


@login_required
def home(request: OrgRequest) -> HttpResponse:
    user = request.user
    if not access.sees_billing(user):
        raise PermissionDenied
    context: dict = {"current": "home"}
    if can(user, "billing.view_billableservice"):
        context["billable"] = overview.billable_counts()
    if can(user, "billing.view_claim"):
        context["claims"] = overview.claims_by_status()
        context["identity_missing"] = not identity.billing_identity(request.organization).complete
    if can(user, "billing.view_serviceauthorization"):
        context["authorizations_ending"] = overview.authorizations_ending(clock.today(request.organization))
        context["ending_days"] = overview.ENDING_SOON_DAYS
        context["authorizations_near_limit"] = overview.authorizations_near_limit()
    if can(user, "billing.view_payer"):
        context["payers"] = overview.payer_counts()
    return render(request, "billing/home.html", context)
