"""Signing in and out: the sign-in page, django-axes' hooks, keeping a session alive, the
Django admin's sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts import forms, services
from apps.accounts.http import AnyHostRequest
from apps.accounts.models import AuthEvent, User
from apps.core.throttle import throttled


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    # Only a path on this host: every "next" the app writes is one, and redirect() would take
    # a bare word ("?next=x") for a view's name and fail with NoReverseMatch, a 500.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


_STATUS_MESSAGES = {
    User.Status.PENDING: gettext_lazy(
        "Your account is not active yet: use the link in your invitation email to set a password."
    ),
    User.Status.SUSPENDED: gettext_lazy("Your account is suspended. Contact your administrator."),
    User.Status.INACTIVE: gettext_lazy("Your account is no longer active. Contact your administrator."),
}


@never_cache
@throttled("sign_in")
def sign_in(request: AnyHostRequest) -> HttpResponse:
    # Not a form_page: a refused sign-in is no service's ValidationError (the message depends
    # on the account's state) and django-axes may answer instead, with its lockout page.
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        user = authenticate(request, username=email, password=password)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is not None:
            services.sign_in(request=request, user=user)
            return redirect(safe_next(request))
        known = User.objects.filter(email=email).first()
        # The targeted account (when there is one) sees the failure in its history.
        services.auth_event_record(kind=AuthEvent.Kind.SIGN_IN_FAILED, request=request, email=email, user=known)
        if known is not None and known.status in _STATUS_MESSAGES and known.check_password(password):
            # The right password for an account that may not sign in: say why.
            form.add_error(None, _STATUS_MESSAGES[User.Status(known.status)])
        else:
            form.add_error(None, _("That email address and password do not match an account here."))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in.html", {"form": form, "next": safe_next(request, "")}, status=status)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: the lowercased email."""
    value = (credentials or {}).get("username") or request.POST.get("email", "")
    return str(value).strip().lower()[:255]


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes' lockout response: a clear message, status 429."""
    email = (credentials or {}).get("username") or request.POST.get("email", "")
    services.auth_event_record(kind=AuthEvent.Kind.LOCKED_OUT, request=request, email=str(email)[:255])
    response = render(
        request, "accounts/locked_out.html", {"cooloff_minutes": int(settings.AXES_COOLOFF_TIME * 60)}, status=429
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME * 3600))
    return response


@require_POST
def sign_out(request: AnyHostRequest) -> HttpResponse:
    services.sign_out(request=request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:sign_in")


@require_POST
def keepalive(request: AnyHostRequest) -> HttpResponse:
    """The 'Stay signed in' button: activity, without leaving the page (401 once the
    session has ended, so the page knows to go to sign-in)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    services.session_touch(request=request)
    return HttpResponse(status=204)


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The Django admin signs in through our sign-in (lockout, 2FA, session records).

    Someone already signed in who lands here lacks admin access: tell them so, rather
    than sending them to sign in again (and back here, for ever)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    target = reverse("accounts:sign_in")
    return redirect(f"{target}?next={safe_next(request, reverse('admin:index'))}")
