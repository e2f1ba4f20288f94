"""``invoices.search.search_items`` (the search page's items from plain rows) gives exactly what
``InvoiceSearchItemOutput(invoices, many=True).data`` gives: same keys in the same order, same
values and JSON types, over invoices that differ in everything an item shows. The two can
never drift apart unnoticed: a field added to the serializer fails this test until
``search_items`` has it too.
"""

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from invoices.api.serializers import InvoiceSearchItemOutput
from invoices.models import Invoice
from invoices.search import search_items
from invoices.selectors import invoice_queryset
from invoices.services import (
    CostData,
    DiscountData,
    InvoiceData,
    PaymentAccountData,
    invoice_create,
)
from offices.choices import Role

from ..factories import PartyFactory, member
from ..test_api_errors import fast_password_hashing  # noqa: F401
from .lifecycle_helpers import act_ok, create_credit_note

INVOICES = "/api/v1/invoices"


def cost(amount, rate, **fields) -> CostData:
    return CostData(amount=amount, vat_percentage=Decimal(rate), **fields)


def serializer_items(agent, ids) -> list:
    """The serializer's items of *ids*, in that order, loaded as the view used to load them."""
    invoices = {invoice.id: invoice for invoice in invoice_queryset(agent=agent).filter(pk__in=ids)}
    return InvoiceSearchItemOutput([invoices[i] for i in ids], many=True).data


def assert_same(plain, serialized) -> None:
    # Key order too: compare the JSON text, then the parsed values for a readable diff.
    assert json.loads(json.dumps(plain)) == json.loads(json.dumps(serialized))
    assert json.dumps(plain) == json.dumps(serialized)


@pytest.fixture
def varied(api_for, office, clerk, approver, party):
    """Ids of invoices that differ in every part of a search item."""
    api_approver = api_for(approver)
    second = PartyFactory(office=office, name="Liisa Koskinen")
    third = PartyFactory(office=office, name="Oy Yritys Ab")
    made = []

    # Several lines (VAT included / excluded, rates 25.5, 14, 10, 0, reverse charge, a line
    # discount), a discount, three parties with the second primary, two accounts (BIC given
    # in lower case with spaces, and none), a source system time with microseconds in +03:00.
    made.append(
        invoice_create(
            actor=clerk,
            data=InvoiceData(
                agency_office_id=office.id,
                invoicing_reason_code="ASSIGNMENT",
                assignment_id=uuid.uuid4(),
                costs=[
                    cost(
                        10000,
                        "25.5",
                        includes_vat=True,
                        cost_type_code="MARKETING",
                        description="Marketing",
                        included_in_commission=True,
                    ),
                    cost(755, "14", cost_type_code="COMMISSION", description="Commission"),
                    cost(333, "10.00", includes_vat=True, description="Books"),
                    cost(12345, "0", reverse_charge=True, description="Reverse charge"),
                    cost(2000, "24", quantity=Decimal("3"), discount=500),
                ],  # fmt: skip
                discount=DiscountData(amount=1500, vat_percentage=Decimal("25.5")),
                party_ids=[party.id, second.id, third.id],
                primary_party_id=second.id,
                payment_accounts=[
                    PaymentAccountData(
                        iban="FI21 1234 5600 0007 85",
                        bic="ndea fi hh",
                        bank_name="Nordea",
                        account_holder="Kiinteistömaailma Oy",
                    ),
                    PaymentAccountData(iban="FI2112345600000785"),
                ],  # fmt: skip
                source_system_code="LEGACY",
                source_system_creation_time=datetime(
                    2024, 2, 17, 13, 30, 15, 123456, tzinfo=timezone(timedelta(hours=3))
                ),
                issue_date=date(2024, 2, 20),
                due_date=date(2024, 3, 5),
                invoicing_date=date(2024, 2, 19),
            ),
        ).id
    )
    # Other currencies: JPY (no minor unit) and KWD (three decimals); no parties, no payment
    # accounts, other entity ids.
    for currency, entity in (("JPY", "trade_settlement_id"), ("KWD", "rental_settlement_id")):
        made.append(
            invoice_create(
                actor=clerk,
                data=InvoiceData(
                    agency_office_id=office.id,
                    invoicing_reason_code="OTHER",
                    currency_code=currency,
                    costs=[cost(123457, "25.5", includes_vat=True), cost(1001, "14")],
                    payment_accounts=[],
                    **{entity: uuid.uuid4()},
                ),
            ).id
        )
    # Approved and paid, then credited: the credit note has negated amounts, its own number
    # and a reference; the original has a document id and is CREDITED.
    original = invoice_create(
        actor=clerk,
        data=InvoiceData(
            agency_office_id=office.id,
            invoicing_reason_code="REALTY",
            realty_id=uuid.uuid4(),
            costs=[cost(9999, "25.5", includes_vat=True), cost(101, "14")],
            discount=DiscountData(amount=99, vat_percentage=Decimal("14"), includes_vat=False),
            party_ids=[party.id, second.id],
            invoicing_method_code="EMAIL",
        ),
    ).id
    act_ok(api_approver, original, "LOCK")
    act_ok(api_approver, original, "APPROVE")
    credit_note = create_credit_note(api_approver, original)
    act_ok(api_approver, credit_note, "LOCK")
    act_ok(api_approver, credit_note, "APPROVE")
    made += [original, uuid.UUID(credit_note)]
    Invoice.objects.filter(pk=original).update(invoice_document_id=uuid.uuid4())
    # Null dates, no responsible agent, an empty billing address, an odd sub-second time.
    bare = invoice_create(
        actor=clerk,
        data=InvoiceData(
            agency_office_id=office.id, invoicing_reason_code="OTHER", costs=[cost(1, "0")]
        ),
    ).id
    Invoice.objects.filter(pk=bare).update(
        issue_date=None,
        due_date=None,
        invoicing_date=None,
        responsible_agent=None,
        billing_recipient="",
        billing_street_address="",
        modified_at=datetime(2025, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
    )
    made.append(bare)
    return made


def test_search_items_equal_the_serializer(varied, approver):
    assert len(varied) == 6
    plain = search_items(varied)
    assert_same(plain, serializer_items(approver, varied))
    # What the test is meant to cover is really there.
    first, jpy, kwd, original, credit_note, bare = plain
    assert len(first["costs"]) == 5 and len(first["paymentAccounts"]) == 2
    assert (
        first["invoicedParties"]["primaryId"] == first["invoicedParties"]["parties"][1]["partyId"]
    )
    assert {cost["vatPercentage"] for cost in first["costs"]} == {25.5, 14, 10, 0, 24}
    assert (jpy["currencyCode"], kwd["currencyCode"]) == ("JPY", "KWD")
    assert credit_note["invoiceTypeCode"] == "CREDIT_NOTE"
    assert credit_note["totalInvoicedAmount"]["vatIncluded"] < 0
    assert "invoiceDocumentId" in original and "invoiceDocumentId" not in bare
    assert bare["issueDate"] is None and bare["responsibleAgentId"] is None
    assert bare["invoicedParties"] == {"primaryId": None, "parties": []}


def test_search_items_keep_the_order_given_and_skip_unknown_ids(varied, approver):
    order = [varied[3], uuid.uuid4(), varied[0], varied[5], varied[1], varied[4], varied[2]]
    plain = search_items(order)
    assert [item["invoiceId"] for item in plain] == [str(i) for i in order if i in varied]
    assert_same(plain, serializer_items(approver, [i for i in order if i in varied]))
    assert search_items([]) == []


def test_search_items_use_four_queries_whatever_the_number(varied, django_assert_num_queries):
    with django_assert_num_queries(4):
        search_items(varied[:1])
    with django_assert_num_queries(4):
        search_items(varied)


def test_search_response_items_equal_the_serializer(api_for, varied, office):
    viewer = member(office, Role.CLERK, username="viewer")
    response = api_for(viewer).get(INVOICES, {"size": 50})
    assert response.status_code == 200
    ordered = list(
        invoice_queryset(agent=viewer).filter(pk__in=varied).order_by("-created_at", "id")
    )
    expected = InvoiceSearchItemOutput(ordered, many=True).data
    assert json.dumps(response.json()["invoices"]) == json.dumps(expected)
