"""Billing's overview: where a Billing Specialist starts the day."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from apps.accounts.http import OrgRequest
from apps.billing import access


@login_required
def home(request: OrgRequest) -> HttpResponse:
    if not access.sees_billing(request.user):
        raise PermissionDenied
    return render(request, "billing/home.html", {"current": "home"})
