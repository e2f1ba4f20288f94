"""GET /api/v1/invoices: every filter of the seed (a hit and a miss each), sorting, paging, and
the flat search item.

Four invoices A-D in the clerk's office differ in every searchable attribute; E, in the other
office, shares A's trade settlement and a party name and must never appear.
"""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from invoices.models import Invoice
from invoices.services import CostData, InvoiceData, invoice_create

from ..factories import AgentFactory, PartyFactory
from ..test_api_errors import assert_error, fast_password_hashing  # noqa: F401

INVOICES = "/api/v1/invoices"
TRADE = uuid.UUID("5bdffe48-0077-4de0-acd4-d9b9b1ab49f5")
ASSIGNMENT = uuid.UUID("3becbdcb-4768-4262-bab0-e93ae8d45311")
RENTAL = uuid.UUID("4a30bb37-96a7-47cc-9dec-f369c5651db4")
REALTY = uuid.UUID("9fd9124c-e6c1-4368-9f17-6938f0e2f524")
UNKNOWN = str(uuid.UUID("00000000-0000-4000-8000-000000000000"))


def seed_search_costs() -> list[CostData]:
    """The seed's search example costs: 10000 incl. 25.5 % and 750 excl. 25.5 %."""
    return [
        CostData(
            amount=10000,
            vat_percentage=Decimal("25.5"),
            includes_vat=True,
            cost_type_code="MARKETING",
            description="Marketing expenses",
            included_in_commission=True,
        ),
        CostData(
            amount=750,
            vat_percentage=Decimal("25.5"),
            includes_vat=False,
            cost_type_code="COMMISSION",
            description="Commission",
            included_in_commission=True,
        ),
    ]


def make_invoice(actor, office, party, *, reason="OTHER", orm=None, **fields) -> Invoice:
    """An invoice through the service (real totals); *orm* fields are then set by ``update()``."""
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code=reason,
        party_ids=[party.id],
        primary_party_id=party.id,
        costs=seed_search_costs(),
        **fields,
    )
    invoice = invoice_create(actor=actor, data=data)
    if orm:
        Invoice.objects.filter(pk=invoice.pk).update(**orm)
    return invoice


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@pytest.fixture
def liisa(office):
    return PartyFactory(
        office=office, name="Liisa Koskinen", street_address="Mannerheimintie 12 A 5"
    )


@pytest.fixture
def invoices(office, other_office, party, liisa, other_party, clerk, approver, other_clerk):
    """``{"A": id, ...}``: A-D in the clerk's office, E in the other office."""
    made = {
        "A": make_invoice(
            clerk,
            office,
            party,
            reason="CLEARING_SALE",
            trade_settlement_id=TRADE,
            issue_date=date(2024, 2, 17),
            orm={
                "status_code": "APPROVED",
                "invoice_number": "20240100003",
                "is_paid": True,
                "invoicing_date": date(2024, 1, 1),
                "created_at": at("2024-01-01T10:00:00"),
                "modified_at": at("2024-01-01T10:00:00"),
            },
        ),
        "B": make_invoice(
            clerk,
            office,
            liisa,
            reason="ASSIGNMENT",
            assignment_id=ASSIGNMENT,
            responsible_agent_id=approver.id,
            issue_date=date(2024, 3, 10),
            direction="PURCHASE",
            orm={
                "invoice_number": "20240100001",
                "invoicing_date": date(2024, 1, 1),
                "created_at": at("2024-02-01T10:00:00"),
                "modified_at": at("2024-02-01T10:00:00"),
            },
        ),
        "C": make_invoice(
            clerk,
            office,
            party,
            reason="CLEARING_RENTAL",
            rental_settlement_id=RENTAL,
            issue_date=date(2024, 4, 1),
            orm={
                "status_code": "REJECTED",
                "invoice_type_code": "CREDIT_NOTE",
                "invoice_number": "20240100004",
                "invoicing_date": date(2024, 2, 1),
                "created_at": at("2024-03-01T10:00:00"),
                "modified_at": at("2024-03-01T10:00:00"),
            },
        ),
        "D": make_invoice(
            clerk,
            office,
            party,
            reason="REALTY",
            realty_id=REALTY,
            issue_date=date(2024, 5, 1),
            orm={
                "status_code": "READY_FOR_APPROVAL",
                "invoice_number": "20240100002",
                "invoicing_date": date(2024, 2, 1),
                "created_at": at("2024-04-01T10:00:00"),
                "modified_at": at("2024-04-01T10:00:00"),
            },
        ),
        "E": make_invoice(
            other_clerk,
            other_office,
            other_party,
            reason="CLEARING_SALE",
            trade_settlement_id=TRADE,
            issue_date=date(2024, 2, 17),
            orm={"status_code": "APPROVED", "invoice_number": "20240200003", "is_paid": True},
        ),
    }
    return {label: str(invoice.id) for label, invoice in made.items()}


def search(api, params=None) -> dict:
    response = api.get(INVOICES, params or {})
    assert response.status_code == 200, response.json()
    return response.json()


def labels(invoices, body) -> list[str]:
    by_id = {invoice_id: label for label, invoice_id in invoices.items()}
    return [by_id[item["invoiceId"]] for item in body["invoices"]]


def found(api, invoices, params) -> set[str]:
    body = search(api, params)
    assert body["totalCount"] == len(body["invoices"])
    return set(labels(invoices, body))


# --- filters -----------------------------------------------------------------------------------

# (params, expected labels); values in {braces} are filled from the fixtures.
FILTER_CASES = [
    ({}, "ABCD"),
    ({"statusCode": "APPROVED"}, "A"),
    ({"statusCode": ["APPROVED", "DRAFT"]}, "AB"),
    ({"statusCode": "CREDITED"}, ""),
    ({"invoiceNumber": "20240100003"}, "A"),
    ({"invoiceNumber": "20240100099"}, ""),
    ({"invoiceNumber": "2024010000"}, ""),  # a specific invoice: no partial match
    ({"invoiceNumber": "20240200003"}, ""),  # E's number, other office
    ({"partyName": "virta"}, "ACD"),
    ({"partyName": "Koskinen"}, "B"),  # E's party is Koskinen too, in the other office
    ({"partyName": "Nobody"}, ""),
    ({"partyName": "%"}, ""),
    ({"agencyOfficeId": "{office}"}, "ABCD"),
    ({"agencyOfficeId": "{other_office}"}, ""),
    ({"agencyOfficeId": ["{office}", "{other_office}"]}, "ABCD"),
    ({"agencyOfficeId": UNKNOWN}, ""),
    ({"assignmentId": str(ASSIGNMENT)}, "B"),
    ({"assignmentId": UNKNOWN}, ""),
    ({"tradeSettlementId": str(TRADE)}, "A"),
    ({"tradeSettlementId": UNKNOWN}, ""),
    ({"rentalSettlementId": str(RENTAL)}, "C"),
    ({"rentalSettlementId": UNKNOWN}, ""),
    ({"realtyId": str(REALTY)}, "D"),
    ({"realtyId": UNKNOWN}, ""),
    ({"partyId": "{liisa}"}, "B"),
    ({"partyId": "{party}"}, "ACD"),
    ({"partyId": "{other_party}"}, ""),
    ({"responsibleAgentId": "{approver}"}, "B"),
    ({"responsibleAgentId": "{clerk}"}, "ACD"),
    ({"responsibleAgentId": UNKNOWN}, ""),
    ({"freeTextSearch": "Koskinen"}, "B"),  # party name
    ({"freeTextSearch": "0100003"}, "A"),  # invoice number
    ({"freeTextSearch": "Mannerheim"}, "B"),  # billing street address
    ({"freeTextSearch": "yliopistonkatu"}, "ACD"),
    ({"freeTextSearch": "zzzz"}, ""),
    ({"freeTextSearch": "%%%"}, ""),  # LIKE wildcards are matched literally
    ({"freeTextSearch": "___"}, ""),
    ({"freeTextSearch": "abc"}, ""),  # exactly 3 characters is allowed
    ({"freeTextSearch": "x" * 50}, ""),  # exactly 50 characters is allowed
    ({"modifiedAfter": "2024-02-15T00:00:00Z"}, "CD"),
    ({"modifiedAfter": "2024-01-01T10:00:00Z"}, "BCD"),  # strictly after
    ({"modifiedAfter": "2030-01-01T00:00:00Z"}, ""),
    ({"invoiceTypeCode": "CREDIT_NOTE"}, "C"),
    ({"invoiceTypeCode": "INVOICE"}, "ABD"),
    ({"invoiceTypeCode": ["INVOICE", "CREDIT_NOTE"]}, "ABCD"),
    ({"invoicingReasonCode": "CLEARING_SALE"}, "A"),
    ({"invoicingReasonCode": ["CLEARING_SALE", "ASSIGNMENT"]}, "AB"),
    ({"invoicingReasonCode": "OTHER"}, ""),
    ({"issueDateAfter": "2024-03-10"}, "BCD"),  # inclusive
    ({"issueDateAfter": "2024-06-01"}, ""),
    ({"issueDateBefore": "2024-03-10"}, "A"),  # exclusive
    ({"issueDateBefore": "2024-01-01"}, ""),
    ({"issueDateAfter": "2024-03-01", "issueDateBefore": "2024-05-01"}, "BC"),
    ({"dueDateAfter": "2024-03-24"}, "BCD"),  # B is due 2024-03-24 (NET_14)
    ({"dueDateAfter": "2024-06-01"}, ""),
    ({"dueDateBefore": "2024-03-24"}, "A"),
    ({"dueDateBefore": "2024-03-02"}, ""),  # A is due 2024-03-02: before is exclusive
    ({"isPaid": "true"}, "A"),
    ({"isPaid": "false"}, "BCD"),
    ({"direction": "PURCHASE"}, "B"),
    ({"direction": "SALES"}, "ACD"),
    ({"statusCode": "DRAFT", "partyName": "Koskinen"}, "B"),
    ({"statusCode": "APPROVED", "partyName": "Koskinen"}, ""),
    ({"unknownParameter": "ignored"}, "ABCD"),
]


def _fill(value, ids):
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value.format(**ids) if value.startswith("{") else value


@pytest.fixture
def ids(office, other_office, party, liisa, other_party, clerk, approver):
    return {
        "office": office.id,
        "other_office": other_office.id,
        "party": party.id,
        "liisa": liisa.id,
        "other_party": other_party.id,
        "clerk": clerk.id,
        "approver": approver.id,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    FILTER_CASES,
    ids=[
        "&".join(f"{k}={v}" for k, v in params.items())[:60] or "no filter"
        for params, _ in FILTER_CASES
    ],
)
def test_search_filter(api, invoices, ids, params, expected):
    params = {name: _fill(value, ids) for name, value in params.items()}
    assert found(api, invoices, params) == set(expected)


def test_filters_never_reach_another_offices_invoice(api_for, invoices, other_clerk, ids):
    """The other office's clerk finds E with the same filters that find A for our clerk."""
    other = api_for(other_clerk)
    assert found(other, invoices, {"tradeSettlementId": str(TRADE)}) == {"E"}
    assert found(other, invoices, {"agencyOfficeId": str(ids["office"])}) == set()


def test_superuser_search_spans_offices(api_for, invoices):
    root = api_for(AgentFactory(username="root", is_superuser=True))
    assert found(root, invoices, {"tradeSettlementId": str(TRADE)}) == {"A", "E"}


@pytest.mark.parametrize(
    ("params", "target"),
    [
        ({"statusCode": "PAID"}, "statusCode"),
        ({"invoiceTypeCode": "RECEIPT"}, "invoiceTypeCode"),
        ({"invoicingReasonCode": "BECAUSE"}, "invoicingReasonCode"),
        ({"direction": "SIDEWAYS"}, "direction"),
        ({"agencyOfficeId": "helsinki"}, "agencyOfficeId"),
        ({"assignmentId": "nope"}, "assignmentId"),
        ({"tradeSettlementId": "nope"}, "tradeSettlementId"),
        ({"rentalSettlementId": "nope"}, "rentalSettlementId"),
        ({"realtyId": "nope"}, "realtyId"),
        ({"partyId": "nope"}, "partyId"),
        ({"responsibleAgentId": "nope"}, "responsibleAgentId"),
        ({"freeTextSearch": "ab"}, "freeTextSearch"),
        ({"freeTextSearch": "x" * 51}, "freeTextSearch"),
        ({"modifiedAfter": "yesterday"}, "modifiedAfter"),
        ({"issueDateAfter": "2024-02-30"}, "issueDateAfter"),
        ({"issueDateBefore": "17.2.2024"}, "issueDateBefore"),
        ({"dueDateAfter": "tomorrow"}, "dueDateAfter"),
        ({"dueDateBefore": "2024-13-01"}, "dueDateBefore"),
        ({"invoiceNumber": "1" * 101}, "invoiceNumber"),
    ],
)
def test_invalid_filter_value_is_400_naming_the_parameter(api, params, target):
    assert_error(api.get(INVOICES, params), 400, "BAD_REQUEST_PARAMETERS", target=target)


def test_invalid_is_paid_value_is_400(api, invoices):
    assert_error(
        api.get(INVOICES, {"isPaid": "maybe"}), 400, "BAD_REQUEST_PARAMETERS", target="isPaid"
    )


# --- sorting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("issueDate|asc", "ABCD"),
        ("issueDate|desc", "DCBA"),
        ("dueDate|asc", "ABCD"),
        ("dueDate|desc", "DCBA"),
        ("modificationTime|asc", "ABCD"),
        ("modificationTime|desc", "DCBA"),
        ("invoiceNumber|asc", "BDAC"),
        ("invoiceNumber|desc", "CADB"),
        ("statusCode|asc", "ABDC"),  # APPROVED, DRAFT, READY_FOR_APPROVAL, REJECTED
        ("statusCode|desc", "CDBA"),
        (["invoicingDate|asc", "issueDate|desc"], "BADC"),
        (["invoicingDate|desc", "issueDate|asc"], "CDAB"),
        (["invoicingDate|asc", "invoiceNumber|asc"], "BADC"),
    ],
)
def test_sort(api, invoices, sort, expected):
    assert "".join(labels(invoices, search(api, {"sort": sort}))) == expected


def test_default_order_is_newest_first(api, invoices):
    assert "".join(labels(invoices, search(api))) == "DCBA"


def test_sort_applies_after_filters(api, invoices):
    body = search(api, {"sort": "issueDate|desc", "statusCode": ["APPROVED", "DRAFT"]})
    assert labels(invoices, body) == ["B", "A"]


@pytest.mark.parametrize(
    "sort",
    ["issueDate", "issueDate|up", "total|asc", "|asc", "issuedate|asc", "issueDate|ASC"],
)
def test_invalid_sort_is_400(api, sort):
    assert_error(api.get(INVOICES, {"sort": sort}), 400, "BAD_REQUEST_PARAMETERS", target="sort")


# --- paging ------------------------------------------------------------------------------------


def test_size_limits_the_page_and_total_count_counts_all(api, invoices):
    body = search(api, {"size": 2, "sort": "issueDate|asc"})
    assert body["totalCount"] == 4
    assert labels(invoices, body) == ["A", "B"]


def test_start_index_skips_items(api, invoices):
    body = search(api, {"startIndex": 2, "size": 2, "sort": "issueDate|asc"})
    assert body["totalCount"] == 4
    assert labels(invoices, body) == ["C", "D"]
    body = search(api, {"startIndex": 3, "size": 2, "sort": "issueDate|asc"})
    assert labels(invoices, body) == ["D"]


@pytest.mark.parametrize("start", [4, 100, 10**6])
def test_start_index_beyond_total_gives_an_empty_list(api, invoices, start):
    assert search(api, {"startIndex": start}) == {"totalCount": 4, "invoices": []}


def test_total_count_follows_the_filters(api, invoices):
    body = search(api, {"statusCode": "APPROVED", "size": 1})
    assert body["totalCount"] == 1


def test_size_defaults_to_40(api, office, party, clerk):
    for _ in range(41):
        make_invoice(clerk, office, party)
    body = search(api)
    assert body["totalCount"] == 41
    assert len(body["invoices"]) == 40
    assert len(search(api, {"startIndex": 40})["invoices"]) == 1


def test_size_500_is_allowed(api, invoices):
    assert search(api, {"size": 500})["totalCount"] == 4


@pytest.mark.parametrize(
    ("params", "target", "code"),
    [
        ({"size": 0}, "size", "INVALID_VALUE"),
        ({"size": 501}, "size", "INVALID_VALUE"),
        ({"size": -1}, "size", "INVALID_VALUE"),
        ({"size": "abc"}, "size", "INVALID_TYPE"),
        ({"size": "1.5"}, "size", "INVALID_TYPE"),
        ({"startIndex": -1}, "startIndex", "INVALID_VALUE"),
        ({"startIndex": "first"}, "startIndex", "INVALID_TYPE"),
    ],
)
def test_bad_paging_is_400(api, params, target, code):
    assert_error(
        api.get(INVOICES, params), 400, "BAD_REQUEST_PARAMETERS", target=target, field_code=code
    )


# --- the search item ---------------------------------------------------------------------------

SEED_SEARCH_ITEM_KEYS = {
    "invoiceId",
    "responsibleAgentId",
    "agencyOfficeId",
    "tradeSettlementId",
    "invoiceTypeCode",
    "invoicingReasonCode",
    "invoiceNumber",
    "referenceNumber",
    "statusCode",
    "isPaid",
    "issueDate",
    "dueDate",
    "invoicingDate",
    "invoicedParties",
    "sourceSystemCode",
    "sourceSystemCreationTime",
    "paymentAccounts",
    "costs",
    "billingAddress",
    "totalInvoicedAmount",
    "creationTime",
    "modificationTime",
}


def test_search_item_is_flat_as_the_seeds_search_example(api, invoices, clerk, office, party):
    (item,) = search(api, {"tradeSettlementId": str(TRADE)})["invoices"]
    assert "invoice" not in item
    assert set(item) >= SEED_SEARCH_ITEM_KEYS
    assert item["invoiceId"] == invoices["A"]
    assert item["agencyOfficeId"] == str(office.id)
    assert item["responsibleAgentId"] == str(clerk.id)
    assert item["tradeSettlementId"] == str(TRADE)
    assert item["invoiceNumber"] == "20240100003"
    assert item["statusCode"] == "APPROVED"
    assert item["isPaid"] is True
    assert item["invoicedParties"] == {
        "primaryId": str(party.id),
        "parties": [{"partyId": str(party.id)}],
    }
    assert [c["amount"] for c in item["costs"]] == [10000, 750]
    assert item["billingAddress"]["streetAddress"] == "Yliopistonkatu 55"
    assert item["creationTime"] == "2024-01-01T10:00:00Z"


def test_search_item_has_the_seed_total_invoiced_amount(api, invoices):
    (item,) = search(api, {"tradeSettlementId": str(TRADE)})["invoices"]
    assert item["totalInvoicedAmount"] == {"vatIncluded": 10941, "vatExcluded": 8718}


def test_search_item_omits_null_entity_ids(api, invoices):
    (item,) = search(api, {"assignmentId": str(ASSIGNMENT)})["invoices"]
    assert item["assignmentId"] == str(ASSIGNMENT)
    for absent in ("tradeSettlementId", "rentalSettlementId", "realtyId", "invoiceDocumentId"):
        assert absent not in item


def test_search_result_has_only_total_count_and_invoices(api, invoices):
    assert set(search(api)) == {"totalCount", "invoices"}
