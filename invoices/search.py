"""The items of a search page (``GET /api/v1/invoices``), built from plain rows.

:func:`search_items` gives exactly what ``InvoiceSearchItemOutput(invoices, many=True).data``
gives (same keys, order, values and types; ``tests/invoices/test_search_items.py`` holds the
two equal over varied invoices), from four plain-row queries instead of model instances,
prefetches and DRF fields: a quarter of the CPU for a page of 40 (bench/, docs/performance.md).
The values go through the same conversions as the serializer's fields (``to_minor`` as
``MinorUnitsOut``, ``PercentageField``, ``UtcDateTimeField``, python-stdnum as the IBAN and BIC
fields). A field added to the serializer must be added here too; the test fails until it is.
"""

from collections.abc import Sequence
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban

from invoicing_project.api.fields import PercentageField, UtcDateTimeField

from .models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount
from .money import to_minor

# Set (to "true") when there are more matches than INVOICING_SEARCH_COUNT_CAP: totalCount is then
# the cap, not the number of matches (docs/api.md).
TOTAL_COUNT_CAPPED = "Total-Count-Capped"
TOTAL_COUNT_CAPPED_HEADER = OpenApiParameter(
    TOTAL_COUNT_CAPPED,
    str,
    location=OpenApiParameter.HEADER,
    response=[200],
    enum=["true"],
    description=(
        "Present (true) when more invoices match than INVOICING_SEARCH_COUNT_CAP (default "
        "10000): totalCount is then the cap, not the number of matches. Pages beyond the cap "
        "are still served; page until a page has fewer items than size."
    ),
)

ITEM_COLUMNS = (
    "id",
    "responsible_agent_id",
    "agency_office_id",
    "assignment_id",
    "trade_settlement_id",
    "rental_settlement_id",
    "realty_id",
    "invoice_type_code",
    "invoicing_reason_code",
    "invoice_number",
    "reference_number",
    "status_code",
    "is_paid",
    "direction",
    "currency_code",
    "issue_date",
    "due_date",
    "invoicing_date",
    "source_system_code",
    "source_system_creation_time",
    "billing_recipient",
    "billing_street_address",
    "billing_postcode",
    "billing_postal_area",
    "billing_country_code",
    "invoice_document_id",
    "total_vat_included",
    "total_vat_excluded",
    "created_at",
    "modified_at",
)
ENTITY_IDS = (
    ("assignmentId", "assignment_id"),
    ("tradeSettlementId", "trade_settlement_id"),
    ("rentalSettlementId", "rental_settlement_id"),
    ("realtyId", "realty_id"),
)

_percentage = PercentageField().to_representation
_utc_field = UtcDateTimeField()


def _utc(moment):
    return None if moment is None else _utc_field.to_representation(moment)


def _text(value):
    return None if value is None else str(value)


def _date(value):
    return value.isoformat() if value else None


def search_items(ids: Sequence[UUID]) -> list[dict]:
    """The search items of the invoices *ids*, in that order (ids not found are left out).
    Four queries, whatever the number of ids."""
    if not ids:
        return []
    costs: dict = {invoice_id: [] for invoice_id in ids}
    for (
        invoice_id,
        cost_type,
        description,
        rate,
        includes_vat,
        commission,
        reverse,
        vat_included,
        vat_excluded,
        currency,
    ) in (
        InvoiceLine.objects.filter(invoice_id__in=ids)
        .order_by("invoice_id", "position", "id")
        .values_list(
            "invoice_id",
            "cost_type_code",
            "description",
            "vat_percentage",
            "includes_vat",
            "included_in_commission",
            "reverse_charge",
            "vat_included",
            "vat_excluded",
            "currency",
        )
    ):
        costs[invoice_id].append(
            {
                "amount": to_minor(vat_included if includes_vat else vat_excluded, currency),
                "costTypeCode": _text(cost_type),
                "description": _text(description),
                "vatPercentage": _percentage(rate),
                "includesVat": includes_vat,
                "includedInCommission": commission,
                "reverseCharge": reverse,
            }
        )
    parties: dict = {invoice_id: [] for invoice_id in ids}
    primaries: dict = {}
    for invoice_id, party_id, is_primary in (
        InvoiceParty.objects.filter(invoice_id__in=ids)
        .order_by("invoice_id", "position", "id")
        .values_list("invoice_id", "party_id", "is_primary")
    ):
        parties[invoice_id].append({"partyId": str(party_id)})
        if is_primary and invoice_id not in primaries:
            primaries[invoice_id] = str(party_id)
    accounts: dict = {invoice_id: [] for invoice_id in ids}
    for invoice_id, bank_name, bic, iban, holder in (
        InvoicePaymentAccount.objects.filter(invoice_id__in=ids)
        .order_by("invoice_id", "position", "id")
        .values_list("invoice_id", "bank_name", "bic", "iban", "account_holder")
    ):
        accounts[invoice_id].append(
            {
                "bankName": _text(bank_name),
                "bic": stdnum_bic.compact(bic) if bic else bic,
                "iban": None if iban is None else stdnum_iban.compact(iban),
                "accountHolder": _text(holder),
            }
        )
    rows = {row[0]: row for row in Invoice.objects.filter(pk__in=ids).values_list(*ITEM_COLUMNS)}
    items = []
    for invoice_id in ids:
        row = rows.get(invoice_id)
        if row is None:
            continue
        values = dict(zip(ITEM_COLUMNS, row, strict=True))
        currency = values["currency_code"]
        item = {
            "invoiceId": str(invoice_id),
            "responsibleAgentId": _text(values["responsible_agent_id"]),
            "agencyOfficeId": _text(values["agency_office_id"]),
        }
        for key, column in ENTITY_IDS:
            if values[column] is not None:
                item[key] = str(values[column])
        item |= {
            "invoiceTypeCode": _text(values["invoice_type_code"]),
            "invoicingReasonCode": _text(values["invoicing_reason_code"]),
            "invoiceNumber": _text(values["invoice_number"]),
            "referenceNumber": _text(values["reference_number"]),
            "statusCode": _text(values["status_code"]),
            "isPaid": values["is_paid"],
            "direction": _text(values["direction"]),
            "currencyCode": _text(currency),
            "issueDate": _date(values["issue_date"]),
            "dueDate": _date(values["due_date"]),
            "invoicingDate": _date(values["invoicing_date"]),
            "invoicedParties": {
                "primaryId": primaries.get(invoice_id),
                "parties": parties[invoice_id],
            },
            "sourceSystemCode": _text(values["source_system_code"]),
            "sourceSystemCreationTime": _utc(values["source_system_creation_time"]),
            "paymentAccounts": accounts[invoice_id],
            "costs": costs[invoice_id],
            "billingAddress": {
                "recipient": _text(values["billing_recipient"]),
                "streetAddress": _text(values["billing_street_address"]),
                "postcode": _text(values["billing_postcode"]),
                "postalArea": _text(values["billing_postal_area"]),
                "countryCode": _text(values["billing_country_code"]),
            },
        }
        if values["invoice_document_id"] is not None:
            item["invoiceDocumentId"] = str(values["invoice_document_id"])
        item |= {
            "totalInvoicedAmount": {
                "vatIncluded": to_minor(values["total_vat_included"], currency),
                "vatExcluded": to_minor(values["total_vat_excluded"], currency),
            },
            "creationTime": _utc(values["created_at"]),
            "modificationTime": _utc(values["modified_at"]),
        }
        items.append(item)
    return items
