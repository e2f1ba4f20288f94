"""The list and detail endpoints issue a constant number of queries, whatever the data size.

Each test measures the small case with ``CaptureQueriesContext`` and asserts the large case
issues exactly as many (``django_assert_num_queries``), plus a sanity ceiling.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.services import CostData, InvoiceData, invoice_create
from offices.choices import Role

from ..factories import AgencyOfficeFactory, AgentFactory, PartyFactory
from ..test_api_errors import fast_password_hashing  # noqa: F401

INVOICES = "/api/v1/invoices"
PARTIES = "/api/v1/parties"
OFFICES = "/api/v1/agencyOffices"


def make_invoice(actor, office, parties, lines=2):
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code="OTHER",
        party_ids=[p.id for p in parties],
        costs=[
            CostData(amount=1000 + i, vat_percentage=Decimal("25.5"), cost_type_code="GOODS")
            for i in range(lines)
        ],
    )
    return invoice_create(actor=actor, data=data)


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        response = call()
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def test_search_queries_are_the_same_for_1_and_25_invoices(
    api, office, party, clerk, django_assert_num_queries
):
    make_invoice(clerk, office, [party])
    small = count_queries(lambda: api.get(INVOICES))
    assert small <= 10
    second = PartyFactory(office=office)
    for _ in range(24):
        make_invoice(clerk, office, [party, second], lines=3)
    with django_assert_num_queries(small):
        response = api.get(INVOICES)
    assert response.json()["totalCount"] == 25
    assert len(response.json()["invoices"]) == 25


def test_search_queries_are_the_same_for_size_5_and_size_40(
    api, office, party, clerk, django_assert_num_queries
):
    for _ in range(40):
        make_invoice(clerk, office, [party])
    small = count_queries(lambda: api.get(INVOICES, {"size": 5}))
    with django_assert_num_queries(small):
        response = api.get(INVOICES, {"size": 40})
    assert len(response.json()["invoices"]) == 40


def test_filtered_sorted_search_queries_do_not_grow(
    api, office, party, clerk, django_assert_num_queries
):
    params = {"partyName": "virta", "sort": "issueDate|desc", "statusCode": "DRAFT"}
    make_invoice(clerk, office, [party])
    small = count_queries(lambda: api.get(INVOICES, params))
    for _ in range(15):
        make_invoice(clerk, office, [party], lines=4)
    with django_assert_num_queries(small):
        assert api.get(INVOICES, params).json()["totalCount"] == 16


def test_detail_queries_are_the_same_for_1_and_30_lines(
    api, office, party, clerk, django_assert_num_queries
):
    one_line = make_invoice(clerk, office, [party], lines=1)
    small = count_queries(lambda: api.get(f"{INVOICES}/{one_line.id}"))
    assert small <= 12
    many = make_invoice(clerk, office, [party, PartyFactory(office=office)], lines=30)
    with django_assert_num_queries(small):
        response = api.get(f"{INVOICES}/{many.id}")
    assert len(response.json()["invoice"]["costs"]) == 30


def test_party_list_queries_are_the_same_for_1_and_30_parties(
    api, office, django_assert_num_queries
):
    PartyFactory(office=office)
    small = count_queries(lambda: api.get(PARTIES))
    assert small <= 6
    PartyFactory.create_batch(29, office=office)
    with django_assert_num_queries(small):
        assert len(api.get(PARTIES).json()["parties"]) == 30


@pytest.mark.parametrize("superuser", [False, True], ids=["member", "superuser"])
def test_office_list_queries_are_the_same_for_1_and_10_offices(
    api_for, office, django_assert_num_queries, superuser
):
    agent = AgentFactory(is_superuser=superuser, roles={office: [Role.ADMIN]})
    client = api_for(agent)
    small = count_queries(lambda: client.get(OFFICES))
    assert small <= 6
    for index in range(9):
        extra = AgencyOfficeFactory(office_identifier=f"{50 + index}")
        extra.memberships.create(agent=agent, role=Role.CLERK)
    with django_assert_num_queries(small):
        assert client.get(OFFICES).json()["totalCount"] == 10


def test_me_queries_are_the_same_for_1_and_10_offices(api_for, office, django_assert_num_queries):
    agent = AgentFactory(roles={office: [Role.CLERK]})
    client = api_for(agent)
    small = count_queries(lambda: client.get("/api/v1/me"))
    for index in range(9):
        AgencyOfficeFactory(office_identifier=f"{60 + index}").memberships.create(
            agent=agent, role=Role.APPROVER
        )
    with django_assert_num_queries(small):
        assert len(client.get("/api/v1/me").json()["offices"]) == 10
