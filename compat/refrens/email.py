"""The Refrens invoice e-mail: the final PDF attached, sent once, after the invoice commits.

The Celery task ``compat.tasks.send_refrens_invoice_email`` calls ``refrens_invoice_email_send``
with the id of the invoice's ``ExternalId`` row (which holds the ``email`` block). If the
worker has not rendered the PDF yet, it is rendered here with the same service as the render
task (``invoices.documents.document_render``, idempotent), so the order of the two tasks does
not matter.
"""

from email.utils import formataddr

from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from invoices import documents
from invoices.choices import DocumentKind, DocumentStatus
from invoices.models import Document, Invoice
from invoices.services import invoice_totals

from .. import services as compat
from ..models import ExternalId
from . import share
from .services import iso_z


def final_document(invoice: Invoice) -> Document | None:
    return invoice.documents.filter(kind=DocumentKind.FINAL).first()


def ready_document(invoice: Invoice) -> Document | None:
    """The invoice's final PDF, rendered now (the render service) if the worker has not yet."""
    document = final_document(invoice)
    if document is not None and document.status != DocumentStatus.READY:
        document = documents.document_render(document_id=document.pk)
    return document


def _email_text(mapping: ExternalId, invoice: Invoice, link: str) -> tuple[str, str]:
    totals = invoice_totals(invoice)
    currency = invoice.currency_code
    vendor = mapping.data.get("billedBy", {}).get("name") or invoice.agency_office.name
    recipient = (mapping.data.get("email") or {}).get("to", {}).get(
        "name"
    ) or invoice.billing_recipient
    subject = f"Invoice {mapping.external_id} from {vendor}"
    due = f", due {invoice.due_date:%d %b %Y}" if invoice.due_date else ""
    body = (
        f"Dear {recipient},\n\n"
        f"please find attached invoice {mapping.external_id} from {vendor} for "
        f"{currency} {compat.major_text(totals.vat_included, currency)}{due}.\n\n"
        f"You can also view it online: {link}\n\n"
        f"Kind regards,\n{vendor}\n"
    )
    return subject, body


def refrens_invoice_email_send(*, mapping_id: int) -> str:
    """Send the invoice e-mail of one Refrens invoice, once: the row is locked while sending
    and marked sent in the same transaction (a crash after sending and before the commit
    may send it again; a retry after the commit never does)."""
    with transaction.atomic():
        mapping = ExternalId.objects.select_for_update().get(pk=mapping_id)
        email = mapping.data.get("email") or {}
        if not email:
            return "NO_EMAIL"
        if email.get("sentAt"):
            return "ALREADY_SENT"
        invoice = documents.invoice_queryset_unscoped().get(pk=mapping.object_id)
        document = ready_document(invoice)
        if document is None:
            raise RuntimeError(f"Invoice {invoice.pk} has no final document to send")
        with default_storage.open(document.file.name, "rb") as handle:
            content = handle.read()
        link = share.share_urls(invoice.pk, mapping.data.get("shareBaseUrl", ""))["link"]
        subject, body = _email_text(mapping, invoice, link)
        message = EmailMessage(
            subject,
            body,
            to=[formataddr((email["to"].get("name", ""), email["to"]["email"]))],
            cc=[formataddr((r.get("name", ""), r["email"])) for r in email.get("cc", [])],
        )
        message.attach(f"invoice-{mapping.external_id}.pdf", content, "application/pdf")
        message.send()
        mapping.data = {**mapping.data, "email": {**email, "sentAt": iso_z(timezone.now())}}
        mapping.save(update_fields=["data", "modified_at"])
    return "SENT"
