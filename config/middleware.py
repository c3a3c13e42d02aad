"""A database outage, or a request over its time budget, answers 503 with Retry-After, not a
server error.

While the database cannot be reached (Django's OperationalError or InterfaceError), pages
show a short maintenance page and the API answers JSON, both rendered without the
database. DRF's exception handler leaves these errors alone, so API views end here too
(a browsable-API or export renderer could need the database again). A statement PostgreSQL
cancelled at the request's `statement_timeout` (psycopg's QueryCanceled, an
OperationalError) is answered the same way, saying the server is busy.
"""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from psycopg.errors import QueryCanceled

DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE = "The database is unavailable for a moment. Please try again shortly."
SERVER_BUSY = (
    "The server is busy: this request took longer than its time budget. Please try again shortly."
)
RETRY_AFTER_SECONDS = 30


def unavailable_response(request, message: str = DATABASE_UNAVAILABLE) -> HttpResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503, headers=headers)
    heading = "Busy" if message == SERVER_BUSY else "Down for maintenance"
    page = render_to_string("503.html", {"message": message, "heading": heading})  # no DB
    return HttpResponse(page, status=503, headers=headers)


def over_budget(exception: Exception) -> bool:
    """Was this a statement PostgreSQL cancelled at the statement timeout?"""
    return isinstance(exception.__cause__, QueryCanceled)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            busy = over_budget(exception)
            return unavailable_response(request, SERVER_BUSY if busy else DATABASE_UNAVAILABLE)
        return None
