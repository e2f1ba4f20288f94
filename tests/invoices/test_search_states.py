"""GET /api/v1/invoices filters statusCode, invoiceTypeCode and isPaid across every state.

One invoice is put in each state through the API, plus the credit note that credited the
CREDITED one (itself an APPROVED CREDIT_NOTE).
"""

import pytest

from tests.conftest import Api

from .lifecycle_helpers import (
    INVOICES,
    STATES,
    assert_error,
    make_invoice_in_state,
)


@pytest.fixture
def approver_api(approver):
    return Api(approver)


@pytest.fixture
def by_state(approver_api, seed_body) -> dict[str, str]:
    """``{state: invoiceId}`` for every state, and ``CREDIT_NOTE`` for the approved credit note."""
    ids = {state: make_invoice_in_state(approver_api, seed_body, state) for state in STATES}
    found = approver_api.get(INVOICES, {"invoiceTypeCode": "CREDIT_NOTE"}).json()["invoices"]
    assert len(found) == 1
    ids["CREDIT_NOTE"] = found[0]["invoiceId"]
    return ids


def search(api, params) -> set[str]:
    response = api.get(INVOICES, {"size": 100, **params})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["totalCount"] == len(body["invoices"])
    return {item["invoiceId"] for item in body["invoices"]}


def pick(by_state, *names) -> set[str]:
    return {by_state[name] for name in names}


EVERY = ("DRAFT", "READY_FOR_APPROVAL", "APPROVED", "APPROVED_PAID", "REJECTED", "CREDITED")

# (query, the invoices it finds); one fixture serves a whole table, the data is slow to build.
STATUS_TABLE = [
    ({"statusCode": "DRAFT"}, ("DRAFT",)),
    ({"statusCode": "READY_FOR_APPROVAL"}, ("READY_FOR_APPROVAL",)),
    ({"statusCode": "APPROVED"}, ("APPROVED", "APPROVED_PAID", "CREDIT_NOTE")),
    ({"statusCode": "REJECTED"}, ("REJECTED",)),
    ({"statusCode": "CREDITED"}, ("CREDITED",)),
    ({"statusCode": ["DRAFT", "REJECTED"]}, ("DRAFT", "REJECTED")),
    ({}, (*EVERY, "CREDIT_NOTE")),
]
TYPE_TABLE = [
    ({"invoiceTypeCode": "INVOICE"}, EVERY),
    ({"invoiceTypeCode": "CREDIT_NOTE"}, ("CREDIT_NOTE",)),
    ({"invoiceTypeCode": ["INVOICE", "CREDIT_NOTE"]}, (*EVERY, "CREDIT_NOTE")),
]
PAID_TABLE = [
    ({"isPaid": "true"}, ("APPROVED_PAID",)),
    (
        {"isPaid": "false"},
        ("DRAFT", "READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED", "CREDIT_NOTE"),
    ),
]


def check_table(api, by_state, table) -> None:
    for params, expected in table:
        assert search(api, params) == pick(by_state, *expected), params


def test_status_code_filter_finds_each_state(approver_api, by_state):
    check_table(approver_api, by_state, STATUS_TABLE)
    for status in ("DRAFT", "READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED"):
        items = approver_api.get(INVOICES, {"statusCode": status}).json()["invoices"]
        assert {item["statusCode"] for item in items} == {status}


def test_invoice_type_code_filter_separates_credit_notes(approver_api, by_state):
    check_table(approver_api, by_state, TYPE_TABLE)


def test_is_paid_filter_finds_only_the_paid_invoice(approver_api, by_state):
    check_table(approver_api, by_state, PAID_TABLE)


def test_filters_combine(approver_api, by_state):
    found = search(
        approver_api, {"statusCode": "APPROVED", "invoiceTypeCode": "INVOICE", "isPaid": "false"}
    )
    assert found == pick(by_state, "APPROVED")


def test_search_items_show_state_and_payment(approver_api, by_state):
    items = {
        i["invoiceId"]: i for i in approver_api.get(INVOICES, {"size": 100}).json()["invoices"]
    }
    paid = items[by_state["APPROVED_PAID"]]
    assert (paid["statusCode"], paid["isPaid"], paid["invoiceTypeCode"]) == (
        "APPROVED",
        True,
        "INVOICE",
    )
    note = items[by_state["CREDIT_NOTE"]]
    assert (note["statusCode"], note["invoiceTypeCode"]) == ("APPROVED", "CREDIT_NOTE")
    assert items[by_state["DRAFT"]]["invoiceNumber"] is None
    assert items[by_state["REJECTED"]]["invoiceNumber"] is not None


@pytest.mark.parametrize(
    ("param", "value"),
    [("statusCode", "PAID"), ("statusCode", "draft"), ("invoiceTypeCode", "RECEIPT")],
)
def test_unknown_code_in_a_filter_is_400(approver_api, param, value):
    response = approver_api.get(INVOICES, {param: value})
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=param)
