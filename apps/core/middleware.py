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
