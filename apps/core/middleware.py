from django.conf import settings
from django.http import HttpResponseBadRequest


class RejectNullBytesMiddleware:
    """A NUL byte in a query or form value is never legitimate, and PostgreSQL refuses it
    in text (a 500 deep in a query); answer 400 at the door instead.

    Form values are read once the view is known: a view that streams uploads (marked
    `streams_upload`) must set its upload handler before anything reads the body, and its
    forms refuse NUL bytes themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_null(request.GET):
            return self._refuse()
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method == "POST"
            and not getattr(view_func, "streams_upload", False)
            and self._has_null(request.POST)
        ):
            return self._refuse()
        return None

    @staticmethod
    def _has_null(values) -> bool:
        return any("\x00" in v for key in values for v in values.getlist(key))

    @staticmethod
    def _refuse():
        return HttpResponseBadRequest("Invalid character in the request.", content_type="text/plain")


class PermissionsPolicyMiddleware:
    """Permissions-Policy (settings.PERMISSIONS_POLICY) on every response, static files and
    the tenant middleware's own 404 and 403 included: it sits above both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class MethodNotAllowedPageMiddleware:
    """An address that only takes a form's POST (running the rules, checking a domain) answers
    a GET with 405 and, from Django, an empty body: a bookmark or the browser's history then
    shows a blank page. A person opening it gets a page saying what happened, with the way
    back to the page the form is on (the address one level up); the status and Allow stay."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.method not in ("GET", "HEAD") or response.content:
            return response
        from django.shortcuts import render

        parent = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
        page = render(request, "405.html", {"back": parent}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
