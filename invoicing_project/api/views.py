"""Shared pieces of the API views: the base view, paging parameters, Location headers."""

import uuid

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework.views import APIView

from invoicing_project.errors import FieldError, ValidationFailed

from . import idempotency
from .parsers import ExactJSONParser

PAGING_PARAMETERS = [
    OpenApiParameter("startIndex", int, description="Index of the first item, from 0.", default=0),
    OpenApiParameter("size", int, description="Items per page (1-500).", default=40),
]


class ApiView(APIView):
    """The base of every API view: exact JSON, and ``Idempotency-Key`` on POST.

    ``dispatch`` is DRF's, with one addition: with an idempotency key the handler runs in a
    transaction together with storing its answer, so a retry can never do the work twice.
    """

    parser_classes = [ExactJSONParser]

    def dispatch(self, request, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        record = None
        try:
            self.initial(request, *args, **kwargs)
            method = request.method.lower()
            handler = (
                getattr(self, method, self.http_method_not_allowed)
                if method in self.http_method_names
                else self.http_method_not_allowed
            )
            record = idempotency.begin(request)
            if record is None:
                response = handler(request, *args, **kwargs)
            else:
                with transaction.atomic():
                    response = handler(request, *args, **kwargs)
                    idempotency.complete(record, response)
        except idempotency.Replayed as replayed:
            response = idempotency.replay(replayed.record)
        except Exception as exc:
            response = self.handle_exception(exc)
            if record is not None:
                idempotency.complete(record, response)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def validated(self, serializer_class, data=None, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data if data is None else data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def page_params(request, *, default_size: int = 40) -> tuple[int, int]:
    """``startIndex`` (>= 0) and ``size`` (1..INVOICING_MAX_PAGE_SIZE) from the query string."""
    errors = []
    values = {}
    limits = {
        "startIndex": (0, 10**9, 0),
        "size": (1, settings.INVOICING_MAX_PAGE_SIZE, default_size),
    }
    for name, (low, high, default) in limits.items():
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            values[name] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            errors.append(
                FieldError(name, "INVALID_TYPE", f"Request parameter {name} must be an integer")
            )
            continue
        if not low <= value <= high:
            errors.append(
                FieldError(
                    name,
                    "INVALID_VALUE",
                    f"Request parameter {name} must be between {low} and {high}",
                )
            )
            continue
        values[name] = value
    if errors:
        raise ValidationFailed(errors=errors)
    return values["startIndex"], values["size"]


def created(response, location: str):
    response["Location"] = location
    return response


def office_id_param(request, body_value=None) -> uuid.UUID:
    """``agencyOfficeId`` from the body (if given) or the query string, as a UUID."""
    if body_value is not None:
        return body_value
    raw = request.query_params.get("agencyOfficeId")
    if not raw:
        raise ValidationFailed.field(
            "agencyOfficeId",
            "Mandatory request parameter agencyOfficeId is missing",
            "VALUE_REQUIRED",
        )
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise ValidationFailed.field(
            "agencyOfficeId", "Request parameter agencyOfficeId must be a UUID"
        ) from exc
