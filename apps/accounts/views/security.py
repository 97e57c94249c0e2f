"""The organization's sign-in policy page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts import forms, selectors, services
from apps.accounts.permissions import permission_required


@login_required
@permission_required("accounts.manage_security")
def security_settings(request):
    organization = getattr(request, "organization", None)
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
    if request.method == "POST" and form.is_valid():
        try:
            services.security_policy_update(
                organization=organization, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Sign-in policy saved."))
            return redirect("accounts:security")
    return render(request, "accounts/security.html", {"form": form}, status=400 if request.method == "POST" else 200)
