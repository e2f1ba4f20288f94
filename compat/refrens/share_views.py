"""The public share links of Refrens invoices: the invoice as a page, and its PDF.

No Bearer token: the signed token in the URL is the authorisation (``compat.refrens.share``).
Failures answer in Refrens' (Feathers) error format: 404 ``NotFound`` for a tampered link or a
vanished invoice, 410 ``Gone`` for an expired link, 503 ``Unavailable`` while the PDF cannot be
rendered.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from invoices import documents
from invoices.models import Invoice

from ..choices import IdKind, System
from ..models import ExternalId
from . import share
from .email import ready_document
from .views import feathers_error, refrens_invoice_out


def _shared(token: str) -> tuple[ExternalId, Invoice] | JsonResponse:
    try:
        invoice_id = share.invoice_id_from(token)
    except share.ShareLinkExpired as exc:
        return JsonResponse(feathers_error(410, str(exc)), status=410)
    except share.ShareLinkInvalid as exc:
        return JsonResponse(feathers_error(404, str(exc)), status=404)
    mapping = ExternalId.objects.filter(
        system=System.REFRENS, kind=IdKind.INVOICE, object_id=invoice_id
    ).first()
    invoice = documents.invoice_queryset_unscoped().filter(pk=invoice_id).first()
    if mapping is None or invoice is None:
        return JsonResponse(feathers_error(404, "This invoice no longer exists."), status=404)
    return mapping, invoice


@require_GET
def share_view(request, token: str):
    """``share.link``: the invoice as a page (with its PDF link)."""
    shared = _shared(token)
    if isinstance(shared, JsonResponse):
        return shared
    mapping, invoice = shared
    base = request.build_absolute_uri("/").rstrip("/")
    out = refrens_invoice_out(mapping, invoice, base)
    return render(
        request,
        "compat/refrens_share.html",
        {"invoice": out, "legal_number": invoice.invoice_number},
    )


@require_GET
def share_pdf_view(request, token: str):
    """``share.pdf``: the invoice's final PDF (rendered now if the worker has not yet)."""
    shared = _shared(token)
    if isinstance(shared, JsonResponse):
        return shared
    mapping, invoice = shared
    try:
        document = ready_document(invoice)
    except Exception:  # noqa: BLE001 - the render task retries; tell the reader to come back
        return JsonResponse(
            feathers_error(503, "The PDF is being prepared; try again shortly."), status=503
        )
    if document is None or not document.file:
        return JsonResponse(feathers_error(404, "This invoice has no PDF."), status=404)
    return FileResponse(
        default_storage.open(document.file.name, "rb"),
        content_type="application/pdf",
        filename=f"invoice-{mapping.external_id}.pdf",
    )
