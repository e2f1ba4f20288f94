"""Delivery of approved invoices and credit notes in the channel their terms name.

``schedule_delivery`` runs inside the APPROVE transaction (``invoices.lifecycle``): it records
one INITIAL ``Delivery`` and registers the sending with ``transaction.on_commit``.

* ``EINVOICING``: the Finvoice 3.0 message goes to the operator outbox through the configured
  transport (``INVOICING_EINVOICE_TRANSPORT``; by default ``FileDropTransport``, which writes
  ``<outbox>/<file>.xml`` atomically, as operators' SFTP drops expect).
* ``EMAIL``: the final PDF, by e-mail to the primary party; the task waits (retries) until the
  render task has made the PDF READY.
* ``PAPER``: marked PRINT_QUEUED for the print room; nothing is sent.

``delivery_send`` (the task's body) is idempotent: a SENT delivery is never sent again, and
the message is kept on the record, so retries and re-runs send the same bytes. The file name
comes from the delivery id, so a repeated file drop overwrites its own file.
"""

import logging
import os
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from invoicing_project.errors import FieldError, InvalidState, ValidationFailed
from offices.choices import Permission
from offices.models import Agent
from offices.selectors import require_permission

from .choices import Direction, DocumentKind, DocumentStatus, InvoiceStatus, InvoicingMethod
from .einvoice import CONTENT_TYPE, EInvoiceError, build_einvoice
from .einvoice.common import is_ovt, ovt_checksum_ok
from .locks import lock_invoice
from .models import Delivery, DeliveryChannel, DeliveryKind, DeliveryStatus, Invoice
from .selectors import invoice_get

logger = logging.getLogger(__name__)

FINAL_STATES = (InvoiceStatus.APPROVED, InvoiceStatus.CREDITED)
EMAIL_LANGUAGES = ("fi", "sv", "en")


class DeliveryError(Exception):
    """A sending attempt failed; the task retries it."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (no address, no payment account, the PDF failed): FAILED now."""


class DocumentNotReady(DeliveryError):
    """The final PDF is still being rendered; the e-mail waits for it."""


# --- transports ---------------------------------------------------------------------------------


class EInvoiceTransport:
    """Hands a Finvoice message to an operator. Subclasses implement ``send``.

    ``send`` returns what identifies the hand-over (a path, a message id) and raises on
    failure; it must be safe to call again for the same delivery (same ``filename``).
    """

    def send(self, *, delivery: Delivery, filename: str, content: bytes) -> str:
        raise NotImplementedError


def outbox_dir() -> Path:
    return Path(settings.INVOICING_OUTBOX_DIR or Path(settings.MEDIA_ROOT) / "outbox")


class FileDropTransport(EInvoiceTransport):
    """Writes the message into the outbox folder (an operator's SFTP drop, mounted or synced).

    Written to a hidden temporary file first and renamed, so the operator's pick-up never
    sees half a file; a re-send of the same delivery replaces its own file.
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else outbox_dir()

    def send(self, *, delivery: Delivery, filename: str, content: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / filename
        temporary = self.folder / f".{filename}.part"
        temporary.write_bytes(content)
        os.replace(temporary, target)
        return str(target)


def get_transport() -> EInvoiceTransport:
    return import_string(settings.INVOICING_EINVOICE_TRANSPORT)()


# --- scheduling ---------------------------------------------------------------------------------


def _primary_party(invoice: Invoice):
    links = list(invoice.invoiced_parties.all())
    primary = next((link for link in links if link.is_primary), links[0] if links else None)
    return primary.party if primary is not None else None


def delivery_route(invoice: Invoice) -> tuple[str, str]:
    """The channel and the recipient: the invoice's ``invoicingMethodCode``, else (migrated
    invoices without one) the primary party's own channel, as a new invoice would get."""
    method = invoice.invoicing_method_code
    party = _primary_party(invoice)
    email = party.email if party is not None else ""
    if not method:
        if party is not None and party.e_invoicing_address:
            return DeliveryChannel.EINVOICING, (
                f"{party.e_invoicing_address}@{party.e_invoicing_operator_id}"
            )
        method = InvoicingMethod.EMAIL if email else InvoicingMethod.PAPER
    if method == InvoicingMethod.EINVOICING:
        return DeliveryChannel.EINVOICING, (
            f"{invoice.e_invoicing_address}@{invoice.e_invoicing_operator_id}"
        )
    if method == InvoicingMethod.EMAIL:
        return DeliveryChannel.EMAIL, email
    return DeliveryChannel.PAPER, " ".join(
        part
        for part in (
            invoice.billing_recipient,
            invoice.billing_street_address,
            invoice.billing_postcode,
            invoice.billing_postal_area,
        )
        if part
    )


def _new_delivery(invoice: Invoice, *, kind: str, actor: Agent | None = None) -> Delivery:
    channel, recipient = delivery_route(invoice)
    delivery = Delivery(
        invoice=invoice, kind=kind, channel=channel, recipient=recipient, requested_by=actor
    )
    if channel == DeliveryChannel.PAPER:
        delivery.status = DeliveryStatus.PRINT_QUEUED
    delivery.save()
    if delivery.status == DeliveryStatus.PENDING:
        delivery_id = str(delivery.id)
        transaction.on_commit(lambda: _enqueue(delivery_id), robust=True)
    return delivery


def _enqueue(delivery_id: str) -> None:
    from .delivery_tasks import deliver_invoice

    deliver_invoice.delay(delivery_id)


def schedule_delivery(invoice: Invoice) -> Delivery | None:
    """Record the INITIAL delivery of an invoice being approved (the caller holds its lock and
    the transaction); the sending starts when the approval commits. Purchase invoices (received
    ones) are not sent anywhere."""
    if invoice.direction == Direction.PURCHASE:
        return None
    if invoice.invoicing_method_code == InvoicingMethod.EXTERNAL:
        return None  # the system that created it delivers it (e.g. Refrens' own e-mail)
    existing = invoice.deliveries.filter(kind=DeliveryKind.INITIAL).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _new_delivery(invoice, kind=DeliveryKind.INITIAL)
    except IntegrityError:  # pragma: no cover - the invoice row lock serialises approvals
        return invoice.deliveries.get(kind=DeliveryKind.INITIAL)


@transaction.atomic
def delivery_resend(*, actor: Agent, invoice_id: UUID) -> Delivery:
    """Send an approved invoice again in its channel (approvers): a new RESEND delivery, to
    the recipient as it is now (e.g. a corrected party e-mail)."""
    current = invoice_get(agent=actor, invoice_id=invoice_id)
    require_permission(
        actor, current.agency_office_id, Permission.APPROVE, action="re-send invoices"
    )
    invoice = lock_invoice(invoice_id)
    if invoice.status_code not in FINAL_STATES:
        raise InvalidState(
            f"Only an approved invoice can be sent; this invoice is {invoice.status_code}.",
            [FieldError("invoiceId", "INVALID_STATE", f"The invoice is {invoice.status_code}")],
        )
    if invoice.direction == Direction.PURCHASE:
        raise InvalidState("A purchase invoice is received, not sent.")
    return _new_delivery(invoice, kind=DeliveryKind.RESEND, actor=actor)


# --- sending ------------------------------------------------------------------------------------


def _invoice_for_sending(invoice_id: UUID) -> Invoice:
    from .documents import invoice_queryset_unscoped

    return invoice_queryset_unscoped().get(pk=invoice_id)


def _prepare_einvoice(delivery: Delivery) -> None:
    """Build the Finvoice message once and keep it on the delivery (its own transaction, so a
    failed attempt keeps it too): every attempt and re-run sends the same bytes."""
    invoice = _invoice_for_sending(delivery.invoice_id)
    try:
        content = build_einvoice(invoice, "finvoice")
    except EInvoiceError as exc:
        raise PermanentDeliveryError(str(exc)) from exc
    address = invoice.e_invoicing_address
    if is_ovt(address) and not ovt_checksum_ok(address):
        # Real OVT codes with a failing business-id checksum exist: send, but say so.
        logger.warning("OVT %s of invoice %s fails the checksum", address, invoice)
    kind = "credit-note" if invoice.is_credit_note else "invoice"
    Delivery.objects.filter(pk=delivery.pk, content="").update(
        content=content.decode("utf-8"),
        content_type=CONTENT_TYPE,
        filename=f"finvoice-{kind}-{invoice.invoice_number}-{delivery.id}.xml",
    )


def _send_einvoice(delivery: Delivery) -> str:
    return get_transport().send(
        delivery=delivery, filename=delivery.filename, content=delivery.content.encode("utf-8")
    )


def _email_language(invoice: Invoice) -> str:
    party = _primary_party(invoice)
    language = party.language if party is not None else "fi"
    return language if language in EMAIL_LANGUAGES else "fi"


def _send_email(delivery: Delivery) -> str:
    if not delivery.recipient:
        raise PermanentDeliveryError("The primary party has no e-mail address.")
    invoice = _invoice_for_sending(delivery.invoice_id)
    document = invoice.documents.filter(kind=DocumentKind.FINAL).first()
    if document is None or document.status == DocumentStatus.FAILED:
        reason = document.failure_reason if document is not None else "no final document"
        raise PermanentDeliveryError(f"The invoice PDF could not be made: {reason}")
    if document.status != DocumentStatus.READY:
        raise DocumentNotReady(f"The invoice PDF is {document.status}; waiting for it.")
    language = _email_language(invoice)
    context = {
        "invoice": invoice,
        "office": invoice.agency_office,
        "is_credit_note": invoice.is_credit_note,
        "amount_due": invoice.amount_due,
        "due_date": invoice.due_date,
        "reference": invoice.reference_number or "",
    }
    subject = render_to_string(f"invoices/email/{language}/invoice_subject.txt", context)
    body = render_to_string(f"invoices/email/{language}/invoice_body.txt", context)
    with default_storage.open(document.file.name, "rb") as handle:
        pdf = handle.read()
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
        reply_to=[invoice.agency_office.email] if invoice.agency_office.email else None,
        attachments=[(document.filename, pdf, "application/pdf")],
    )
    message.send()
    Delivery.objects.filter(pk=delivery.pk).update(
        content=body, content_type="text/plain", filename=document.filename
    )
    return delivery.recipient


SENDERS = {DeliveryChannel.EINVOICING: _send_einvoice, DeliveryChannel.EMAIL: _send_email}


def delivery_send(*, delivery_id: UUID | str) -> Delivery:
    """Send one PENDING delivery (the task's body). Idempotent: a delivery that is no longer
    PENDING is returned untouched. Raises ``DeliveryError`` (or the transport's error) for the
    task to retry; each failed attempt is counted and its error kept."""
    try:
        delivery = Delivery.objects.get(pk=delivery_id)
        if (
            delivery.status == DeliveryStatus.PENDING
            and delivery.channel == DeliveryChannel.EINVOICING
            and not delivery.content
        ):
            _prepare_einvoice(delivery)
        with transaction.atomic():
            # The row lock makes a concurrent duplicate of the task wait, then see SENT.
            delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
            if delivery.status != DeliveryStatus.PENDING:
                return delivery
            external_id = SENDERS[delivery.channel](delivery)
            delivery.refresh_from_db(fields=["content", "content_type", "filename"])
            delivery.status = DeliveryStatus.SENT
            delivery.attempts += 1
            delivery.sent_at = timezone.now()
            delivery.external_id = external_id[:500]
            delivery.error = ""
            delivery.save()
            return delivery
    except DocumentNotReady as exc:
        # Not a sending attempt: only say what it waits for.
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
            error=str(exc)
        )
        raise
    except Delivery.DoesNotExist:
        raise
    except Exception as exc:
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def delivery_mark_failed(*, delivery_id: UUID | str, reason: str) -> None:
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, error=reason[:2000]
    )


# --- reads --------------------------------------------------------------------------------------


def deliveries_list(*, agent: Agent, invoice_id: UUID) -> list[Delivery]:
    invoice = invoice_get(agent=agent, invoice_id=invoice_id)  # office walls (404)
    return list(invoice.deliveries.order_by("created_at", "id"))


def einvoice_get(*, agent: Agent, invoice_id: UUID, fmt: str) -> tuple[bytes, str]:
    """The e-invoice XML of an approved invoice or credit note and its file name."""
    from .einvoice import FORMATS

    if fmt not in FORMATS:
        raise ValidationFailed.field(
            "format", f"format must be one of {', '.join(FORMATS)}", "INVALID_VALUE"
        )
    invoice = invoice_get(agent=agent, invoice_id=invoice_id)
    if invoice.status_code not in FINAL_STATES:
        raise InvalidState(
            f"E-invoices are made of approved invoices; this invoice is {invoice.status_code}."
        )
    try:
        content = build_einvoice(invoice, fmt)
    except EInvoiceError as exc:
        raise InvalidState(str(exc)) from exc
    kind = "credit-note" if invoice.is_credit_note else "invoice"
    return content, f"{fmt}-{kind}-{invoice.invoice_number}.xml"
