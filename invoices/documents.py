"""Invoice documents (PDFs): previews on request, the final one on approval, rendering.

Services create a PENDING ``Document`` row and enqueue its rendering with
``transaction.on_commit``; the Celery task calls ``document_render``, which is idempotent (a
READY document is left alone, and the file name comes from the document id, so a re-run
overwrites its own file instead of making a second one).
"""

import hashlib
import time
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from invoicing_project.errors import NotFound
from offices.models import Agent
from offices.selectors import scope_to_offices

from .choices import DocumentKind, DocumentStatus, InvoiceType
from .locks import lock_invoice
from .models import Document, Invoice, document_path
from .pdf import content_hash, pdf_context, render_pdf
from .selectors import invoice_get


def document_filename(invoice: Invoice, kind: str, document_id: UUID) -> str:
    stem = "credit-note" if invoice.invoice_type_code == InvoiceType.CREDIT_NOTE else "invoice"
    number = invoice.invoice_number or f"draft-{str(invoice.id)[:8]}"
    if kind == DocumentKind.PREVIEW:
        return f"{stem}-{number}-preview-{str(document_id)[:8]}.pdf"
    return f"{stem}-{number}.pdf"


def _enqueue(document: Document) -> None:
    from .tasks import render_document

    document_id = str(document.id)
    transaction.on_commit(lambda: render_document.delay(document_id))


@transaction.atomic
def preview_request(*, actor: Agent, invoice_id: UUID) -> Document:
    """The latest preview if the invoice has not changed since, else a new PENDING one."""
    invoice_get(agent=actor, invoice_id=invoice_id)  # office walls (404)
    invoice = lock_invoice(invoice_id)  # concurrent requests for one invoice share a preview
    fingerprint = content_hash(pdf_context(invoice, preview=True))
    latest = invoice.documents.filter(kind=DocumentKind.PREVIEW).order_by("-created_at").first()
    if (
        latest is not None
        and latest.content_hash == fingerprint
        and latest.status != DocumentStatus.FAILED
    ):
        return latest
    document = Document(invoice=invoice, kind=DocumentKind.PREVIEW, content_hash=fingerprint)
    document.filename = document_filename(invoice, DocumentKind.PREVIEW, document.id)
    document.save()
    # A system field: set without touching modified_at (the invoice itself did not change).
    Invoice.objects.filter(pk=invoice.pk).update(preview_invoice_document_id=document.id)
    _enqueue(document)
    return document


def final_document_create(invoice: Invoice) -> Document:
    """The final document of an invoice being approved (caller holds the lock and saves)."""
    existing = invoice.documents.filter(kind=DocumentKind.FINAL).first()
    if existing is not None:
        return existing
    document = Document(
        invoice=invoice,
        kind=DocumentKind.FINAL,
        content_hash=content_hash(pdf_context(invoice, preview=False)),
    )
    document.filename = document_filename(invoice, DocumentKind.FINAL, document.id)
    document.save()
    invoice.invoice_document_id = document.id
    _enqueue(document)
    return document


def document_render(*, document_id: UUID | str) -> Document:
    """Render one document (the task's body). Idempotent; raises on failure for a retry."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.READY:
            return document
        document.attempts += 1
        document.save(update_fields=["attempts"])
    invoice = invoice_queryset_unscoped().get(pk=document.invoice_id)
    context = pdf_context(invoice, preview=document.kind == DocumentKind.PREVIEW)
    rendered = render_pdf(context)
    if settings.INVOICING_RENDER_DELAY_SECONDS:  # fault-injection knob of the tests only
        time.sleep(settings.INVOICING_RENDER_DELAY_SECONDS)
    name = document_path(document, document.filename)
    if default_storage.exists(name):
        default_storage.delete(name)  # a half-written file of an earlier, interrupted attempt
    stored_name = default_storage.save(name, ContentFile(rendered.content))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        document.file.name = stored_name
        document.status = DocumentStatus.READY
        document.size = len(rendered.content)
        document.sha256 = hashlib.sha256(rendered.content).hexdigest()
        document.pages = rendered.pages
        document.content_hash = content_hash(context)
        document.failure_reason = ""
        document.rendered_at = timezone.now()
        document.save()
    return document


def document_mark_failed(*, document_id: UUID | str, reason: str) -> None:
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=DocumentStatus.FAILED, failure_reason=reason[:2000]
    )


def invoice_queryset_unscoped():
    """Invoices with what the PDF needs, for the worker (which acts for no particular user)."""
    return Invoice.objects.select_related(
        "agency_office", "responsible_agent", "credited_invoice"
    ).prefetch_related("lines", "invoiced_parties__party", "payment_accounts")


def document_get(*, agent: Agent, document_id: UUID) -> Document:
    document = (
        scope_to_offices(
            Document.objects.select_related("invoice"), agent, "invoice__agency_office_id"
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(f"Document {document_id} was not found.")
    return document
