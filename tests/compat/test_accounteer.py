"""Accounteer: POST /compat/accounteer/invoices with the seed's example; journal entries."""

import copy
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from compat.ledger import journal_entry_post
from compat.models import GlAccount, JournalEntry, JournalLine
from invoices.models import Invoice
from offices.choices import Role
from tests.conftest import Api
from tests.factories import AgentFactory, member

from .conftest import (
    SEED_CLIENT_ID,
    SEED_GL_ACCOUNT_ID,
    SEED_TAX_ID,
    SEED_TEMPLATE_ID,
    CompatClient,
    exact,
)

URL = "/compat/accounteer/invoices"
CSV_URL = "/compat/ledger/journal-entries.csv"
SEED_BODY = {
    "invoice": {
        "client_id": SEED_CLIENT_ID,
        "date_issued": "2017-04-24",
        "items": [
            {
                "title": "item 01",
                "quantity": 1,
                "price": 100,
                "tax_id": SEED_TAX_ID,
                "gl_account_id": SEED_GL_ACCOUNT_ID,
            },
            {
                "title": "item 02",
                "quantity": 1,
                "price": 100,
                "tax_id": SEED_TAX_ID,
                "tax_included": True,
                "gl_account_id": SEED_GL_ACCOUNT_ID,
            },
        ],
    }
}
RESPONSE_KEYS = {
    "id",
    "organization_id",
    "document_number",
    "client_id",
    "template_id",
    "total_amount",
    "total_base_amount",
    "total_tax_amount",
    "currency",
    "date_issued",
    "date_due",
    "date_created",
    "date_updated",
    "status",
    "reference",
    "items",
}
ITEM_KEYS = {
    "id",
    "title",
    "description",
    "quantity",
    "item_base_amount",
    "tax_id",
    "tax_name",
    "tax_percentage",
    "line_base_amount",
    "line_tax_amount",
    "line_total_amount",
    "tax_included",
    "price",
    "gl_account",
}


def seed_body(**overrides):
    body = copy.deepcopy(SEED_BODY)
    body["invoice"].update(overrides)
    return body


def assert_accounteer_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message", "errors"}
    assert body["error"]["status"] == status
    if field is not None:
        assert field in [e["field"] for e in body["error"]["errors"]], body
    return body["error"]


def test_the_seed_example_gives_its_figures_and_shape(clerk_client, accounteer_setup, office):
    response = clerk_client.post(URL, seed_body())
    assert response.status_code == 201, response.json()
    body = exact(response)
    assert set(body) == RESPONSE_KEYS
    assert (body["total_amount"], body["total_base_amount"], body["total_tax_amount"]) == (
        221,
        Decimal("182.64"),
        Decimal("38.36"),
    )
    assert b'"total_base_amount":182.64' in response.content
    assert b'"total_tax_amount":38.36' in response.content
    assert body["currency"] == "EUR"
    assert (body["date_issued"], body["date_due"]) == ("2017-04-24", "2017-08-23")
    assert body["date_created"] == timezone.localdate().isoformat()
    assert (body["status"], body["document_number"], body["reference"]) == ("draft", "-", None)
    assert body["client_id"] == SEED_CLIENT_ID
    assert body["template_id"] == SEED_TEMPLATE_ID
    assert body["organization_id"] == str(office.id)
    one, two = body["items"]
    assert set(one) == set(two) == ITEM_KEYS
    gl_account = {
        "id": SEED_GL_ACCOUNT_ID,
        "code": "7000000",
        "title": "Sales",
        "description": None,
    }
    assert {k: v for k, v in one.items() if k != "id"} == {
        "title": "item 01",
        "description": None,
        "quantity": 1,
        "item_base_amount": 100,
        "tax_id": SEED_TAX_ID,
        "tax_name": "VAT 21%",
        "tax_percentage": 21,
        "line_base_amount": 100,
        "line_tax_amount": 21,
        "line_total_amount": 121,
        "tax_included": False,
        "price": 100,
        "gl_account": gl_account,
    }
    assert {k: v for k, v in two.items() if k != "id"} == {
        "title": "item 02",
        "description": None,
        "quantity": 1,
        "item_base_amount": Decimal("82.644628099174"),
        "tax_id": SEED_TAX_ID,
        "tax_name": "VAT 21%",
        "tax_percentage": 21,
        "line_base_amount": Decimal("82.64"),
        "line_tax_amount": Decimal("17.36"),
        "line_total_amount": 100,
        "tax_included": True,
        "price": Decimal("82.64"),
        "gl_account": gl_account,
    }
    assert b'"item_base_amount":82.644628099174' in response.content
    invoice = Invoice.objects.get(pk=body["id"])
    assert invoice.status_code == "DRAFT"
    assert [line.account_code for line in invoice.lines.all()] == ["7000000", "7000000"]
    assert not JournalEntry.objects.exists()  # a draft has no journal entry


def test_the_example_approved_writes_a_balanced_journal_entry(approver_client, accounteer_setup):
    response = approver_client.post(URL, seed_body(status="approved", reference="Order 17"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "approved"
    assert body["document_number"] != "-"
    assert body["reference"] == "Order 17"
    invoice = Invoice.objects.get(pk=body["id"])
    assert invoice.status_code == "APPROVED"
    assert invoice.invoice_number == body["document_number"]
    entry = JournalEntry.objects.get(invoice=invoice)
    lines = [(ln.account.code, ln.debit, ln.credit) for ln in entry.lines.all()]
    assert lines == [
        ("1300000", Decimal("221.00"), Decimal(0)),  # accounts receivable
        ("7000000", Decimal(0), Decimal("182.64")),  # sales (the GL account of both items)
        ("1700000", Decimal(0), Decimal("38.36")),  # VAT payable
    ]
    assert sum(ln.debit for ln in entry.lines.all()) == sum(ln.credit for ln in entry.lines.all())


def test_revenue_is_credited_per_gl_account(approver_client, accounteer_setup):
    items = copy.deepcopy(SEED_BODY["invoice"]["items"])
    items[1]["gl_account_id"] = "gl-services"
    items.append(
        {
            "title": "item 03",
            "description": "Reduced rate",
            "quantity": 2.5,
            "price": 10.10,
            "tax_id": "vat-9",
            "gl_account_id": "gl-services",
        }
    )
    response = approver_client.post(URL, seed_body(status="approved", items=items))
    assert response.status_code == 201, response.json()
    entry = JournalEntry.objects.get()
    credits = {ln.account.code: ln.credit for ln in entry.lines.all() if ln.credit}
    # 2.5 x 10.10 = 25.25 (25.25 x 9 % = 2.27 VAT): services 82.64 + 25.25.
    assert credits == {
        "7000000": Decimal("100.00"),
        "7010000": Decimal("107.89"),
        "1700000": Decimal("40.63"),
    }
    debit = entry.lines.get(debit__gt=0)
    assert debit.debit == Decimal("248.52") == sum(credits.values())
    assert exact(response)["total_amount"] == Decimal("248.52")


def test_posting_twice_is_one_entry(approver_client, approver, accounteer_setup):
    body = approver_client.post(URL, seed_body(status="approved")).json()
    again = journal_entry_post(invoice_id=body["id"], actor=approver)
    assert JournalEntry.objects.count() == 1
    assert again.lines.count() == 3


def test_a_clerk_cannot_approve(clerk_client, accounteer_setup):
    assert_accounteer_error(clerk_client.post(URL, seed_body(status="approved")), 403)
    assert not Invoice.objects.exists()


def test_date_issued_defaults_to_today_and_due_from_the_template(clerk_client, accounteer_setup):
    body = clerk_client.post(URL, seed_body(date_issued=None)).json()
    today = timezone.localdate()
    assert body["date_issued"] == today.isoformat()
    assert body["date_due"] == (today + timezone.timedelta(days=121)).isoformat()
    named = clerk_client.post(URL, seed_body(template_id="tpl-30")).json()
    assert (named["date_due"], named["template_id"]) == ("2017-05-24", "tpl-30")
    given = clerk_client.post(URL, seed_body(date_due="2017-05-01")).json()
    assert given["date_due"] == "2017-05-01"


def test_unknown_tax_gl_account_template_or_client_is_400(clerk_client, accounteer_setup):
    item = SEED_BODY["invoice"]["items"][0]
    cases = [
        (seed_body(items=[item | {"tax_id": "nope"}]), "invoice.items[0].tax_id"),
        (seed_body(items=[item | {"gl_account_id": "nope"}]), "invoice.items[0].gl_account_id"),
        (seed_body(template_id="nope"), "invoice.template_id"),
        (seed_body(client_id="nope"), "invoice.client_id"),
    ]
    for body, field in cases:
        assert_accounteer_error(clerk_client.post(URL, body), 400, field)
    assert not Invoice.objects.exists()


def test_due_before_issue_is_400(clerk_client, accounteer_setup):
    response = clerk_client.post(URL, seed_body(date_due="2017-04-01"))
    assert_accounteer_error(response, 400, "invoice.date_due")


def test_another_offices_client_is_400(other_client, accounteer_setup):
    response = other_client.post(URL, seed_body())
    assert_accounteer_error(response, 400, "invoice.client_id")
    response = other_client.post(URL, seed_body(client_id=str(accounteer_setup.pk)))
    assert_accounteer_error(response, 400, "invoice.client_id")


def test_get_by_id_and_office_walls(clerk_client, other_client, accounteer_setup):
    created = clerk_client.post(URL, seed_body()).json()
    response = clerk_client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.json()["total_amount"] == 221
    assert_accounteer_error(other_client.get(f"{URL}/{created['id']}"), 404)


def test_no_token_is_401(accounteer_setup):
    assert_accounteer_error(CompatClient().post(URL, seed_body()), 401)


def test_non_json_is_415(clerk_client, accounteer_setup):
    response = clerk_client.post(URL, raw="invoice=1", content_type="text/plain")
    assert_accounteer_error(response, 415)


def bad_bodies():
    item = SEED_BODY["invoice"]["items"][0]
    return [
        [],
        {},
        {"invoice": None},
        {"invoice": []},
        seed_body(client_id=None),
        seed_body(client_id=["x"]),
        seed_body(date_issued="24.4.2017"),
        seed_body(date_due=20170823),
        seed_body(status="sent"),
        seed_body(items=[]),
        seed_body(items=[None]),
        seed_body(items=[item | {"price": "100"}]),
        seed_body(items=[item | {"price": 100.001}]),
        seed_body(items=[item | {"quantity": -1}]),
        seed_body(items=[item | {"quantity": 1.00001}]),
        seed_body(items=[item | {"tax_included": "yes"}]),
        seed_body(items=[item | {"tax_included": 2}]),
        seed_body(items=[{"title": "no price"}]),
        seed_body(reference="x" * 101),
    ]


@pytest.mark.parametrize("index", range(19))
def test_bad_bodies_are_400_never_500(clerk_client, accounteer_setup, index):
    assert_accounteer_error(clerk_client.post(URL, bad_bodies()[index]), 400)
    assert not Invoice.objects.exists()


def test_tax_included_takes_one_and_zero(clerk_client, accounteer_setup):
    items = copy.deepcopy(SEED_BODY["invoice"]["items"])
    items[0]["tax_included"] = 0
    items[1]["tax_included"] = 1
    assert clerk_client.post(URL, seed_body(items=items)).json()["total_amount"] == 221


# --- the journal in the admin and as CSV ---------------------------------------------------------


@pytest.fixture
def approved(approver_client, accounteer_setup):
    return approver_client.post(URL, seed_body(status="approved")).json()


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_csv_export_for_staff(approved, office):
    admin = AgentFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response.content)
    assert [(r["account_code"], r["debit"], r["credit"]) for r in rows] == [
        ("1300000", "221.00", "0.00"),
        ("7000000", "0.00", "182.64"),
        ("1700000", "0.00", "38.36"),
    ]
    assert {r["invoice_number"] for r in rows} == {approved["document_number"]}
    assert sum(Decimal(r["debit"]) for r in rows) == sum(Decimal(r["credit"]) for r in rows)
    assert _rows(client.get(CSV_URL, {"from": "2000-01-01", "to": "2000-12-31"}).content) == []
    assert client.get(CSV_URL, {"from": "yesterday"}).status_code == 400


def test_csv_export_is_for_staff_of_the_office_only(approved, other_office):
    outsider = member(other_office, Role.ADMIN, username="outsider", is_staff=True)
    client = Client()
    client.force_login(outsider)
    assert _rows(client.get(CSV_URL).content) == []
    plain = AgentFactory(username="plain")
    client.force_login(plain)
    assert client.get(CSV_URL).status_code == 302  # to the admin login
    assert Client().get(CSV_URL).status_code == 302


def test_journal_entries_are_listed_in_the_admin_with_a_csv_action(approved):
    admin = AgentFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/compat/journalentry/")
    assert listing.status_code == 200
    assert approved["document_number"] in listing.content.decode()
    entry = JournalEntry.objects.get()
    detail = client.get(f"/admin/compat/journalentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert "182.64" in detail.content.decode()
    exported = client.post(
        "/admin/compat/journalentry/",
        {"action": "export_csv", "_selected_action": [str(entry.pk)]},
    )
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert len(_rows(exported.content)) == 3


def test_the_ledger_makes_missing_system_accounts(approver, office, party):
    """Without a chart of accounts, the standard receivable, VAT and sales accounts appear."""
    from compat.choices import IdKind, System
    from compat.models import ExternalId, TaxRate

    TaxRate.objects.create(tax_id="t", name="VAT 24%", percentage=24)
    GlAccount.objects.create(account_id="g", code="3000", title="Fees")
    ExternalId.objects.create(
        system=System.ACCOUNTEER, kind=IdKind.CUSTOMER, office=office, external_id="c",
        object_id=party.pk,
    )  # fmt: skip
    body = {
        "invoice": {
            "client_id": "c",
            "status": "approved",
            "items": [{"title": "Fee", "quantity": 1, "price": 50, "tax_id": "t",
                       "gl_account_id": "g"}],
        }
    }  # fmt: skip
    response = CompatClient(approver).post(URL, body)
    assert response.status_code == 201, response.json()
    codes = list(JournalLine.objects.values_list("account__code", "debit", "credit"))
    assert codes == [
        ("1300000", Decimal("62.00"), Decimal(0)),
        ("3000", Decimal(0), Decimal("50.00")),
        ("1700000", Decimal(0), Decimal("12.00")),
    ]
    # A draft invoice never gets an entry, whoever asks.
    draft = (
        Api(approver)
        .post(
            "/api/v1/invoices",
            {"invoicingReasonCode": "OTHER", "invoice": {"agencyOfficeId": str(office.id)}},
        )
        .json()
    )
    with pytest.raises(Exception, match="APPROVED"):
        journal_entry_post(invoice_id=draft["invoiceId"], actor=approver)


def test_dates_created_and_updated_are_helsinki_dates(clerk_client, accounteer_setup):
    """At 22:30 UTC it is already the next day in Helsinki (UTC+2 in winter): the dates are
    the office's local ones, not the UTC date of the timestamp."""
    created = exact(clerk_client.post(URL, seed_body()))
    moment = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)
    Invoice.objects.filter(pk=created["id"]).update(created_at=moment, modified_at=moment)
    body = exact(clerk_client.get(f"{URL}/{created['id']}"))
    assert (body["date_created"], body["date_updated"]) == ("2026-11-22", "2026-11-22")
