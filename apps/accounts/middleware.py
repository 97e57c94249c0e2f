"""Session lifetime (idle and absolute) and two-factor enforcement, on every request."""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.accounts import selectors, services

# Activity is written back at most this often (seconds), so idle detection costs no
# session write on most requests.
TOUCH_EVERY = 60


class SessionSecurityMiddleware:
    """Sign out sessions that were idle longer than the organization allows, or that
    outlived the absolute lifetime. The page warns a minute before (static/js/session.js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # Every host runs this, the public one too (platform operators), where there is no
            # organization and the platform's policy applies: the request is not an OrgRequest.
            policy = selectors.security_policy(getattr(request, "organization", None))
            request.session_policy = policy
            session = request.session
            now = time.time()
            started = session.get(services.SESSION_STARTED)
            last_seen = session.get(services.SESSION_LAST_SEEN)
            if started is None or last_seen is None:
                # A session made outside sign_in() (a test's force_login): start its clocks.
                session[services.SESSION_STARTED] = session.get(services.SESSION_STARTED, now)
                session[services.SESSION_LAST_SEEN] = now
            elif now - last_seen > policy.idle_minutes * 60 or now - started > policy.absolute_hours * 3600:
                services.sign_out(request=request, reason="expired")
                if request.htmx:
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = reverse("accounts:sign_in")
                    return response
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{reverse('accounts:sign_in')}?{_next(request)}")
            elif now - last_seen > TOUCH_EVERY:
                services.session_touch(request=request)
        return self.get_response(request)


# What a signed-in user may load before the second factor, whatever their state.
_ALWAYS_OPEN = (
    "/accounts/sign-out/",
    "/static/",
    "/theme.css",
    "/language/",
    "/favicon.ico",
    "/healthz",
    "/accounts/session/keepalive/",
)


def _next(request) -> str:
    return urlencode({"next": request.get_full_path()})


class TwoFactorMiddleware:
    """After the password, a user with an authenticator may open only the code page; a user
    whom the policy requires to have one may open only the set-up page. Everything else,
    the other two-factor pages included, waits for the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(_ALWAYS_OPEN):
            if user.two_factor_enabled:
                verify = reverse("accounts:two_factor_verify")
                if request.path != verify:
                    return redirect(f"{verify}?{_next(request)}")
            else:
                setup = reverse("accounts:two_factor_setup")
                # No organization on the public host: see SessionSecurityMiddleware.
                policy = getattr(request, "session_policy", None) or selectors.security_policy(
                    getattr(request, "organization", None)
                )
                if policy.requires_two_factor(user) and request.path != setup:
                    return redirect(setup)
        return self.get_response(request)
