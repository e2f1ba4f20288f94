"""The shortcuts of ``invoice_search_page`` from the filter's ``SearchHints`` (docs/performance.md,
"Round three") give exactly the ordinary results: a party-name or free-text search alone is
counted from the party links (which carry the office) and, above the cap, paged by walking the
sort order; a date range above the cap is sorted whole. Whatever the cap, the page strategy or
the sort, the pages are the same, the count is the same, and another office's invoice never
counts or appears (office walls)."""

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from invoices import selectors
from invoices.filters import SORT_FIELDS
from invoices.models import Invoice, InvoiceParty

from ..factories import PartyFactory
from ..test_api_errors import fast_password_hashing  # noqa: F401
from .lifecycle_helpers import service_draft

INVOICES = "/api/v1/invoices"
SORTS = [None, *(f"{field}|{direction}" for field in SORT_FIELDS for direction in ("asc", "desc"))]


@pytest.fixture
def data(clerk, office, other_office, other_clerk, party):
    """Invoices in the clerk's office matching "virta" by a party name (one with two matching
    parties), by its number or by its street, some that do not match, and matches in the
    other office that must never count."""
    virtanen = PartyFactory(office=office, name="Aino Virtanen")
    virtala = PartyFactory(office=office, name="Virtala Oy")
    plain = PartyFactory(office=office, name="Matti Meikäläinen")
    foreign = PartyFactory(office=other_office, name="Eero Virtanen")
    matching, others = [], []
    for index in range(9):
        invoice = service_draft(clerk, office, [virtanen, plain, virtala][index % 3])
        day = date(2024, 1, 1) + timedelta(days=index % 4)
        Invoice.objects.filter(pk=invoice.pk).update(
            issue_date=day,
            due_date=day + timedelta(days=14 * (index % 2)),
            invoice_number=f"2024010000{index}" if index % 2 else None,
        )
        (others if index % 3 == 1 else matching).append(str(invoice.pk))
    both = InvoiceParty.objects.filter(invoice_id=matching[0]).get()
    InvoiceParty.objects.create(invoice_id=both.invoice_id, party=virtala, position=1)
    by_street = service_draft(clerk, office, plain)
    Invoice.objects.filter(pk=by_street.pk).update(billing_street_address="Virtasenkuja 3")
    matching.append(str(by_street.pk))
    by_number = service_draft(clerk, office, plain)
    Invoice.objects.filter(pk=by_number.pk).update(invoice_number="VIRTA-1")
    matching.append(str(by_number.pk))
    for _ in range(2):
        far = service_draft(other_clerk, other_office, foreign)
        Invoice.objects.filter(pk=far.pk).update(
            billing_street_address="Virtasenkuja 3", issue_date=date(2024, 1, 2)
        )
    return {"matching": matching, "others": others, "by_party": matching[:-2]}


def read(api, params, *, size=3) -> tuple[list[str], set]:
    """Every page of the search, ``size`` at a time, and the (totalCount, capped) pairs seen."""
    ids, counts = [], set()
    start = 0
    while True:
        response = api.get(INVOICES, {**params, "startIndex": start, "size": size})
        assert response.status_code == 200, response.content
        body = response.json()
        counts.add((body["totalCount"], response.headers.get("Total-Count-Capped")))
        ids += [item["invoiceId"] for item in body["invoices"]]
        if len(body["invoices"]) < size:
            return ids, counts
        start += size


def every_way(api, settings, monkeypatch, params) -> list[str]:
    """The pages read with the cap above the matches (reference), with the cap below them (the
    walk), and with few matches meaning 2 (counted, then sorted): all the same."""
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    reference, counts = read(api, params)
    assert counts == {(len(reference), None)}
    monkeypatch.setattr(selectors, "FEW_MATCHES", 2)
    counted, counts = read(api, params)
    assert counted == reference
    assert counts == {(len(reference), None)}
    settings.INVOICING_SEARCH_COUNT_CAP = 2
    walked, counts = read(api, params)
    assert walked == reference
    assert counts == {(2, "true")}
    monkeypatch.setattr(selectors, "RANGE_MATCHES", 3)  # a range too big to sort whole: walked
    settings.INVOICING_SEARCH_COUNT_CAP = 1
    assert read(api, params)[0] == reference
    return reference


@pytest.mark.parametrize("sort", SORTS)
def test_party_name_search_every_way(api, data, settings, monkeypatch, sort):
    params = {"partyName": "virta"} | ({"sort": sort} if sort else {})
    found = every_way(api, settings, monkeypatch, params)
    assert sorted(found) == sorted(data["by_party"])


@pytest.mark.parametrize("sort", SORTS)
def test_free_text_search_every_way(api, data, settings, monkeypatch, sort):
    params = {"freeTextSearch": "VIRTA"} | ({"sort": sort} if sort else {})
    found = every_way(api, settings, monkeypatch, params)
    assert sorted(found) == sorted(data["matching"])


@pytest.mark.parametrize("sort", [None, "issueDate|asc", "invoiceNumber|desc"])
@pytest.mark.parametrize(
    "params",
    [
        {"issueDateAfter": "2024-01-02", "issueDateBefore": "2024-01-04"},
        {"dueDateAfter": "2024-01-02"},
        {"issueDateBefore": "2024-01-03", "partyName": "virta"},
    ],
)
def test_date_range_search_every_way(api, data, settings, monkeypatch, params, sort):
    params = params | ({"sort": sort} if sort else {})
    found = every_way(api, settings, monkeypatch, params)
    everyone = set(data["matching"]) | set(data["others"])
    expected = {
        str(pk)
        for pk in Invoice.objects.filter(pk__in=everyone).values_list("pk", flat=True)
        if _in_range(Invoice.objects.get(pk=pk), params)
    }
    assert set(found) == expected


def _in_range(invoice, params) -> bool:
    checks = {
        "issueDateAfter": lambda v: invoice.issue_date and invoice.issue_date >= v,
        "issueDateBefore": lambda v: invoice.issue_date and invoice.issue_date < v,
        "dueDateAfter": lambda v: invoice.due_date and invoice.due_date >= v,
        "dueDateBefore": lambda v: invoice.due_date and invoice.due_date < v,
        "partyName": lambda v: invoice.invoiced_parties.filter(party__name__icontains=v).exists(),
    }
    return all(
        checks[name](date.fromisoformat(value) if "Date" in name else value)
        for name, value in params.items()
        if name in checks
    )


def test_another_offices_matches_never_count(api_for, other_clerk, data, settings):
    settings.INVOICING_SEARCH_COUNT_CAP = 1
    response = api_for(other_clerk).get(INVOICES, {"freeTextSearch": "virta"})
    assert response.json()["totalCount"] == 1  # its two, capped at one
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    for params in ({"freeTextSearch": "virta"}, {"partyName": "virtanen"}):
        body = api_for(other_clerk).get(INVOICES, params).json()
        assert body["totalCount"] == 2
        assert not {item["invoiceId"] for item in body["invoices"]} & set(data["matching"])


def test_a_superuser_counts_every_office(api_for, data, settings, db):
    from offices.models import Agent

    root = Agent.objects.create_superuser("root", "root@example.com", "root-password-1")
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    body = api_for(root).get(INVOICES, {"freeTextSearch": "virta", "size": 100}).json()
    assert body["totalCount"] == len(data["matching"]) + 2
    body = api_for(root).get(INVOICES, {"partyName": "virtanen", "size": 100}).json()
    named = InvoiceParty.objects.filter(party__name__icontains="virtanen")
    assert body["totalCount"] == named.values("invoice_id").distinct().count() == 5


def test_the_hints_are_given_only_for_a_search_alone(clerk, data):
    def hints(params):
        query = QueryDict(urlencode(params))
        return selectors.invoice_search(agent=clerk, params=query).search_hints

    assert hints({"partyName": "virta"}).matches is not None
    assert hints({"freeTextSearch": "virta", "sort": "dueDate|asc"}).matches is not None
    assert hints({"partyName": "virta", "statusCode": "DRAFT"}).matches is None
    assert hints({"issueDateAfter": "2024-01-01"}).ranged
    assert not hints({}).ranged


@pytest.mark.parametrize("cap", [1, 2, 100])
def test_an_invoice_with_two_matching_parties_counts_once(api, clerk, office, settings, cap):
    """Also when the party links read for the count hold fewer invoices than links (the count
    falls back to counting invoices)."""
    first = PartyFactory(office=office, name="Ilmari Lahtinen")
    second = PartyFactory(office=office, name="Lahtinen Oy")
    invoice = service_draft(clerk, office, first)
    InvoiceParty.objects.create(invoice=invoice, party=second, position=1)
    settings.INVOICING_SEARCH_COUNT_CAP = cap
    for params in ({"partyName": "lahtinen"}, {"freeTextSearch": "lahtinen"}):
        response = api.get(INVOICES, params)
        assert response.json()["totalCount"] == 1
        assert "Total-Count-Capped" not in response.headers
        assert [item["invoiceId"] for item in response.json()["invoices"]] == [str(invoice.pk)]


def test_an_agent_without_offices_finds_nothing(api_for, data, db):
    from ..factories import AgentFactory

    lonely = AgentFactory()
    for params in (
        {"partyName": "virta"},
        {"freeTextSearch": "virta"},
        {"dueDateAfter": "2024-01-01"},
    ):
        assert api_for(lonely).get(INVOICES, params).json() == {"totalCount": 0, "invoices": []}


@pytest.mark.parametrize("params", [{"partyName": "virta"}, {"freeTextSearch": "virta"}])
def test_pages_past_the_end_are_empty(api, data, settings, params):
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    total = api.get(INVOICES, params).json()["totalCount"]
    for start in (total, total + 1, 500):
        body = api.get(INVOICES, {**params, "startIndex": start}).json()
        assert body == {"totalCount": total, "invoices": []}
    settings.INVOICING_SEARCH_COUNT_CAP = 2
    response = api.get(INVOICES, {**params, "startIndex": 500})
    assert response.json() == {"totalCount": 2, "invoices": []}
    assert response.headers["Total-Count-Capped"] == "true"


def test_a_date_range_wider_than_the_range_bound_is_searched_as_any(
    api, data, settings, monkeypatch
):
    """More matches than RANGE_MATCHES: walked above the cap, counted exactly below it."""
    params = {"dueDateAfter": "2024-01-01", "sort": "dueDate|desc"}
    settings.INVOICING_SEARCH_COUNT_CAP = 100
    reference, counts = read(api, params)
    assert len(reference) > 3
    monkeypatch.setattr(selectors, "RANGE_MATCHES", 3)
    assert read(api, params) == (reference, counts)  # cap above the bound: exact count
    settings.INVOICING_SEARCH_COUNT_CAP = 2
    assert read(api, params) == (reference, {(2, "true")})  # cap below it: walked
