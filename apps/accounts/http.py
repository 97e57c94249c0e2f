"""The request a view in an organization's URLconf receives, typed.

The tenant middleware sets `organization` on every request to an organization's host before
any of its views run, so these views read `request.organization` and nothing else (code that
has no request reads `apps.core.tenancy.current_organization()`). Behind `login_required`
the user is one of the organization's people.
"""

from __future__ import annotations

from django.http import HttpRequest

from apps.accounts.models import User
from apps.tenants.models import Organization


class OrgRequest(HttpRequest):
    organization: Organization
    tenant: Organization
    user: User  # type: ignore[assignment]  # signed in: the views that take it are behind login_required


class AnyHostRequest(HttpRequest):
    """A request to the accounts pages, which the platform's public host serves too: its
    operators sign in, set up two-factor and change their password there. The tenant
    middleware sets `organization` on every request, to None on the public host."""

    organization: Organization | None


class SignedInRequest(AnyHostRequest):
    user: User  # type: ignore[assignment]  # signed in: the views that take it are behind login_required
