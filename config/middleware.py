"""A database outage answers 503 with Retry-After, not a server error.

While the database cannot be reached (Django's OperationalError or InterfaceError), pages
show a short maintenance page and the API answers JSON, both rendered without the
database. DRF's exception handler leaves these errors alone, so API views end here too
(a browsable-API or export renderer could need the database again).
"""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE = "The database is unavailable for a moment. Please try again shortly."
RETRY_AFTER_SECONDS = 30


def unavailable_response(request) -> HttpResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503, headers=headers)
    page = render_to_string("503.html", {"message": DATABASE_UNAVAILABLE})  # no request: no DB
    return HttpResponse(page, status=503, headers=headers)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request)
        return None
