"""The request a view in an organization's URLconf receives, typed.

The tenant middleware sets `organization` on every request to an organization's host before
any of its views run, so these views read `request.organization` and nothing else (code that
has no request reads `apps.core.tenancy.current_organization()`). Behind `login_required`
the user is one of the organization's people.

The accounts pages are served on the platform's public host too (its operators sign in, set
up two-factor and change their password there), where the middleware sets `organization` to
None: they take an AnyHostRequest, and an OrgRequest is one.
"""

from __future__ import annotations

from django.http import HttpRequest

from apps.accounts.models import User
from apps.tenants.models import Organization


class AnyHostRequest(HttpRequest):
    organization: Organization | None


class SignedInRequest(AnyHostRequest):
    user: User  # type: ignore[assignment]  # signed in: the views that take it are behind login_required


class OrgRequest(AnyHostRequest):
    organization: Organization
    tenant: Organization
    user: User  # type: ignore[assignment]  # signed in: the views that take it are behind login_required
