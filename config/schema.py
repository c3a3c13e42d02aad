"""OpenAPI schema policy: what drf-spectacular cannot infer from the views.

- Reads need no credentials (DjangoModelPermissionsOrAnonReadOnly), so safe methods list
  "no authentication" among their security requirements.
- A request body declared per media type (the BibTeX import: text, multipart or JSON) is
  required; drf-spectacular only infers that for serializers.
- API tokens (config.authentication, knox's) are "Authorization: Token <key>", under the
  scheme name DRF's tokens had ("tokenAuth").
- Every operation can fail the same few ways (bad input, forbidden, not found, not
  acceptable, throttled); `document_errors` declares those responses, as JSON and, for
  exports, as the short plain text the export renderers answer errors with.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import permissions

ERROR = {
    "type": "object",
    "description": 'Either {"detail": message} or field names mapped to lists of messages.',
    "additionalProperties": True,
}
ERROR_CONTENT = {
    "application/json": {"schema": ERROR},
    "text/plain": {"schema": {"type": "string"}},
}
ERRORS = {
    "400": "Bad input: field errors, or an unusable query parameter.",
    "401": "The credentials given are not valid.",
    "403": "Not allowed: writes need a curator's permissions.",
    "404": "No such record, or not one this reader may see.",
    "406": "No representation satisfies the Accept header.",
    "409": "The record is still referred to by others.",
    "415": "Unsupported request media type.",
    "429": "Too many requests: anonymous traffic is throttled.",
}
NOT_FOR_READS = {"403", "409", "415"}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        prefix = self.target.authenticate_header(None)
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=prefix)


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        anonymous_reads = permissions.DjangoModelPermissionsOrAnonReadOnly
        reads = self.method in permissions.SAFE_METHODS
        if reads and anonymous_reads in [type(p) for p in self.view.get_permissions()]:
            auths.append({})
        return auths

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body and isinstance(self.get_request_serializer(), dict):
            body["required"] = True
        return body


def document_errors(result, generator, request, public):
    """Postprocessing hook: declare the error responses of every operation."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.get("responses", {})
            for status, description in ERRORS.items():
                if method == "get" and status in NOT_FOR_READS:
                    continue
                responses.setdefault(status, {"description": description, "content": ERROR_CONTENT})
    return result
