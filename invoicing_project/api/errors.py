"""One exception handler: every API error leaves in the primary seed's error shape.

Covers domain errors, DRF's own exceptions (validation, parse, 401/403/404/405/406/415/429),
Django's Http404 / PermissionDenied, and the JSON 404/500 handlers for unknown ``/api/`` paths.
"""

import logging
import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from invoicing_project.errors import DomainError, FieldError

logger = logging.getLogger(__name__)

MESSAGES: dict[str, tuple[str, str]] = {
    "BAD_REQUEST_PARAMETERS": (
        "Invalid request parameters",
        "Request parameters are missing or have invalid type.",
    ),
    "UNAUTHORIZED": ("Unauthorized", "Authentication credentials are missing or invalid."),
    "TOKEN_EXPIRED": ("Token expired", "The access token has expired; request a new one."),
    "FORBIDDEN": ("Forbidden", "You do not have permission to perform this action."),
    "NOT_FOUND": ("Not found", "The requested resource was not found."),
    "METHOD_NOT_ALLOWED": ("Method not allowed", "The HTTP method is not allowed here."),
    "NOT_ACCEPTABLE": ("Not acceptable", "The requested response format is not available."),
    "UNSUPPORTED_MEDIA_TYPE": (
        "Unsupported media type",
        "The request body must be JSON (Content-Type: application/json).",
    ),
    "TOO_MANY_REQUESTS": ("Too many requests", "Request was throttled; try again later."),
    "PAYLOAD_TOO_LARGE": ("Payload too large", "The request body is larger than allowed."),
    "PRECONDITION_FAILED": (
        "Precondition failed",
        "The resource changed since you read it (If-Match does not match its ETag).",
    ),
    "INTERNAL_ERROR": ("Internal error", "An unexpected error occurred."),
}

# DRF error codes that mean "wrong JSON type" rather than "wrong value".
TYPE_CODES = {"invalid_type", "not_a_list", "not_a_dict", "not_a_string"}
REQUIRED_CODES = {"required", "null", "blank"}


def error_body(
    error_code: str,
    description: str | None = None,
    errors: list[FieldError] | None = None,
    message: str | None = None,
) -> dict:
    default_message, default_description = MESSAGES.get(error_code, (error_code, ""))
    return {
        "errorCode": error_code,
        "message": message or default_message,
        "description": description or default_description,
        "errors": [
            {"target": e.target, "errorCode": e.error_code, "message": e.message}
            for e in errors or []
        ],
    }


def _join(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    if key == "non_field_errors":
        return prefix
    return f"{prefix}.{key}" if prefix else str(key)


def flatten_validation(detail, prefix: str = "") -> list[FieldError]:
    """DRF's nested ``ValidationError.detail`` -> flat field errors with dotted targets."""
    if isinstance(detail, dict):
        out: list[FieldError] = []
        for key, value in detail.items():
            out.extend(flatten_validation(value, _join(prefix, key)))
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list) and item:
                out.extend(flatten_validation(item, _join(prefix, index)))
            elif isinstance(item, exceptions.ErrorDetail):
                out.append(_field_error(prefix, item))
        return out
    if isinstance(detail, exceptions.ErrorDetail):
        return [_field_error(prefix, detail)]
    return []


def _field_error(target: str, detail: exceptions.ErrorDetail) -> FieldError:
    target = target or "body"
    code = getattr(detail, "code", None) or "invalid"
    if code in REQUIRED_CODES:
        return FieldError(
            target, "VALUE_REQUIRED", f"Mandatory request parameter {target} is missing"
        )
    if code in TYPE_CODES or (
        code == "invalid" and str(detail).startswith("Invalid data. Expected")
    ):
        text = str(detail)
        if text.startswith("must be"):
            return FieldError(target, "INVALID_TYPE", f"Request parameter {target} {text}")
        return FieldError(
            target, "INVALID_TYPE", f"Request parameter {target} has the wrong type: {text}"
        )
    return FieldError(target, "INVALID_VALUE", f"Request parameter {target} is invalid: {detail}")


def _respond(status_code: int, body: dict, headers: dict | None = None) -> Response:
    response = Response(body, status=status_code)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def exception_handler(exc, context):  # noqa: C901 - one flat dispatch table
    if isinstance(exc, DomainError):
        return _respond(
            exc.status, error_body(exc.error_code, exc.description, exc.errors, exc.message)
        )
    if isinstance(exc, RequestDataTooBig):
        return _respond(413, error_body("PAYLOAD_TOO_LARGE"))
    if isinstance(exc, Http404):
        return _respond(404, error_body("NOT_FOUND"))
    if isinstance(exc, PermissionDenied):
        return _respond(403, error_body("FORBIDDEN"))
    if isinstance(exc, exceptions.ValidationError):
        return _respond(
            400, error_body("BAD_REQUEST_PARAMETERS", errors=flatten_validation(exc.detail))
        )
    if isinstance(exc, exceptions.ParseError):
        return _respond(
            400,
            error_body(
                "BAD_REQUEST_PARAMETERS",
                "The request body is not valid JSON.",
                [FieldError("body", "INVALID_TYPE", _clean(str(exc.detail)))],
            ),
        )
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
        code = (
            "TOKEN_EXPIRED"
            if getattr(exc, "get_codes", lambda: None)() == "token_expired"
            else "UNAUTHORIZED"
        )
        response = _respond(401, error_body(code, str(exc.detail)))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        return _respond(403, error_body("FORBIDDEN", str(exc.detail)))
    if isinstance(exc, exceptions.NotFound):
        return _respond(404, error_body("NOT_FOUND"))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _respond(405, error_body("METHOD_NOT_ALLOWED", str(exc.detail)))
    if isinstance(exc, exceptions.NotAcceptable):
        return _respond(406, error_body("NOT_ACCEPTABLE", str(exc.detail)))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _respond(415, error_body("UNSUPPORTED_MEDIA_TYPE", str(exc.detail)))
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait or 1))}
        return _respond(429, error_body("TOO_MANY_REQUESTS", str(exc.detail)), headers)
    if isinstance(exc, exceptions.APIException):
        return _respond(exc.status_code, error_body("BAD_REQUEST_PARAMETERS", str(exc.detail)))
    return None  # unexpected: Django's 500 handler answers (JSON under /api/)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- Django-level handlers (unknown URLs, crashes) ---------------------------------------------


def _is_api(request) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/compat/")


def json_404(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("NOT_FOUND"), status=status.HTTP_404_NOT_FOUND)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def json_500(request):
    if _is_api(request):
        return JsonResponse(error_body("INTERNAL_ERROR"), status=500)
    from django.views.defaults import server_error

    return server_error(request)
