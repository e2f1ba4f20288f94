"""Okappy invoices on our model: cost lines and items through the one tax module.

An Okappy body gives amounts and VAT *amounts*, not rates. Each item's rate is the UK rate
(20 %, 5 %, 0 %, else the rate its figures imply, to two decimals) under which our per-line,
half-up computation gives exactly the item's ``vat``; the materials, labour and other costs share
the rate that gives the rest of ``vatAmount``. Every figure the client sends is then checked
against ours (item ``netAmount`` and ``vat``, ``netAmountCustomer``, ``vatAmount``): a mismatch
is a 400 naming both figures. ``raised`` issues the invoice (LOCK + APPROVE: numbered, final
PDF); ``draft`` leaves a DRAFT.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from invoices import tax
from invoices.choices import CostType, InvoicingMethod
from invoices.models import Invoice
from invoices.money import to_major
from invoices.services import CostData
from invoicing_project.errors import FieldError, ValidationFailed
from offices.models import Agent

from .. import services as compat
from ..choices import IdKind, System

CURRENCY = "GBP"
SOURCE_SYSTEM_CODE = "OKAPPY"
UK = ZoneInfo("Europe/London")
# UK VAT rates tried in this order; a reverse-charge item sent with vat 0 shows the standard one.
UK_VAT_RATES = (Decimal(20), Decimal(5), Decimal(0))
STANDARD_RATE = Decimal(20)
COSTS = (
    ("materialsCost", CostType.MATERIALS, "Materials"),
    ("labourCost", CostType.LABOUR, "Labour"),
    ("otherCost", CostType.OTHER, "Other costs"),
)


@dataclass(frozen=True)
class OkappyItem:
    name: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat: Decimal
    net_amount: Decimal
    discount: Decimal = Decimal(0)
    vat_reverse: bool = False
    item_code: str = ""


@dataclass(frozen=True)
class OkappyCost:
    field: str  # materialsCost, labourCost, otherCost
    amount: Decimal
    description: str = ""


@dataclass
class OkappyInvoice:
    connect_to: str
    invoice_type: str  # raised | draft
    tax_date: datetime  # naive, UK local time
    net_amount_customer: Decimal
    vat_amount: Decimal
    customer_reference: str = ""
    company_name: str = ""
    invoice_address: str = ""
    deduction: Decimal = Decimal(0)
    costs: list[OkappyCost] = field(default_factory=list)
    items: list[OkappyItem] = field(default_factory=list)


def _gbp(minor_units: int | Decimal) -> str:
    return f"{to_major(minor_units, CURRENCY)}"


def _mismatch(target: str, given: int | Decimal, computed: int | Decimal, how: str) -> None:
    message = f"{target} {_gbp(given)} does not match our computation {_gbp(computed)} ({how})"
    raise ValidationFailed(message, [FieldError(target, "INVALID_VALUE", message)])


def _vat_of(nets: list[int], rate: Decimal) -> Decimal:
    """The VAT of VAT-excluded lines at *rate*, per line and half-up (the tax module's rule)."""
    return sum((tax.line_amounts(tax.LineInput(Decimal(n), rate)).vat for n in nets), Decimal(0))


def _implied_rate(nets: list[int], vat: int) -> Decimal | None:
    total = sum(nets)
    if not total:
        return None
    rate = (Decimal(vat) * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return rate if Decimal(0) <= rate <= Decimal(100) else None


def matching_rate(nets: list[int], vat: int) -> Decimal | None:
    """The first rate under which *nets* carry exactly *vat* (UK rates first)."""
    implied = _implied_rate(nets, vat)
    for rate in (*UK_VAT_RATES, *([implied] if implied is not None else [])):
        if _vat_of(nets, rate) == vat:
            return rate
    return None


def _item_cost(item: OkappyItem, index: int) -> tuple[CostData, int]:
    """The item as a cost line, and the VAT it declares (checked against ours)."""
    target = f"invoiceItems[{index}]"
    unit = compat.minor(item.unit_price, CURRENCY, f"{target}.unitPrice")
    discount = compat.minor(item.discount, CURRENCY, f"{target}.discount")
    vat = compat.minor(item.vat, CURRENCY, f"{target}.vat")
    net = compat.minor(item.net_amount, CURRENCY, f"{target}.netAmount")
    computed_net = tax.line_amounts(
        tax.LineInput(Decimal(unit), Decimal(0), quantity=item.quantity, discount=Decimal(discount))
    ).vat_excluded
    if computed_net != net:
        _mismatch(f"{target}.netAmount", net, computed_net, "quantity x unitPrice - discount")
    rate = matching_rate([net], vat)
    if item.vat_reverse and vat == 0:
        rate = STANDARD_RATE  # shown as reverse-charged at the standard rate, not charged
    if rate is None:
        implied = _implied_rate([net], vat)
        shown = implied if implied is not None else STANDARD_RATE
        _mismatch(f"{target}.vat", vat, _vat_of([net], shown), f"netAmount at {shown} %")
    cost = CostData(
        amount=unit,
        quantity=item.quantity,
        discount=discount,
        vat_percentage=rate,
        reverse_charge=item.vat_reverse,
        cost_type_code=CostType.GOODS,
        name=item.name,
        description=item.description,
        item_code=item.item_code,
    )
    return cost, 0 if item.vat_reverse else vat


def _lines(data: OkappyInvoice, vat_amount: int) -> tuple[list[CostData], dict[str, int]]:
    """Cost lines (materials, labour, other; only those with an amount) then the items.

    Returns the lines and the position of each cost line by its Okappy field name.
    """
    item_costs, items_vat = [], 0
    for index, item in enumerate(data.items):
        cost, vat = _item_cost(item, index)
        item_costs.append(cost)
        items_vat += vat
    costs = [
        (c, compat.minor(c.amount, CURRENCY, c.field)) for c in data.costs if c.amount is not None
    ]
    costs = [(c, amount) for c, amount in costs if amount]
    rate = matching_rate([amount for _, amount in costs], vat_amount - items_vat)
    rate = STANDARD_RATE if rate is None else rate  # vatAmount's cross-check reports it
    kinds = {name: (cost_type, label) for name, cost_type, label in COSTS}
    lines, positions = [], {}
    for cost, amount in costs:
        cost_type, label = kinds[cost.field]
        positions[cost.field] = len(lines)
        lines.append(
            CostData(
                amount=amount,
                vat_percentage=rate,
                cost_type_code=cost_type,
                name=label,
                description=cost.description,
            )
        )
    return lines + item_costs, positions


def _cross_check(data: OkappyInvoice, lines: list[CostData], deduction: int) -> None:
    net = compat.minor(data.net_amount_customer, CURRENCY, "netAmountCustomer")
    vat = compat.minor(data.vat_amount, CURRENCY, "vatAmount")
    totals = tax.invoice_totals(
        [
            tax.LineInput(
                Decimal(c.amount),
                c.vat_percentage,
                quantity=c.quantity,
                reverse_charge=c.reverse_charge,
                discount=Decimal(c.discount),
            )
            for c in lines
        ],
        deduction=Decimal(deduction),
    )
    if totals.vat_excluded != net:
        _mismatch("netAmountCustomer", net, totals.vat_excluded, "the sum of the costs and items")
    if totals.vat != vat:
        _mismatch("vatAmount", vat, totals.vat, "the VAT of the costs and items, per line")
    if totals.amount_due < 0:
        raise ValidationFailed.field(
            "deduction",
            f"deduction {_gbp(deduction)} is more than the invoice total "
            f"{_gbp(totals.vat_included)}",
        )


@transaction.atomic
def okappy_invoice_create(*, actor: Agent, data: OkappyInvoice) -> Invoice:
    """Create the invoice (and issue it when ``raised``); all or nothing."""
    party = compat.party_for_foreign_id(
        agent=actor,
        system=System.OKAPPY,
        kind=IdKind.CUSTOMER,
        foreign_id=data.connect_to,
        target="connectTo",
    )
    office_id = party.office_id
    if data.invoice_type == "raised":
        compat.require_issuing(actor, office_id, action="raise invoices (approve them)")
    vat_amount = compat.minor(data.vat_amount, CURRENCY, "vatAmount")
    deduction = compat.minor(data.deduction, CURRENCY, "deduction")
    lines, positions = _lines(data, vat_amount)
    if not lines:
        raise ValidationFailed.field(
            "invoiceItems",
            "The invoice has nothing to invoice: send invoiceItems or a materials, labour or "
            "other cost",
            "VALUE_REQUIRED",
        )
    _cross_check(data, lines, deduction)
    tax_day = data.tax_date.date()
    custom_address = bool(data.company_name or data.invoice_address)
    invoice, _ = compat.invoice_create_mapped(
        actor=actor,
        system=System.OKAPPY,
        party=party,
        currency=CURRENCY,
        issue_date=tax_day,
        costs=lines,
        source_system_code=SOURCE_SYSTEM_CODE,
        # Okappy delivers raised invoices to its connected customers itself.
        invoicing_method_code=InvoicingMethod.EXTERNAL,
        mapping_data={"connectTo": data.connect_to, "costPositions": positions},
        customer_reference=data.customer_reference,
        deduction=deduction,
        source_system_creation_time=data.tax_date.replace(tzinfo=UK),
        billing_recipient=(data.company_name or party.name) if custom_address else None,
        billing_street_address=data.invoice_address or party.street_address,
        billing_postcode=party.postcode,
        billing_postal_area=party.postal_area,
        billing_country_code=party.country_code,
    )
    if data.invoice_type == "raised":
        compat.invoice_issue(actor=actor, invoice_id=invoice.pk)
    return invoice
