"""Accounteer invoices on our model, with its tax rates, templates and GL accounts.

* ``client_id``: a party mapped to that id (``ExternalId`` CUSTOMER), or our party's UUID; its
  office is the invoice's (Accounteer's organisation).
* ``date_issued`` defaults to today; ``date_due`` to the issue date plus the template's
  ``days_due`` (``template_id``, else the default template; without templates, the office's
  payment terms).
* Each item is a line at its ``tax_id``'s percentage, VAT-included when ``tax_included``
  (back-calculated per line, half-up, by the tax module), posting to its ``gl_account_id``'s
  code (``InvoiceLine.account_code``).
* ``status`` approved issues the invoice (LOCK + APPROVE) and writes its journal entry
  (``compat.ledger``); draft leaves a DRAFT with no entries.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from invoices.choices import CostType
from invoices.models import Invoice
from invoices.services import CostData
from invoicing_project.errors import FieldError, ValidationFailed
from offices.models import Agent

from .. import ledger
from .. import services as compat
from ..choices import IdKind, System
from ..models import GlAccount, InvoiceTemplate, TaxRate

CURRENCY = "EUR"
SOURCE_SYSTEM_CODE = "ACCOUNTEER"
# ``item_base_amount`` is the unrounded VAT-excluded unit price: shown to this many decimals.
BASE_AMOUNT_DECIMALS = 12


@dataclass(frozen=True)
class AccounteerItem:
    title: str
    quantity: Decimal
    price: Decimal
    tax_id: str
    gl_account_id: str
    tax_included: bool = False
    description: str | None = None


@dataclass
class AccounteerInvoice:
    client_id: str
    items: list[AccounteerItem]
    date_issued: date | None = None
    date_due: date | None = None
    template_id: str | None = None
    reference: str | None = None
    status: str = "draft"


def unrounded_base_amount(price_minor: int, rate: Decimal, tax_included: bool) -> int | Decimal:
    """The seed's ``item_base_amount``: the VAT-excluded unit price, *not* rounded to a cent
    (``100`` incl. 21 % -> ``82.644628099174``), in major units to 12 decimals.

    Display only: no total uses it (the line figures are the tax module's, rounded per line).
    """
    base = Decimal(price_minor)
    if tax_included:
        base = base * 100 / (100 + Decimal(rate))
    return compat.number((base / 100).quantize(Decimal(1).scaleb(-BASE_AMOUNT_DECIMALS)))


def _lookups(items: list[AccounteerItem]) -> tuple[dict[str, TaxRate], dict[str, GlAccount]]:
    rates = {r.tax_id: r for r in TaxRate.objects.filter(tax_id__in={i.tax_id for i in items})}
    accounts = {
        a.account_id: a
        for a in GlAccount.objects.filter(account_id__in={i.gl_account_id for i in items})
    }
    errors = []
    for index, item in enumerate(items):
        if item.tax_id not in rates:
            errors.append(
                FieldError(
                    f"invoice.items[{index}].tax_id", "INVALID_VALUE", f"unknown tax {item.tax_id}"
                )
            )
        if item.gl_account_id not in accounts:
            errors.append(
                FieldError(
                    f"invoice.items[{index}].gl_account_id",
                    "INVALID_VALUE",
                    f"unknown GL account {item.gl_account_id}",
                )
            )
    if errors:
        raise ValidationFailed("Unknown tax or GL account.", errors)
    return rates, accounts


def _template(template_id: str | None) -> InvoiceTemplate | None:
    if template_id is None:
        return InvoiceTemplate.objects.filter(is_default=True).first()
    template = InvoiceTemplate.objects.filter(template_id=template_id).first()
    if template is None:
        raise ValidationFailed.field(
            "invoice.template_id", f"unknown invoice template {template_id}"
        )
    return template


@transaction.atomic
def accounteer_invoice_create(*, actor: Agent, data: AccounteerInvoice) -> Invoice:
    party = compat.party_for_foreign_id(
        agent=actor,
        system=System.ACCOUNTEER,
        kind=IdKind.CUSTOMER,
        foreign_id=data.client_id,
        target="invoice.client_id",
    )
    office_id = party.office_id
    if data.status == "approved":
        compat.require_issuing(actor, office_id, action="approve invoices")
    rates, accounts = _lookups(data.items)
    template = _template(data.template_id)
    issued = data.date_issued or timezone.localdate()
    due = data.date_due or (issued + timedelta(days=template.days_due) if template else None)
    costs = [
        CostData(
            amount=compat.minor(item.price, CURRENCY, f"invoice.items[{i}].price"),
            quantity=item.quantity,
            vat_percentage=rates[item.tax_id].percentage,
            includes_vat=item.tax_included,
            cost_type_code=CostType.OTHER,
            name=item.title,
            description=item.description or "",
            account_code=accounts[item.gl_account_id].code,
        )
        for i, item in enumerate(data.items)
    ]
    invoice, _ = compat.invoice_create_mapped(
        actor=actor,
        system=System.ACCOUNTEER,
        party=party,
        currency=CURRENCY,
        issue_date=issued,
        costs=costs,
        source_system_code=SOURCE_SYSTEM_CODE,
        mapping_data={
            "client_id": data.client_id,
            "template_id": template.template_id if template else None,
            "reference": data.reference,
            "items": [
                {"tax_id": item.tax_id, "gl_account_id": item.gl_account_id} for item in data.items
            ],
        },
        due_date=due,
        customer_reference=data.reference or "",
    )
    if data.status == "approved":
        compat.invoice_issue(actor=actor, invoice_id=invoice.pk)
        ledger.journal_entry_post(invoice_id=invoice.pk, actor=actor)
    return invoice
