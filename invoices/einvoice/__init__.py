"""E-invoices of approved invoices and credit notes: Finvoice 3.0 and Peppol BIS Billing 3.0.

Pure builders: an invoice (and optionally its ``invoices.pdf.pdf_context``) in, XML bytes out.
Every figure comes from the PDF context, so the XML and the PDF always agree.
"""

from .common import EInvoiceError, einvoice_document
from .finvoice import build_finvoice
from .ubl import build_ubl

FORMATS = {"finvoice": build_finvoice, "ubl": build_ubl}
CONTENT_TYPE = "application/xml"


def build_einvoice(invoice, fmt: str, *, context: dict | None = None) -> bytes:
    """``fmt`` is ``finvoice`` or ``ubl``."""
    try:
        builder = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"Unknown e-invoice format {fmt!r}") from None
    return builder(invoice, context=context)


__all__ = [
    "CONTENT_TYPE",
    "FORMATS",
    "EInvoiceError",
    "build_einvoice",
    "build_finvoice",
    "build_ubl",
    "einvoice_document",
]
