"""The request to an organization's host, typed, for the tenants app's own views.

apps.accounts.http.OrgRequest is the one the apps' views take; the tenants app sits below
accounts and cannot import it, so its views on organization hosts (the home page, the
favicon) take this one: the organization, set by OrganizationMiddleware before any view runs.
"""

from __future__ import annotations

from django.http import HttpRequest

from apps.tenants.models import Organization


class OrganizationRequest(HttpRequest):
    organization: Organization
    tenant: Organization
