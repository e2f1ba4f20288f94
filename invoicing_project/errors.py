"""Domain errors raised by services and selectors.

Each maps to the primary seed's error shape in ``invoicing_project.api.errors``:
``{errorCode, message, description, errors: [{target, errorCode, message}]}``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    target: str
    error_code: str  # VALUE_REQUIRED, INVALID_TYPE, INVALID_VALUE
    message: str


class DomainError(Exception):
    status = 400
    error_code = "BAD_REQUEST_PARAMETERS"
    message = "Invalid request parameters"
    default_description = "Request parameters are missing or have invalid type."

    def __init__(self, description: str | None = None, errors: list[FieldError] | None = None):
        self.description = description or self.default_description
        self.errors = list(errors or [])
        super().__init__(self.description)


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a business rule (400 with field errors)."""

    @classmethod
    def field(cls, target: str, message: str, code: str = "INVALID_VALUE") -> "ValidationFailed":
        return cls(errors=[FieldError(target, code, message)])


class Forbidden(DomainError):
    status = 403
    error_code = "FORBIDDEN"
    message = "Forbidden"
    default_description = "You do not have permission to perform this action."


class NotFound(DomainError):
    status = 404
    error_code = "NOT_FOUND"
    message = "Not found"
    default_description = "The requested resource was not found."


class InvalidState(DomainError):
    status = 409
    error_code = "INVALID_STATE"
    message = "Invalid state"
    default_description = "The resource is not in a state that allows this action."


class Conflict(DomainError):
    status = 409
    error_code = "CONFLICT"
    message = "Conflict"
    default_description = "The request conflicts with the current state of the resource."


class PreconditionFailed(DomainError):
    status = 412
    error_code = "PRECONDITION_FAILED"
    message = "Precondition failed"
    default_description = (
        "The resource changed since you read it (If-Match does not match its ETag); "
        "read it again and reapply your change."
    )
