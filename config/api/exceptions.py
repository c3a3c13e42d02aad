"""The one API exception handler: rule violations become 400s and 409s, never 500s.

Services and model `clean()` methods raise Django's `ValidationError`; the API answers it
as a JSON 400 with the same field errors. Deleting a record that others still protect
(a reference with evidence) is a 409 with a plain message. A service that refuses a user
raises Django's `PermissionDenied` with a message: a 403 that keeps it. A database outage
is left to config.middleware: a JSON 503 rendered without the database.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

PROTECTED = "This record is still referred to by others and cannot be deleted."


def field_errors(exc: DjangoValidationError) -> dict:
    """Django's errors in DRF's shape: field name to messages, "non_field_errors" for the rest."""
    errors = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    if isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc))  # keep the service's message
    if isinstance(exc, ProtectedError):
        return Response({"detail": PROTECTED}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
