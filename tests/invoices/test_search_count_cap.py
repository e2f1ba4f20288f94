"""totalCount above ``INVOICING_SEARCH_COUNT_CAP`` (docs/api.md, "Search"): it is the cap and the
response says so with ``Total-Count-Capped: true``; every page, also beyond the cap, is the
same as without a cap. Below the cap the page comes from the bounded subquery of the count,
above it straight in sort order: both must give the same order for every sort.
"""

from datetime import date, timedelta

import pytest

from invoices import selectors
from invoices.filters import SORT_FIELDS
from invoices.models import Invoice

from ..test_api_errors import fast_password_hashing  # noqa: F401
from .lifecycle_helpers import service_draft

INVOICES = "/api/v1/invoices"
SORTS = [
    *([f"{field}|{direction}"] for field in SORT_FIELDS for direction in ("asc", "desc")),
    ["issueDate|asc", "dueDate|desc"],
]


@pytest.fixture
def seven(clerk, office, party):
    """Seven invoices with repeated and null sort values (ties are broken by creation, id)."""
    ids = []
    for index in range(7):
        invoice = service_draft(clerk, office, party)
        day = date(2024, 1, 1) + timedelta(days=index % 3)
        Invoice.objects.filter(pk=invoice.pk).update(
            issue_date=None if index == 4 else day,
            due_date=day + timedelta(days=14 * (index % 2)),
            invoicing_date=None if index % 3 == 0 else day,
            invoice_number=None if index % 2 else f"2024010000{index}",
        )
        ids.append(str(invoice.pk))
    return ids


def page(api, **params):
    response = api.get(INVOICES, params)
    assert response.status_code == 200, response.content
    return response


def ids_of(response) -> list[str]:
    return [item["invoiceId"] for item in response.json()["invoices"]]


def test_below_the_cap_total_count_is_exact_and_not_marked(api, seven, settings):
    settings.INVOICING_SEARCH_COUNT_CAP = 10
    response = page(api)
    assert response.json()["totalCount"] == 7
    assert "Total-Count-Capped" not in response.headers


def test_exactly_the_cap_is_exact(api, seven, settings):
    settings.INVOICING_SEARCH_COUNT_CAP = 7
    response = page(api)
    assert response.json()["totalCount"] == 7
    assert "Total-Count-Capped" not in response.headers


def test_above_the_cap_total_count_is_the_cap_and_marked(api, seven, settings):
    settings.INVOICING_SEARCH_COUNT_CAP = 3
    response = page(api, size=2)
    assert response.json()["totalCount"] == 3
    assert response.headers["Total-Count-Capped"] == "true"
    assert len(response.json()["invoices"]) == 2


def test_pages_beyond_the_cap_are_served(api, seven, settings):
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    everything = ids_of(page(api))
    settings.INVOICING_SEARCH_COUNT_CAP = 3
    assert ids_of(page(api, startIndex=3, size=2)) == everything[3:5]
    assert ids_of(page(api, startIndex=5, size=40)) == everything[5:]
    last = page(api, startIndex=7)
    assert last.json() == {"totalCount": 3, "invoices": []}
    assert last.headers["Total-Count-Capped"] == "true"


def test_filters_are_counted_against_the_cap(api, seven, settings):
    settings.INVOICING_SEARCH_COUNT_CAP = 3
    response = page(api, issueDateAfter="2024-01-01", issueDateBefore="2024-01-02")
    assert response.json()["totalCount"] == 3
    assert "Total-Count-Capped" not in response.headers


def read_all(api, sort) -> list[list[str]]:
    pages = []
    for start in (0, 3, 6):
        response = page(api, sort=sort, startIndex=start, size=3)
        assert response.json()["totalCount"] == 7
        pages.append(ids_of(response))
    return pages


@pytest.mark.parametrize("sort", SORTS)
def test_the_three_ways_of_reading_a_page_give_the_same_order(
    api, seven, settings, monkeypatch, sort
):
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    few = read_all(api, sort)  # found, counted and sorted in one query
    monkeypatch.setattr(selectors, "FEW_MATCHES", 2)
    counted = read_all(api, sort)  # counted, then sorted out of the bounded matches
    settings.INVOICING_SEARCH_COUNT_CAP = 1
    walked = [ids_of(page(api, sort=sort, startIndex=s, size=3)) for s in (0, 3, 6)]  # in order
    assert few == counted == walked
    assert sorted(sum(few, [])) == sorted(seven)


@pytest.mark.parametrize("few", [1000, 2])
def test_pages_past_the_end_are_empty(api, seven, settings, monkeypatch, few):
    monkeypatch.setattr(selectors, "FEW_MATCHES", few)
    for start in (7, 8, 500):
        assert page(api, startIndex=start).json() == {"totalCount": 7, "invoices": []}
    assert page(api, invoiceNumber="nothing").json() == {"totalCount": 0, "invoices": []}
