from django.http import HttpResponse
from django.shortcuts import render
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
