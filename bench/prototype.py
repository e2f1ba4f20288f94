"""Proposed code changes, patched in only for the bench's "after" runs (``--prototype``).

Nothing here is product code. Each change is written the way it should land in the product
and installed by monkeypatching, so that its effect can be measured before it is adopted;
``docs/performance.md`` lists them as diffs. Source patches (``_patch_source``) take the
product function's own source and replace exact snippets, so they fail loudly if the product
code has moved on.

Adopted since (no longer patched here): ``distinct=False`` on the four choice filters, and
``invoice_create`` skipping the deletes of lines, parties and accounts a new invoice cannot
have. Still only here:

2. ``invoices/filters.py``: ``freeTextSearch`` as ``id IN (party matches UNION own-column
   matches)``: an ``OR`` of an ``EXISTS`` and two ``LIKE`` cannot use any index and scanned every
   invoice; the union lets the trigram indexes (migration 0008) find the few matches.
3. ``invoices/selectors.py`` + ``invoices/api/views.py``: the search counts matches only up to
   ``SEARCH_COUNT_CAP`` (exact below it); below the cap the page is sorted out of the same
   bounded subquery as the count (filter first), above it the page's ids are read in sort order
   (from a covering index); the 40 items are built from plain rows (``search_items``), exactly
   as ``InvoiceSearchItemOutput`` renders them.
"""

import inspect
import os
import textwrap
from types import ModuleType

# An INVOICING_SEARCH_COUNT_CAP setting in the product.
SEARCH_COUNT_CAP = int(os.environ.get("BENCH_SEARCH_COUNT_CAP", "10000"))
DEEP_PAGE = 1_000

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    _filters()
    _search_view()


def _patch_source(module: ModuleType, qualname: str, replacements: list[tuple[str, str]]):
    """Re-define ``module.qualname`` from its own source with *replacements* applied."""
    owner, _, name = qualname.rpartition(".")
    target = getattr(getattr(module, owner), name) if owner else getattr(module, name)
    source = textwrap.dedent(inspect.getsource(target))
    for old, new in replacements:
        if old not in source:
            raise RuntimeError(f"prototype: {qualname} changed; cannot find {old!r}")
        source = source.replace(old, new)
    namespace = dict(module.__dict__)
    exec(compile(source, module.__file__, "exec"), namespace)  # noqa: S102 - our own source
    if owner:
        setattr(getattr(module, owner), name, namespace[name])
    else:
        setattr(module, name, namespace[name])


# --- 1 and 2: the filters ---------------------------------------------------------------------


def _filters() -> None:
    from invoices import filters

    def filter_free_text(self, queryset, name, value):
        """Party name, invoice number, or the address invoiced (the assignment's address)."""
        party_matches = filters.InvoiceParty.objects.filter(party__name__icontains=value).values(
            "invoice_id"
        )
        own_matches = filters.Invoice.objects.filter(
            filters.Q(invoice_number__icontains=value)
            | filters.Q(billing_street_address__icontains=value)
        ).values("id")
        return queryset.filter(pk__in=party_matches.union(own_matches))

    filters.InvoiceFilter.filter_free_text = filter_free_text


# --- 3: count, page, items ------------------------------------------------------------------


def invoice_search_count(queryset) -> int:
    """The number of matches, exact up to ``SEARCH_COUNT_CAP`` (then the cap): counting a
    million matches takes longer than a search may take."""
    return queryset.order_by()[:SEARCH_COUNT_CAP].count()


def invoice_search_page(queryset, *, start: int, size: int) -> tuple[int, list]:
    """``(total, ids)``: the capped number of matches and the ids of one page of *queryset*
    (ordered), in two queries.

    Few matches (below the cap): the page is read from the same bounded subquery as the
    count, so PostgreSQL finds the matches with the filters' indexes, as it does to count them,
    and sorts at most ``SEARCH_COUNT_CAP`` of them; walking an index in sort order instead
    would pass over every row that does not match (a month of dates a year back: 211 000).
    Many matches: the page is read in sort order, from an index alone where one covers it.
    """
    from django.db import connection

    total = invoice_search_count(queryset)
    if total >= SEARCH_COUNT_CAP:
        return total, invoice_search_page_ids(queryset, start=start, size=size)
    if start >= total:
        return total, []
    ordering = list(queryset.query.order_by)
    columns = [term.lstrip("-") for term in ordering]
    matches = queryset.order_by().select_related(None).prefetch_related(None)
    sql, params = matches.values_list("pk", *columns)[:SEARCH_COUNT_CAP].query.sql_with_params()
    order = ", ".join(
        f"{position} {'DESC' if term.startswith('-') else 'ASC'}"
        for position, term in enumerate(ordering, start=2)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT matches.* FROM ({sql}) matches ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, size, start],
        )
        return total, [row[0] for row in cursor.fetchall()]


def invoice_search_page_ids(queryset, *, start: int, size: int) -> list:
    """The ids of one page of *queryset* in its order. Only ids: the query can be answered
    from an index alone (``invoice_created_cover`` for the default order), however many rows
    it must skip (a deep page) or pass over."""
    queryset = queryset.select_related(None).prefetch_related(None)
    return list(queryset.values_list("pk", flat=True)[start : start + size])


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


def search_items(ids: list) -> list[dict]:
    """The search items of the invoices *ids*, in that order: exactly what
    ``InvoiceSearchItemOutput`` gives, built from four plain-row queries instead of model
    instances and DRF fields (a quarter of the CPU for a page of 40)."""
    from datetime import UTC

    from stdnum import bic as stdnum_bic
    from stdnum import iban as stdnum_iban

    from invoices.models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount
    from invoices.money import minor_unit_exponent

    if not ids:
        return []
    exponents: dict[str, int] = {}

    def minor(amount, currency: str) -> int:
        exponent = exponents.get(currency)
        if exponent is None:
            exponent = exponents[currency] = minor_unit_exponent(currency)
        return int(amount.scaleb(exponent).to_integral_value(rounding="ROUND_HALF_UP"))

    def percentage(value):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)

    def utc(moment):
        if moment is None:
            return None
        text = moment.astimezone(UTC).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def text(value):
        return None if value is None else str(value)

    costs: dict = {invoice_id: [] for invoice_id in ids}
    for row in (
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
        invoice_id, cost_type, description, rate, includes_vat, commission, reverse = row[:7]
        costs[invoice_id].append(
            {
                "amount": minor(row[7] if includes_vat else row[8], row[9]),
                "costTypeCode": cost_type,
                "description": description,
                "vatPercentage": percentage(rate),
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
                "bankName": bank_name,
                "bic": stdnum_bic.compact(bic) if bic else bic,
                "iban": stdnum_iban.compact(iban),
                "accountHolder": holder,
            }
        )
    rows = {row[0]: row for row in Invoice.objects.filter(pk__in=ids).values_list(*ITEM_COLUMNS)}
    items = []
    for invoice_id in ids:
        row = rows.get(invoice_id)
        if row is None:
            continue
        (
            pk, agent_id, office_id, assignment_id, trade_id, rental_id, realty_id, type_code,
            reason, number, reference, status, is_paid, direction, currency, issue_date,
            due_date, invoicing_date, source_code, source_time, recipient, street, postcode,
            area, country, document_id, vat_included, vat_excluded, created_at, modified_at,
        ) = row  # fmt: skip
        item = {
            "invoiceId": str(pk),
            "responsibleAgentId": text(agent_id),
            "agencyOfficeId": str(office_id),
        }
        for key, value in (
            ("assignmentId", assignment_id),
            ("tradeSettlementId", trade_id),
            ("rentalSettlementId", rental_id),
            ("realtyId", realty_id),
        ):
            if value is not None:
                item[key] = str(value)
        item |= {
            "invoiceTypeCode": type_code,
            "invoicingReasonCode": reason,
            "invoiceNumber": number,
            "referenceNumber": reference,
            "statusCode": status,
            "isPaid": is_paid,
            "direction": direction,
            "currencyCode": currency,
            "issueDate": issue_date.isoformat() if issue_date else None,
            "dueDate": due_date.isoformat() if due_date else None,
            "invoicingDate": invoicing_date.isoformat() if invoicing_date else None,
            "invoicedParties": {
                "primaryId": primaries.get(pk),
                "parties": parties[pk],
            },
            "sourceSystemCode": source_code,
            "sourceSystemCreationTime": utc(source_time),
            "paymentAccounts": accounts[pk],
            "costs": costs[pk],
            "billingAddress": {
                "recipient": recipient,
                "streetAddress": street,
                "postcode": postcode,
                "postalArea": area,
                "countryCode": country,
            },
        }
        if document_id is not None:
            item["invoiceDocumentId"] = str(document_id)
        item |= {
            "totalInvoicedAmount": {
                "vatIncluded": minor(vat_included, currency),
                "vatExcluded": minor(vat_excluded, currency),
            },
            "creationTime": utc(created_at),
            "modificationTime": utc(modified_at),
        }
        items.append(item)
    return items


def _search_view() -> None:
    from invoices import selectors
    from invoices.api import views

    selectors.invoice_search_count = invoice_search_count
    selectors.invoice_search_page = invoice_search_page
    selectors.invoice_search_page_ids = invoice_search_page_ids
    views.search_items = search_items
    _patch_source(
        views,
        "InvoiceCollectionView.get",
        [
            (  # the method's source, dedented: its body is indented by four spaces
                "    total = queryset.count()\n"
                "    page = list(queryset[start : start + size]) if start < total else []\n"
                "    return Response(InvoiceSearchOutput("
                '{"totalCount": total, "invoices": page}).data)',
                "    total, ids = selectors.invoice_search_page(queryset, start=start, size=size)\n"
                '    return Response({"totalCount": total, "invoices": search_items(ids)})',
            )
        ],
    )
