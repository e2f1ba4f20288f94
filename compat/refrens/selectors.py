"""Reads of Refrens invoices: those of one business (office) made through the Refrens API,
scoped to the caller's offices like every read of invoices."""

import uuid

from django.db.models import OuterRef, Subquery

from invoices.models import Invoice
from invoices.selectors import invoice_queryset
from invoicing_project.errors import NotFound
from offices.models import AgencyOffice, Agent

from ..choices import IdKind, System
from ..models import ExternalId

# Refrens' sort keys -> fields of the ExternalId rows (``_date``: the invoice's issue date).
SORT_FIELDS = {"createdAt": "created_at", "invoiceNumber": "external_id", "invoiceDate": "_date"}


def _records(office: AgencyOffice):
    return ExternalId.objects.filter(system=System.REFRENS, kind=IdKind.INVOICE, office=office)


def refrens_invoice_find(
    *, agent: Agent, office: AgencyOffice, limit: int, skip: int, order: list[str]
) -> tuple[int, list[tuple[ExternalId, Invoice]]]:
    """``(total, page)``: the page's records with their invoices (a constant number of queries)."""
    records = _records(office).annotate(
        _date=Subquery(Invoice.objects.filter(pk=OuterRef("object_id")).values("issue_date")[:1])
    )
    total = records.count()
    page = list(records.order_by(*order)[skip : skip + limit]) if limit else []
    invoices = {
        invoice.pk: invoice
        for invoice in invoice_queryset(agent=agent).filter(pk__in=[r.object_id for r in page])
    }
    return total, [(r, invoices[r.object_id]) for r in page if r.object_id in invoices]


def refrens_invoice_get(
    *, agent: Agent, office: AgencyOffice, invoice_id: str
) -> tuple[ExternalId, Invoice]:
    """One invoice of the business by its ``_id``; ``NotFound`` for anything else."""
    not_found = NotFound(f"No invoice with _id {invoice_id!r}.")
    try:
        invoice_uuid = uuid.UUID(invoice_id)
    except ValueError as exc:
        raise not_found from exc
    record = _records(office).filter(object_id=invoice_uuid).first()
    invoice = invoice_queryset(agent=agent).filter(pk=invoice_uuid).first() if record else None
    if invoice is None:
        raise not_found
    return record, invoice
