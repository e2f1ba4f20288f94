"""API middleware.

* Request-ID: required on every ``/api/v1/`` call but the token call, validated, echoed back.
* Unknown ``/api/`` URLs and unexpected exceptions answer in the seed's error shape (JSON),
  also with ``DEBUG`` on, where Django would otherwise render its HTML pages.
"""

import logging
import re

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve

from invoicing_project import context
from invoicing_project.errors import FieldError

from .errors import error_body, json_404

logger = logging.getLogger(__name__)

# The seed's pattern: a UUID of version 1-5 with the RFC 4122 variant.
REQUEST_ID_RE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE
)
API_PREFIX = "/api/v1/"
OPTIONAL_PATHS = {"/api/v1/auth/token"}


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _exists(path: str) -> bool:
    """Whether a URL pattern matches (an unknown path answers 404, not a Request-ID error)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("Request-ID")
        request.request_id = request_id if request_id and REQUEST_ID_RE.match(request_id) else None
        if request.path.startswith(("/api/", "/compat/")) and _too_large(request):
            return JsonResponse(error_body("PAYLOAD_TOO_LARGE"), status=413)
        if request.path.startswith(API_PREFIX):
            malformed = request_id is not None and request.request_id is None
            # URL resolution only for a missing header (off the hot path): an unknown URL
            # answers 404, not a Request-ID error.
            missing = (
                request_id is None
                and request.path.rstrip("/") not in OPTIONAL_PATHS
                and _exists(request.path_info)
            )
            if malformed or missing:
                return self._reject(request_id)
        token = context.request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        if (
            response.status_code == 404
            and request.path.startswith(("/api/", "/compat/"))
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            response = json_404(request)
        if request.request_id:
            response["Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(("/api/", "/compat/")):
            return None
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return JsonResponse(error_body("INTERNAL_ERROR"), status=500)

    @staticmethod
    def _reject(request_id: str | None) -> JsonResponse:
        if request_id is None:
            error = FieldError(
                "Request-ID", "VALUE_REQUIRED", "Mandatory header Request-ID is missing"
            )
        else:
            error = FieldError("Request-ID", "INVALID_VALUE", "Header Request-ID must be a UUID")
        return JsonResponse(error_body("BAD_REQUEST_PARAMETERS", errors=[error]), status=400)
