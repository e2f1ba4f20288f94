"""OpenAPI generation: every ``/api/v1/`` operation but the token call declares ``Request-ID``."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter

REQUEST_ID = OpenApiParameter(
    name="Request-ID",
    type={"type": "string", "format": "uuid"},
    location=OpenApiParameter.HEADER,
    required=True,
    description="A client-made UUID identifying the request; echoed back.",
)


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.path.startswith("/api/v1/") and not self.path.startswith("/api/v1/auth/"):
            params.append(REQUEST_ID)
        return params


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "offices.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


ERROR_SCHEMA = {
    "type": "object",
    "required": ["errorCode", "message", "description", "errors"],
    "properties": {
        "errorCode": {"type": "string"},
        "message": {"type": "string"},
        "description": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["target", "errorCode", "message"],
                "properties": {
                    "target": {"type": "string"},
                    "errorCode": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
ERROR_RESPONSES = {
    "400": "Bad request parameters (field errors name their targets)",
    "401": "Missing, invalid or expired token",
    "403": "The caller's role does not allow this",
    "404": "Not found, or in an office the caller cannot see",
    "405": "Method not allowed",
    "409": "Invalid state or conflict",
    "412": "If-Match does not match the current ETag",
    "413": "Request body too large",
    "415": "The body is not JSON",
    "422": "Unprocessable",
    "429": "Too many requests (see Retry-After)",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
