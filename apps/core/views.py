from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


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
