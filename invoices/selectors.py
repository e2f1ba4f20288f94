"""Reads for invoices, always scoped to the offices the caller may see."""

import hashlib
from collections.abc import Mapping
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from invoicing_project.errors import FieldError, NotFound, ValidationFailed
from offices.models import Agent
from offices.selectors import scope_to_offices

from .filters import InvoiceFilter
from .models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount


def invoice_queryset(*, agent: Agent) -> QuerySet[Invoice]:
    """Invoices of the agent's offices, with what a response needs prefetched (constant queries)."""
    return scope_to_offices(
        Invoice.objects.select_related("agency_office"), agent
    ).prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
        Prefetch("invoiced_parties", queryset=InvoiceParty.objects.order_by("position", "id")),
        Prefetch(
            "payment_accounts", queryset=InvoicePaymentAccount.objects.order_by("position", "id")
        ),
    )


def invoice_get(*, agent: Agent, invoice_id: UUID) -> Invoice:
    invoice = invoice_queryset(agent=agent).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"Invoice {invoice_id} was not found.")
    return invoice


def invoice_search(*, agent: Agent, params: Mapping) -> QuerySet[Invoice]:
    """Apply the seed's search filters and sort; raises ``ValidationFailed`` on bad parameters."""
    filterset = InvoiceFilter(
        params, queryset=invoice_queryset(agent=agent).order_by("-created_at", "id")
    )
    if not filterset.is_valid():
        raise ValidationFailed(
            errors=[
                FieldError(name, "INVALID_VALUE", f"Request parameter {name} is invalid: {message}")
                for name, messages in filterset.errors.items()
                for message in messages
            ]
        )
    return filterset.qs


def invoice_etag(invoice: Invoice) -> str:
    """A strong ETag for the invoice's representation: it changes with every save
    (``modified_at``) and with the system fields that are set without one."""
    parts = (
        invoice.id,
        invoice.modified_at.isoformat() if invoice.modified_at else "",
        invoice.invoice_document_id,
        invoice.preview_invoice_document_id,
    )
    return '"' + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32] + '"'


def etag_matches(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: ``*`` or any listed tag equal to *etag* (weak tags never match)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag in tags
