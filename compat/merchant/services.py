"""Merchant supplier invoices: purchase invoices (``direction`` PURCHASE) on our model.

One request inserts or updates several invoices, all or nothing. The merchant's integer
invoice id is the id of the invoice's ``ExternalId`` row. ``storeId`` is the office whose
``office_identifier`` has that numeric value (``01`` is store 1); ``supplierId`` is a party of
the office mapped to that id, created as "Supplier <id>" the first time an id is seen. Item
prices are VAT-excluded unit prices in the office's currency (EUR), in major units.

Errors carry the merchant catalogue's ids (``MerchantError``): 904 a store the caller has no
access to, 912 an invoice it does not own (or that no longer may change), 913 a missing or
invalid parameter, 919 too many objects in one request.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from invoices.choices import CostType, Direction, InvoicingReason
from invoices.models import Invoice
from invoices.money import to_minor
from invoices.selectors import invoice_get
from invoices.services import CostData, InvoiceData, invoice_create, invoice_update
from invoicing_project.errors import FieldError, InvalidState, NotFound
from offices.models import AgencyOffice, Agent
from parties.choices import PartyType
from parties.models import Party

from .. import services as compat
from ..choices import IdKind, System
from ..errors import CompatError
from ..models import ExternalId

CURRENCY = "EUR"
SOURCE_SYSTEM_CODE = "MERCHANT"
MAX_INVOICES_PER_REQUEST = 100

# The merchant API's error catalogue: id -> (HTTP status, title, details).
CATALOGUE: dict[int, tuple[int, str, str]] = {
    908: (401, "Expired Token", "Token expired or invalid. Please renew your token"),
    911: (
        401,
        "Authorization Header Invalid",
        "The authorization header is invalid. The correct format is Authorization: "
        "{token_type} {accessToken}",
    ),
    919: (
        429,
        "Cannot handle too many request",
        "There is a limit for every object you can send to our server and you are exceding that.",
    ),
    913: (
        400,
        "Required parameter or object missing in request",
        "One or more of the required parameters or object formation is missing in your "
        "request. Please refer the documentation",
    ),
    904: (401, "Access Denied", "Access denied for the request"),
    912: (
        403,
        "Resource Not Allowed For Specified User",
        "The user does not own this resource and its forbidden",
    ),
    899: (500, "Unknown Error", "Something went wrong. Please contact the site administrator"),
}
CREATED = (
    206,
    201,
    "Resource Created",
    "Your resource is created partially or fully. Please check further message or process log",
)


class MerchantError(CompatError):
    def __init__(self, catalogue_id: int, description: str, errors: list[FieldError] | None = None):
        status = CATALOGUE[catalogue_id][0]
        super().__init__(description, status=status, code=str(catalogue_id), errors=errors)


@dataclass(frozen=True)
class MerchantItem:
    price: Decimal
    vat_percentage: Decimal
    quantity: int = 1
    name: str = ""
    note: str = ""
    barcode: str = ""
    product_id: int | None = None
    account_id: int | None = None


@dataclass
class MerchantInvoice:
    """One invoice of a request; ``None`` means "not sent" (an update keeps the value)."""

    id: int | None = None
    supplier_id: int | None = None
    store_id: int | None = None
    supplier_store_id: int | None = None
    reference: str | None = None
    complete_date: date | None = None
    note: str | None = None
    items: list[MerchantItem] | None = None


def store_id_of(office: AgencyOffice) -> int:
    return int(office.office_identifier)


def _store_office(actor: Agent, store_id: int | None, target: str) -> AgencyOffice:
    offices = compat.drafting_offices(actor)
    if store_id is None:
        if offices is not None and len(offices) == 1:
            return AgencyOffice.objects.get(pk=offices[0])
        raise MerchantError(
            913,
            f"{target}.storeId is required (you have access to several stores)",
            [FieldError(f"{target}.storeId", "VALUE_REQUIRED", "storeId is missing")],
        )
    candidates = AgencyOffice.objects.filter(office_identifier__regex=rf"^0*{int(store_id)}$")
    if offices is not None:
        candidates = candidates.filter(pk__in=offices)
    found = list(candidates[:2])
    if len(found) != 1:
        raise MerchantError(
            904,
            f"Access denied: you have no access to store {store_id}",
            [FieldError(f"{target}.storeId", "INVALID_VALUE", f"store {store_id}")],
        )
    return found[0]


def _supplier(actor: Agent, office: AgencyOffice, supplier_id: int) -> Party:
    foreign_id = str(supplier_id)
    party = compat.mapped_party(
        system=System.MERCHANT, kind=IdKind.SUPPLIER, office_id=office.pk, foreign_id=foreign_id
    )
    if party is None:
        party = compat.party_create_mapped(
            actor=actor,
            office_id=office.pk,
            system=System.MERCHANT,
            kind=IdKind.SUPPLIER,
            foreign_id=foreign_id,
            fields={
                "party_type": PartyType.ORGANISATION,
                "name": f"Supplier {supplier_id}",
                "country_code": office.country_code,
            },
        )
    return party


def _costs(items: list[MerchantItem], target: str) -> list[CostData]:
    return [
        CostData(
            amount=compat.minor(item.price, CURRENCY, f"{target}.invoiceItems[{i}].price"),
            quantity=Decimal(item.quantity),
            vat_percentage=item.vat_percentage,
            includes_vat=False,
            cost_type_code=CostType.GOODS,
            name=item.name,
            description=item.note,
            barcode=item.barcode,
            product_code="" if item.product_id is None else str(item.product_id),
            account_code="" if item.account_id is None else str(item.account_id),
        )
        for i, item in enumerate(items)
    ]


def _current_costs(invoice: Invoice) -> list[CostData]:
    currency = invoice.currency_code
    return [
        CostData(
            amount=to_minor(line.unit_amount.amount, currency),
            quantity=line.quantity,
            vat_percentage=line.vat_percentage,
            includes_vat=line.includes_vat,
            reverse_charge=line.reverse_charge,
            discount=to_minor(line.discount_amount.amount, currency),
            cost_type_code=line.cost_type_code,
            name=line.name,
            description=line.description,
            item_code=line.item_code,
            barcode=line.barcode,
            product_code=line.product_code,
            account_code=line.account_code,
        )
        for line in invoice.lines.all()
    ]


def _owned_mapping(actor: Agent, merchant_id: int, target: str) -> tuple[ExternalId, Invoice]:
    mapping = (
        ExternalId.objects.select_related("office")
        .filter(system=System.MERCHANT, kind=IdKind.INVOICE, pk=merchant_id)
        .first()
    )
    not_yours = MerchantError(
        912,
        f"Invoice {merchant_id} is not yours to change",
        [FieldError(f"{target}.id", "INVALID_VALUE", f"invoice {merchant_id}")],
    )
    offices = compat.drafting_offices(actor)
    if mapping is None or (offices is not None and mapping.office_id not in offices):
        raise not_yours
    try:
        invoice = invoice_get(agent=actor, invoice_id=mapping.object_id)
    except NotFound as exc:
        raise not_yours from exc
    return mapping, invoice


def _save_one(actor: Agent, data: MerchantInvoice, target: str) -> ExternalId:
    mapping = invoice = None
    if data.id is not None:
        mapping, invoice = _owned_mapping(actor, data.id, target)
        office = mapping.office
        if data.store_id is not None and data.store_id != store_id_of(office):
            raise MerchantError(
                913,
                f"{target}.storeId: an invoice cannot move to another store",
                [FieldError(f"{target}.storeId", "INVALID_VALUE", "storeId cannot change")],
            )
    else:
        office = _store_office(actor, data.store_id, target)

    missing = []
    if data.supplier_id is not None:
        supplier_id = _supplier(actor, office, data.supplier_id).pk
    elif invoice is not None:
        supplier_id = next(
            (p.party_id for p in invoice.invoiced_parties.all() if p.is_primary), None
        )
    else:
        supplier_id = None
        missing.append("supplierId")
    if data.items is not None:
        costs = _costs(data.items, target)
    elif invoice is not None:
        costs = _current_costs(invoice)
    else:
        costs = []
    if not costs and invoice is None:
        missing.append("invoiceItems")
    if missing:
        raise MerchantError(
            913,
            f"Missing in {target}: {', '.join(missing)}",
            [
                FieldError(f"{target}.{name}", "VALUE_REQUIRED", f"{name} is missing")
                for name in missing
            ],
        )

    def kept(value, current):
        return current if value is None else value

    complete_date = kept(data.complete_date, invoice.issue_date if invoice else None)
    invoice_data = InvoiceData(
        agency_office_id=office.pk,
        invoicing_reason_code=InvoicingReason.OTHER,
        direction=Direction.PURCHASE,
        currency_code=invoice.currency_code if invoice else CURRENCY,
        invoicing_date=complete_date,
        issue_date=complete_date,
        costs=costs,
        party_ids=[supplier_id] if supplier_id else [],
        primary_party_id=supplier_id,
        customer_reference=kept(data.reference, invoice.customer_reference if invoice else ""),
        note=kept(data.note, invoice.note if invoice else ""),
        payment_accounts=[],  # the office pays this invoice; its own accounts do not belong
        source_system_code=SOURCE_SYSTEM_CODE,
    )
    if invoice is not None:
        try:
            invoice_update(actor=actor, invoice_id=invoice.pk, data=invoice_data)
        except InvalidState as exc:
            raise MerchantError(
                912, f"Invoice {data.id} can no longer change: {exc.description}"
            ) from exc
    else:
        invoice = invoice_create(actor=actor, data=invoice_data)
        mapping = compat.external_id_create(
            system=System.MERCHANT,
            kind=IdKind.INVOICE,
            office_id=office.pk,
            external_id=f"pending-{uuid.uuid4()}",
            object_id=invoice.pk,
        )
        mapping.external_id = str(mapping.pk)  # the merchant's integer id is the row's own
    if data.supplier_store_id is not None:
        mapping.data = {**mapping.data, "supplierStoreId": data.supplier_store_id}
    mapping.save()
    return mapping


@transaction.atomic
def merchant_invoices_save(*, actor: Agent, invoices: list[MerchantInvoice]) -> list[ExternalId]:
    """Insert (no ``id``) or update (``id``) each invoice; all in one transaction."""
    if len(invoices) > MAX_INVOICES_PER_REQUEST:
        raise MerchantError(
            919, f"At most {MAX_INVOICES_PER_REQUEST} invoices can be sent in one request"
        )
    for index, data in enumerate(invoices):
        if data.items is not None and len(data.items) > settings.INVOICING_MAX_LINES:
            raise MerchantError(
                919,
                f"invoices[{index}] has {len(data.items)} items; at most "
                f"{settings.INVOICING_MAX_LINES} are allowed",
            )
    return [_save_one(actor, data, f"invoices[{i}]") for i, data in enumerate(invoices)]
