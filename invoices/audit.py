"""The audit trail: one append-only ``InvoiceEvent`` per transition, override or creation."""

from invoicing_project import context
from offices.models import Agent

from .models import Invoice, InvoiceEvent


def record_event(
    invoice: Invoice,
    action: str,
    *,
    from_status: str,
    agent: Agent | None,
    details: dict | None = None,
) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice,
        action_type_code=action,
        from_status_code=from_status,
        to_status_code=invoice.status_code,
        agent=agent,
        request_id=context.request_id.get() or "",
        details=details or {},
    )
