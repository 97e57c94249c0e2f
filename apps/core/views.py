import sys

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from apps.core.errors import ServiceUnavailable


def hello(request):
    """The benchmark ceiling: the whole middleware stack, no template, no query."""
    return HttpResponse(b"hello", content_type="text/plain")


@never_cache
def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(b"ok", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


# What a database that is restarting, unreachable or out of connections raises: Django's
# wrappers, and psycopg's own where one escapes them (a connection being opened).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def server_error(request):
    """The error page, rendered with no context processor, no session and no query, since
    whatever failed may fail again here.

    A request that met the database restarting or unreachable, or another service it needs
    down (ServiceUnavailable: file storage full or unreachable), gets a 503 saying to try
    again in a moment (a database connection is replaced on the next request:
    CONN_HEALTH_CHECKS); anything else is the plain 500."""
    error = sys.exc_info()[1]
    if isinstance(error, (*DATABASE_UNAVAILABLE, ServiceUnavailable)):
        # "Try again" repeats a page that was being read; a form's POST cannot be repeated
        # by a link (its address may answer only POST), so that person goes back instead.
        # One leading slash only: "//host/..." would be a link to another site.
        retry = "/" + request.get_full_path().lstrip("/") if request.method == "GET" else None
        response = HttpResponse(loader.render_to_string("503.html", {"retry": retry}), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def set_language(request, code):
    """Remember the visitor's language in a cookie and go back where they were.

    A link rather than a form, so pages need no CSRF token just to offer the switch; it
    changes nothing but the visitor's own preference.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404("unknown language")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
