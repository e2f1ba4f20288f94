"""Errors of the compatibility APIs: every exception becomes one ``Problem``, which each system
renders in its own error format (``CompatView.render_problem``).

The classification is the primary API's (``invoicing_project.api.errors``): domain errors keep
their status and field errors, DRF's validation errors are flattened to dotted targets, and
authentication, media-type, method and throttling errors keep their HTTP status. Only an
unexpected exception (a bug) becomes a 500, in the system's own format.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions

from invoicing_project.api.errors import flatten_validation
from invoicing_project.errors import DomainError, FieldError


@dataclass
class Problem:
    status: int
    code: str  # the primary API's errorCode (BAD_REQUEST_PARAMETERS, UNAUTHORIZED, ...)
    message: str
    errors: list[FieldError] = field(default_factory=list)
    retry_after: int | None = None
    exc: BaseException | None = None


class CompatError(DomainError):
    """A domain error with a system-specific code (e.g. a Merchant catalogue id)."""

    def __init__(
        self,
        description: str,
        *,
        status: int,
        code: str,
        errors: list[FieldError] | None = None,
    ):
        super().__init__(description, errors)
        self.status = status
        self.error_code = code


def _detail_text(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, list | dict):
        return str(exc)
    return str(detail)


def classify(exc: BaseException, renames: dict[str, str] | None = None) -> Problem:
    """The ``Problem`` for *exc*; *renames* maps primary-API target prefixes to the system's
    own field names (``invoice.dueDate`` -> ``dueDate``)."""
    problem = _classify(exc)
    if renames:
        problem.errors = [
            FieldError(_rename(e.target, renames), e.error_code, e.message) for e in problem.errors
        ]
    problem.exc = exc
    return problem


def _rename(target: str, renames: dict[str, str]) -> str:
    for prefix in sorted(renames, key=len, reverse=True):
        if target == prefix or target.startswith((prefix + ".", prefix + "[")):
            return renames[prefix] + target[len(prefix) :]
    return target


def _classify(exc: BaseException) -> Problem:  # noqa: C901 - one flat dispatch table
    if isinstance(exc, DomainError):
        return Problem(exc.status, exc.error_code, exc.description, list(exc.errors))
    if isinstance(exc, RequestDataTooBig):
        return Problem(413, "PAYLOAD_TOO_LARGE", "The request body is larger than allowed.")
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Problem(404, "NOT_FOUND", "The requested resource was not found.")
    if isinstance(exc, PermissionDenied):
        return Problem(403, "FORBIDDEN", "You do not have permission to perform this action.")
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_validation(exc.detail)
        message = "; ".join(e.message for e in errors) or "Invalid request parameters."
        return Problem(400, "BAD_REQUEST_PARAMETERS", message, errors)
    if isinstance(exc, exceptions.ParseError):
        text = " ".join(str(exc.detail).split())
        return Problem(
            400,
            "BAD_REQUEST_PARAMETERS",
            "The request body is not valid JSON.",
            [FieldError("body", "INVALID_TYPE", text)],
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return Problem(401, "UNAUTHORIZED", "Authentication credentials were not provided.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        expired = exc.get_codes() == "token_expired"
        return Problem(401, "TOKEN_EXPIRED" if expired else "UNAUTHORIZED", _detail_text(exc))
    if isinstance(exc, exceptions.PermissionDenied):
        return Problem(403, "FORBIDDEN", _detail_text(exc))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Problem(405, "METHOD_NOT_ALLOWED", _detail_text(exc))
    if isinstance(exc, exceptions.NotAcceptable):
        return Problem(406, "NOT_ACCEPTABLE", _detail_text(exc))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Problem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"{_detail_text(exc)} The body must be JSON (Content-Type: application/json).",
        )
    if isinstance(exc, exceptions.Throttled):
        return Problem(
            429,
            "TOO_MANY_REQUESTS",
            "Too many requests in a short period of time; please try again later.",
            retry_after=max(1, int(exc.wait or 1)),
        )
    if isinstance(exc, exceptions.APIException):
        return Problem(exc.status_code, "BAD_REQUEST_PARAMETERS", _detail_text(exc))
    return Problem(500, "INTERNAL_ERROR", "An unexpected error occurred.")
