"""Okappy: POST /compat/okappy/invoices with the seed's body, on our invoices and tax module."""

from decimal import Decimal

import pytest

from invoices.choices import DocumentKind, DocumentStatus
from invoices.models import Document, Invoice
from offices.authentication import token_issue
from tests.conftest import Api

from .conftest import OKAPPY_CUSTOMER_ID, CompatClient

URL = "/compat/okappy/invoices"


def okappy_body(**overrides):
    """An Okappy invoice: materials and labour costs plus one item, all at 20 % VAT."""
    body = {
        "connectTo": OKAPPY_CUSTOMER_ID,
        "customerReference": "PO-778",
        "materialsCostDescription": "Copper pipe and fittings",
        "labourCostDescription": "Two engineers, one day",
        "otherCostDescription": "",
        "taxDate": "2024-02-17 9:30",
        "materialsCost": 120.00,
        "labourCost": 300,
        "otherCost": 0,
        "netAmountCustomer": 570.00,
        "invoiceType": "raised",
        "companyName": "Bridge Builders Ltd",
        "invoiceAddress": "1 Thames Street",
        "vatAmount": 114.00,
        "deduction": 0,
        "invoiceItems": [
            {
                "item": "Boiler valve",
                "description": "22 mm isolating valve",
                "quantity": 3,
                "unitPrice": 50,
                "discount": 0,
                "vat": 30,
                "netAmount": 150,
                "vatReverse": False,
                "itemCode": "BV22",
            }
        ],
    }
    body.update(overrides)
    return body


def assert_okappy_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "error", "message", "errors"}, body
    assert body["status"] == status
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def test_raised_invoice_is_numbered_approved_with_a_final_document(
    approver_client, approver, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = approver_client.post(URL, okappy_body())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["invoiceType"] == "raised"
    assert body["statusCode"] == "APPROVED"
    assert body["invoiceNumber"]
    assert (body["netAmountCustomer"], body["vatAmount"], body["grossAmount"]) == (570, 114, 684)
    assert (body["materialsCost"], body["labourCost"], body["otherCost"]) == (120, 300, 0)
    assert body["taxDate"] == "2024-02-17 9:30"
    assert body["invoiceItems"][0] | {} == {
        "item": "Boiler valve",
        "description": "22 mm isolating valve",
        "quantity": 3,
        "unitPrice": 50,
        "discount": 0,
        "vat": 30,
        "vatRate": 20,
        "netAmount": 150,
        "vatReverse": False,
        "itemCode": "BV22",
    }
    invoice = Invoice.objects.get(pk=body["id"])
    assert invoice.status_code == "APPROVED"
    assert invoice.invoice_number == body["invoiceNumber"]
    assert invoice.currency_code == "GBP"
    assert invoice.issue_date.isoformat() == "2024-02-17"
    assert invoice.customer_reference == "PO-778"
    final = Document.objects.get(invoice=invoice, kind=DocumentKind.FINAL)
    assert final.status == DocumentStatus.READY
    assert str(final.id) == body["invoiceDocumentId"]
    # The same invoice through the primary API: minor units, cost types, totals.
    detail = Api(approver).get(f"/api/v1/invoices/{invoice.id}").json()
    assert detail["statusCode"] == "APPROVED"
    assert detail["totals"]["vatExcluded"] == 57000
    assert detail["totals"]["vat"] == 11400
    costs = detail["invoice"]["costs"]
    assert [c["costTypeCode"] for c in costs] == ["MATERIALS", "LABOUR", "GOODS"]
    assert [c["description"] for c in costs][:2] == [
        "Copper pipe and fittings",
        "Two engineers, one day",
    ]


def test_draft_stays_a_draft_without_a_number(clerk_client, customer):
    response = clerk_client.post(URL, okappy_body(invoiceType="draft"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["invoiceType"] == "draft"
    assert body["statusCode"] == "DRAFT"
    assert body["invoiceNumber"] is None
    invoice = Invoice.objects.get(pk=body["id"])
    assert invoice.status_code == "DRAFT"
    assert not Document.objects.filter(invoice=invoice).exists()


def test_a_clerk_cannot_raise_only_draft(clerk_client, customer):
    body = assert_okappy_error(clerk_client.post(URL, okappy_body()), 401)
    assert "approve" in body["message"]
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "given", "computed"),
    [
        ({"netAmountCustomer": 560}, "netAmountCustomer", "560.00", "570.00"),
        ({"vatAmount": 110}, "vatAmount", "110.00", "114.00"),
    ],
)
def test_a_total_that_disagrees_with_ours_is_400_naming_both_figures(
    approver_client, customer, overrides, field, given, computed
):
    response = approver_client.post(URL, okappy_body(**overrides))
    body = assert_okappy_error(response, 400, field)
    assert given in body["message"] and computed in body["message"], body["message"]
    assert given in body["errors"][0]["message"] and computed in body["errors"][0]["message"]
    assert not Invoice.objects.exists()


def test_an_item_figure_that_disagrees_is_400_naming_both(approver_client, customer):
    item = okappy_body()["invoiceItems"][0] | {"netAmount": 140}
    body = assert_okappy_error(
        approver_client.post(URL, okappy_body(invoiceItems=[item])),
        400,
        "invoiceItems[0].netAmount",
    )
    assert "140.00" in body["message"] and "150.00" in body["message"]
    item = okappy_body()["invoiceItems"][0] | {"vat": 31}
    body = assert_okappy_error(
        approver_client.post(URL, okappy_body(invoiceItems=[item], vatAmount=115)),
        400,
        "invoiceItems[0].vat",
    )
    assert "31.00" in body["message"]


def test_vat_reverse_item_shows_the_rate_but_charges_no_vat(approver_client, approver, customer):
    drc = {
        "item": "Groundworks",
        "description": "Domestic reverse charge: customer to account for VAT",
        "quantity": 1,
        "unitPrice": 1000,
        "vat": 0,
        "netAmount": 1000,
        "vatReverse": True,
    }
    response = approver_client.post(
        URL,
        okappy_body(
            materialsCost=None,
            labourCost=None,
            invoiceItems=[drc],
            netAmountCustomer=1000,
            vatAmount=0,
        ),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["vatAmount"] == 0 and body["grossAmount"] == 1000
    assert body["invoiceItems"][0]["vatReverse"] is True
    assert body["invoiceItems"][0]["vatRate"] == 20
    line = Invoice.objects.get(pk=body["id"]).lines.get()
    assert line.reverse_charge and line.vat_percentage == 20 and line.vat.amount == 0
    totals = Api(approver).get(f"/api/v1/invoices/{body['id']}").json()["totals"]
    assert totals["vat"] == 0
    assert totals["vatBreakdown"][0]["vatPercentage"] == 20


def test_cis_deduction_lowers_the_amount_due_not_the_invoice(approver_client, approver, customer):
    response = approver_client.post(
        URL,
        okappy_body(
            materialsCost=None,
            labourCost=1000,
            invoiceItems=[],
            netAmountCustomer=1000,
            vatAmount=200,
            deduction=200,
        ),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["grossAmount"], body["deduction"], body["amountDue"]) == (1200, 200, 1000)
    totals = Api(approver).get(f"/api/v1/invoices/{body['id']}").json()["totals"]
    assert (totals["vatIncluded"], totals["deduction"], totals["amountDue"]) == (
        120000,
        20000,
        100000,
    )


def test_item_discount_is_taken_off_the_line(approver_client, customer):
    item = {
        "item": "Scaffold hire",
        "description": "One week",
        "quantity": 2,
        "unitPrice": 100,
        "discount": 20,
        "vat": 36,
        "netAmount": 180,
    }
    response = approver_client.post(
        URL,
        okappy_body(
            materialsCost=None,
            labourCost=None,
            invoiceItems=[item],
            netAmountCustomer=180,
            vatAmount=36,
        ),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["invoiceItems"][0]["discount"] == 20
    assert response.json()["netAmountCustomer"] == 180


def test_vat_rates_other_than_the_standard_one(approver_client, customer):
    items = [
        {"item": "Insulation", "description": "", "quantity": 1, "unitPrice": 100, "vat": 5,
         "netAmount": 100},
        {"item": "Children's car seat", "description": "", "quantity": 1, "unitPrice": 80,
         "vat": 0, "netAmount": 80},
        {"item": "Old rate", "description": "", "quantity": 1, "unitPrice": 40, "vat": 7,
         "netAmount": 40},
    ]  # fmt: skip
    response = approver_client.post(
        URL,
        okappy_body(
            materialsCost=None,
            labourCost=None,
            invoiceItems=items,
            netAmountCustomer=220,
            vatAmount=12,
        ),
    )
    assert response.status_code == 200, response.json()
    assert [i["vatRate"] for i in response.json()["invoiceItems"]] == [5, 0, 17.5]


@pytest.mark.parametrize("tax_date", ["2024-02-17 9:30", "2024-02-17 09:30", "2024-02-17 23:59"])
def test_tax_date_in_okappy_format_is_accepted(clerk_client, customer, tax_date):
    response = clerk_client.post(URL, okappy_body(invoiceType="draft", taxDate=tax_date))
    assert response.status_code == 200, response.json()
    assert Invoice.objects.get().issue_date.isoformat() == "2024-02-17"


@pytest.mark.parametrize(
    "tax_date",
    [
        "2024-02-17",
        "17/02/2024 9:30",
        "2024-02-30 9:30",
        "2024-02-17 24:00",
        "2024-02-17T09:30",
        "2024-02-17 9:30:00",
        20240217,
        None,
    ],
)
def test_tax_date_in_another_format_is_400(clerk_client, customer, tax_date):
    response = clerk_client.post(URL, okappy_body(invoiceType="draft", taxDate=tax_date))
    assert_okappy_error(response, 400, "taxDate")


def test_body_that_is_not_json_is_415(clerk_client, customer):
    response = clerk_client.post(URL, raw="connectTo=4711", content_type="text/plain")
    body = assert_okappy_error(response, 415)
    assert "JSON" in body["message"]


def test_no_token_is_401(customer):
    assert_okappy_error(CompatClient().post(URL, okappy_body()), 401)


def test_a_wrong_or_expired_token_is_401(clerk, customer):
    assert_okappy_error(CompatClient(token="not-a-token").post(URL, okappy_body()), 401)
    token, row = token_issue(agent=clerk)
    row.expires_at = row.created_at
    row.save()
    assert_okappy_error(CompatClient(token=token).post(URL, okappy_body()), 401)


def test_too_many_requests_is_429_with_retry_after(clerk_client, customer, settings):
    settings.API_THROTTLE_RATE = "2/min"
    for _ in range(2):
        clerk_client.post(URL, okappy_body(invoiceType="draft"))
    response = clerk_client.post(URL, okappy_body(invoiceType="draft"))
    assert_okappy_error(response, 429)
    assert int(response["Retry-After"]) >= 1


def test_connect_to_takes_our_party_id_too(clerk_client, customer):
    response = clerk_client.post(URL, okappy_body(invoiceType="draft", connectTo=str(customer.pk)))
    assert response.status_code == 200, response.json()


def test_another_offices_customer_is_unknown(clerk_client, customer, other_customer):
    for connect_to in ("9999", str(other_customer.pk), "no-such-customer"):
        response = clerk_client.post(URL, okappy_body(invoiceType="draft", connectTo=connect_to))
        assert_okappy_error(response, 400, "connectTo")
    assert not Invoice.objects.exists()


def test_the_other_office_uses_its_own_customers(other_client, other_customer):
    response = other_client.post(URL, okappy_body(invoiceType="draft", connectTo="9999"))
    assert response.status_code == 200, response.json()
    assert Invoice.objects.get().agency_office_id == other_customer.office_id


def test_nothing_to_invoice_is_400(clerk_client, customer):
    response = clerk_client.post(
        URL,
        okappy_body(
            materialsCost=None,
            labourCost=None,
            invoiceItems=[],
            netAmountCustomer=0,
            vatAmount=0,
            invoiceType="draft",
        ),
    )
    assert_okappy_error(response, 400, "invoiceItems")


def test_a_deduction_above_the_total_is_400(clerk_client, customer):
    response = clerk_client.post(URL, okappy_body(invoiceType="draft", deduction=10000))
    assert_okappy_error(response, 400, "deduction")


ITEM = okappy_body()["invoiceItems"][0]


def draft(**overrides):
    return okappy_body(**{"invoiceType": "draft", **overrides})


BAD_BODIES = [
    [],
    "text",
    {},
    {"connectTo": None},
    draft(connectTo={"id": 1}),
    draft(connectTo=True),
    draft(connectTo=""),
    okappy_body(invoiceType="sent"),
    okappy_body(invoiceType=1),
    draft(netAmountCustomer="lots"),
    draft(netAmountCustomer=-5),
    draft(netAmountCustomer=1e300),
    draft(vatAmount=None),
    draft(materialsCost=120.001),
    draft(deduction=-1),
    draft(invoiceItems={"item": "x"}),
    draft(invoiceItems=[None]),
    draft(invoiceItems=[{"item": "x"}]),
    draft(invoiceItems=[ITEM | {"quantity": 0}]),
    draft(invoiceItems=[ITEM | {"quantity": "three"}]),
    draft(invoiceItems=[ITEM | {"vat": 1000}]),
    draft(invoiceItems=[ITEM | {"vatReverse": "yes"}]),
    draft(invoiceItems=[ITEM | {"itemCode": "x" * 51}]),
    draft(companyName="x" * 201),
    draft(taxDate="9999-99-99 99:99"),
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_bodies_are_400_in_okappy_shape_never_500(clerk_client, customer, body):
    response = clerk_client.post(URL, body)
    assert_okappy_error(response, 400)
    assert not Invoice.objects.exists()


def test_invalid_json_is_400(clerk_client, customer):
    assert_okappy_error(clerk_client.post(URL, raw="{not json"), 400, "body")


def test_amounts_are_exact_decimals(clerk_client, customer):
    item = {
        "item": "Fixings",
        "description": "",
        "quantity": 3,
        "unitPrice": "0.10",
        "vat": 0.06,
        "netAmount": 0.30,
    }
    response = clerk_client.post(
        URL,
        okappy_body(
            invoiceType="draft",
            materialsCost=None,
            labourCost=None,
            invoiceItems=[item],
            netAmountCustomer=0.3,
            vatAmount=0.06,
        ),
    )
    assert response.status_code == 200, response.json()
    assert response.content.count(b'"netAmountCustomer":0.3') == 1
    assert Invoice.objects.get().total_vat_included.amount == Decimal("0.36")


def test_a_retry_with_the_same_idempotency_key_creates_one_invoice(clerk_client, customer):
    headers = {"HTTP_IDEMPOTENCY_KEY": "okappy-retry-1"}
    first = clerk_client.post(URL, okappy_body(invoiceType="draft"), **headers)
    again = clerk_client.post(URL, okappy_body(invoiceType="draft"), **headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1


def test_a_bug_is_a_500_in_the_okappy_format(clerk_client, customer, monkeypatch):
    from compat.okappy import services

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "okappy_invoice_create", broken)
    body = assert_okappy_error(clerk_client.post(URL, okappy_body(invoiceType="draft")), 500)
    assert "a bug" not in body["message"]
