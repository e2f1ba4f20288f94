"""Fixtures of the e-invoice, delivery and reminder tests.

The validators are compiled once per session; they (and the tests that need them) skip with
the reason when the official files are absent (``INVOICING_EINVOICE_DIR`` or
``<repository>/../shared/einvoice``).
"""

from decimal import Decimal

import pytest

from invoices import lifecycle
from invoices.models import Invoice
from invoices.services import CostData, DiscountData, InvoiceData, invoice_create
from parties.choices import PartyType

from ..factories import PartyFactory
from .validation import Validators, einvoice_dir

BUYER_BUSINESS_ID = "0114162-2"
BUYER_VAT = "FI01141622"


@pytest.fixture(scope="session")
def validators():
    folder = einvoice_dir()
    if not (folder / "finvoice-3.0" / "Finvoice3.0.xsd").is_file():
        pytest.skip(
            f"The official e-invoice schemas and rules are not at {folder} "
            "(set INVOICING_EINVOICE_DIR to the shared/einvoice folder)"
        )
    return Validators(folder)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.INVOICING_OUTBOX_DIR = ""
    settings.INVOICING_EINVOICE_TRANSPORT = "invoices.delivery.FileDropTransport"


@pytest.fixture
def company(office):
    """An organisation buyer with a business id and a VAT number (needed for reverse charge)."""
    return PartyFactory(
        office=office,
        name="Asiakas Oy",
        party_type=PartyType.ORGANISATION,
        business_id=BUYER_BUSINESS_ID,
        vat_number=BUYER_VAT,
        email="laskut@asiakas.example",
        language="fi",
    )


@pytest.fixture
def einvoice_party(office):
    """A party receiving e-invoices: OVT 003712345678 (its business-id checksum fails, as real
    ones sometimes do) at operator E204503."""
    return PartyFactory(
        office=office,
        name="Verkkolasku Oy",
        party_type=PartyType.ORGANISATION,
        email="",
        e_invoicing_address="003712345678",
        e_invoicing_operator_id="E204503",
        e_invoicing_operator_name="OpusCapita Solutions Oy",
    )


def cost(amount: int, rate: str = "25.5", **kwargs) -> CostData:
    kwargs.setdefault("cost_type_code", "OTHER")
    kwargs.setdefault("description", f"Cost {amount} at {rate} %")
    return CostData(amount=amount, vat_percentage=Decimal(rate), **kwargs)


def draft(actor, office, party, costs, **fields) -> Invoice:
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code="OTHER",
        party_ids=[party.id],
        costs=costs,
        **fields,
    )
    return invoice_create(actor=actor, data=data)


def approve(clerk, approver, invoice: Invoice) -> Invoice:
    lifecycle.invoice_action(actor=clerk, invoice_id=invoice.id, action="LOCK")
    lifecycle.invoice_action(actor=approver, invoice_id=invoice.id, action="APPROVE")
    return Invoice.objects.get(pk=invoice.id)


def credit(clerk, approver, invoice: Invoice) -> Invoice:
    from datetime import date

    note = lifecycle.credit_note_create(
        actor=clerk,
        invoice_id=invoice.id,
        invoicing_date=date(2026, 2, 1),
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 2, 15),
        reason="Incorrect amount in original invoice",
    )
    return approve(clerk, approver, note)


@pytest.fixture
def make_approved(clerk, approver, office):
    """``make_approved(party, costs, **fields)``: a new invoice, locked and approved."""

    def make(party, costs, **fields) -> Invoice:
        return approve(clerk, approver, draft(clerk, office, party, costs, **fields))

    return make


def seed_like(**fields) -> dict:
    """The primary seed's example as service data: three costs incl. 25.5 %, a discount of
    1000 EUR incl. VAT, a 2500 EUR down payment, e-invoicing to 003702472382 @ E204503."""
    values = {
        "costs": [
            cost(1000000, includes_vat=True, cost_type_code="COMMISSION", description="Commission"),
            cost(50000, includes_vat=True, description="Document handling fee"),
            cost(75000, includes_vat=True, description="Marketing expenses"),
        ],
        "discount": DiscountData(
            amount=100000, vat_percentage=Decimal("25.5"), description="Early payment discount"
        ),
        "down_payment": 250000,
        "late_payment_fee_percentage": Decimal(16),
        "notice_period": 8,
        "invoicing_method_code": "EINVOICING",
        "e_invoicing_address": "003702472382",
        "e_invoicing_operator_id": "E204503",
        "e_invoicing_operator_name": "OpusCapita Solutions Oy",
    }
    values.update(fields)
    return values
