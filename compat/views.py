"""The base of the compatibility API views, and the journal CSV export for staff.

``CompatView`` is the primary API's ``ApiView`` (exact JSON parsing, Bearer tokens, throttling,
``Idempotency-Key``) with one difference: errors leave in the calling system's own format. Each
system's view sets ``render_problem`` (and ``target_renames`` for field names). ``Request-ID``
is not required under ``/compat/``. The compat views are left out of ``/api/schema/`` (the
OpenAPI schema documents the primary contract and its error shape); docs/compat.md documents
them.
"""

import logging
import uuid
from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from invoicing_project.api.views import ApiView
from offices.selectors import scope_to_offices

from . import ledger
from .errors import Problem, classify
from .models import JournalEntry

logger = logging.getLogger(__name__)


@extend_schema(exclude=True)
class CompatView(ApiView):
    renderer_classes = [JSONRenderer]
    target_renames: dict[str, str] = {}

    def render_problem(self, problem: Problem) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_exception_handler(self):
        return self.compat_exception_handler

    def compat_exception_handler(self, exc, context):
        problem = classify(exc, self.target_renames)
        if problem.status >= 500:
            logger.error(
                "Unhandled error in %s %s",
                self.request.method,
                self.request.path,
                exc_info=(type(exc), exc, exc.__traceback__),
            )
        response = self.render_problem(problem)
        if problem.retry_after is not None:
            response["Retry-After"] = str(problem.retry_after)
        if problem.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response


def _date_param(request, name: str) -> date | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    return date.fromisoformat(raw)


@staff_member_required
def journal_csv_view(request):
    """``GET /compat/ledger/journal-entries.csv``: the journal lines of the entries the staff
    user's offices own (a superuser: all), optionally ``?office=<uuid>&from=&to=`` (dates
    inclusive)."""
    entries = scope_to_offices(JournalEntry.objects.all(), request.user, "office_id")
    try:
        start, end = _date_param(request, "from"), _date_param(request, "to")
    except ValueError:
        return JsonResponse({"error": "from and to must be dates (YYYY-MM-DD)"}, status=400)
    office = request.GET.get("office")
    if office:
        entries = entries.filter(office_id__in=[office] if _is_uuid(office) else [])
    if start:
        entries = entries.filter(entry_date__gte=start)
    if end:
        entries = entries.filter(entry_date__lte=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="journal-entries.csv"'
    ledger.write_csv(response, entries)
    return response


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
