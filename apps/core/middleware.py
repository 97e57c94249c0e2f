from django.http import HttpResponseBadRequest


class RejectNullBytesMiddleware:
    """A NUL byte in a query or form value is never legitimate, and PostgreSQL refuses it
    in text (a 500 deep in a query); answer 400 at the door instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for values in (request.GET, request.POST if request.method == "POST" else None):
            if values is not None and any("\x00" in v for key in values for v in values.getlist(key)):
                return HttpResponseBadRequest("Invalid character in the request.", content_type="text/plain")
        return self.get_response(request)
