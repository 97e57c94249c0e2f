"""The organization's sign-in policy page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from apps.accounts import forms, selectors, services
from apps.accounts.http import SignedInRequest
from apps.accounts.permissions import permission_required
from apps.core.pages import form_page


@login_required
@permission_required("accounts.manage_security")
def security_settings(request: SignedInRequest) -> HttpResponse:
    organization = request.organization
    if organization is None:
        raise Http404
    policy = selectors.security_policy(organization)
    form = forms.SecurityPolicyForm(
        request.POST or None,
        initial={
            "idle_minutes": policy.idle_minutes,
            "absolute_hours": policy.absolute_hours,
            "two_factor": policy.two_factor,
            "two_factor_roles": list(policy.two_factor_roles),
        },
    )
    return form_page(
        request,
        form,
        save=lambda data: services.security_policy_update(
            organization=organization,
            idle_minutes=data["idle_minutes"],
            absolute_hours=data["absolute_hours"],
            two_factor=data["two_factor"],
            two_factor_roles=data["two_factor_roles"],
            actor=request.user,
            request=request,
        ),
        template="accounts/security.html",
        saved_message=_("Sign-in policy saved."),
        redirect_to="accounts:security",
    )
