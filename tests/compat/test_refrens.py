"""Refrens GST invoicing: /compat/refrens/businesses/{urlKey}/invoices, with the seed's example."""

import copy
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from compat.models import ExternalId
from compat.refrens.services import next_invoice_number
from compat.tasks import send_refrens_invoice_email
from invoices.models import Invoice
from offices.authentication import token_issue

from .conftest import CompatClient

URL = "/compat/refrens/businesses/helsinki/invoices"
SEED_KEYS = {
    "_id",
    "invoiceNumber",
    "invoiceDate",
    "currency",
    "billType",
    "status",
    "billedBy",
    "billedTo",
    "invoiceTitle",
    "discount",
    "items",
    "client",
    "igst",
    "createdAt",
    "updatedAt",
    "finalTotal",
    "share",
    "terms",
    "attachments",
    "isExpenditure",
    "taxType",
    "locale",
    "tags",
}
ITEM_KEYS = {
    "discount",
    "images",
    "_id",
    "rate",
    "quantity",
    "gstRate",
    "name",
    "igst",
    "cgst",
    "sgst",
    "subTotal",
    "amount",
    "total",
}
NOT_AUTHENTICATED = {
    "name": "NotAuthenticated",
    "message": "Invalid login",
    "code": 401,
    "className": "not-authenticated",
    "data": {"message": "Invalid login"},
    "errors": {},
}
SEED_BODY = {
    "invoiceNumber": "APP-2020-0004",
    "invoiceDate": "2021-06-18T12:08:38.000Z",
    "currency": "INR",
    "invoiceType": "INVOICE",
    "billedBy": {
        "name": "Vendor Name",
        "street": "Vendor street line",
        "city": "Bangalore",
        "pincode": "560100",
        "gstState": "29",
        "country": "IN",
    },
    "billedTo": {
        "name": "Customer Name",
        "street": "Customer street line",
        "city": "Bangalore",
        "pincode": "560100",
        "gstState": "29",
        "country": "IN",
    },
    "items": [
        {"name": "Item one name", "rate": 100, "quantity": 2, "gstRate": 18},
        {"name": "Item two name", "rate": 200, "quantity": 6, "gstRate": 12},
    ],
}


def seed_body(**overrides):
    body = copy.deepcopy(SEED_BODY)
    body.update(overrides)
    return body


def assert_feathers(response, status, name, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"name", "message", "code", "className", "data", "errors"}, body
    assert (body["name"], body["code"]) == (name, status)
    if field is not None:
        assert field in body["errors"], body
    return body


@pytest.fixture
def created(approver_client, url_key):
    response = approver_client.post(URL, seed_body())
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_seed_example_gives_its_figures_and_shape(created):
    body = created
    assert set(body) >= SEED_KEYS, SEED_KEYS - set(body)
    assert body["invoiceNumber"] == "APP-2020-0004"
    assert body["invoiceDate"] == "2021-06-18T12:08:38.000Z"
    assert (body["currency"], body["billType"], body["status"]) == ("INR", "INVOICE", "UNPAID")
    assert body["billedBy"] == SEED_BODY["billedBy"]
    assert body["billedTo"] == SEED_BODY["billedTo"]
    assert body["invoiceTitle"] == "Invoice"
    assert body["discount"] == {"discountType": "PERCENTAGE"}
    assert body["igst"] is False
    assert (body["taxType"], body["locale"], body["isExpenditure"]) == ("INDIA", "en-IN", False)
    assert body["terms"] == body["attachments"] == body["tags"] == []
    one, two = body["items"]
    assert set(one) == set(two) == ITEM_KEYS
    assert {k: v for k, v in one.items() if k not in ("_id",)} == {
        "discount": {"discountType": "PERCENTAGE"},
        "images": [],
        "rate": 100,
        "quantity": 2,
        "gstRate": 18,
        "name": "Item one name",
        "igst": 36,
        "cgst": 18,
        "sgst": 18,
        "subTotal": 200,
        "amount": 200,
        "total": 236,
    }
    assert (two["rate"], two["quantity"], two["gstRate"]) == (200, 6, 12)
    assert (two["igst"], two["cgst"], two["sgst"]) == (144, 72, 72)
    assert (two["subTotal"], two["amount"], two["total"]) == (1200, 1200, 1344)
    assert body["finalTotal"] == {
        "total": 1580,
        "amount": 1400,
        "subTotal": 1400,
        "igst": 180,
        "cgst": 90,
        "sgst": 90,
        "discount": 0,
    }
    assert body["createdAt"].endswith("Z") and len(body["createdAt"]) == 24
    invoice = Invoice.objects.get(pk=body["_id"])
    assert invoice.status_code == "APPROVED" and invoice.invoice_number
    assert invoice.currency_code == "INR"
    assert invoice.issue_date.isoformat() == "2021-06-18"
    assert invoice.total_vat_included.amount == 1580
    assert str(invoice.invoiced_parties.get().party_id) == body["client"]
    assert invoice.invoiced_parties.get().party.state_code == "29"


def test_parties_in_different_states_pay_igst(approver_client, url_key):
    billed_to = SEED_BODY["billedTo"] | {"gstState": "27", "city": "Mumbai"}
    response = approver_client.post(URL, seed_body(billedTo=billed_to))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["igst"] is True
    assert body["finalTotal"]["igst"] == 180 and body["finalTotal"]["total"] == 1580


def test_a_customer_abroad_pays_igst(approver_client, url_key):
    billed_to = {"name": "Acme GmbH", "street": "Hauptstr. 1", "pincode": "10115", "country": "DE"}
    response = approver_client.post(URL, seed_body(billedTo=billed_to))
    assert response.status_code == 200, response.json()
    assert response.json()["igst"] is True


def test_without_billed_by_the_business_is_the_vendor(approver_client, url_key):
    response = approver_client.post(URL, seed_body(billedBy=None))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["billedBy"]["name"] == "Helsinki"
    assert body["billedBy"]["gstState"] == "29"
    assert body["igst"] is False


def test_odd_gst_is_split_half_up(approver_client, url_key):
    items = [{"name": "Odd", "rate": 1.05, "quantity": 1, "taxRate": 18}]  # GST 0.19
    response = approver_client.post(URL, seed_body(items=items, invoiceNumber=None))
    assert response.status_code == 200, response.json()
    item = response.json()["items"][0]
    assert (item["igst"], item["cgst"], item["sgst"]) == (0.19, 0.1, 0.09)
    assert item["gstRate"] == 18


def test_bill_of_supply_carries_no_tax(approver_client, url_key):
    response = approver_client.post(URL, seed_body(invoiceType="BOS"))
    body = response.json()
    assert body["billType"] == "BOS"
    assert body["finalTotal"]["total"] == 1400 and body["finalTotal"]["igst"] == 0


def test_a_gst_state_is_required_in_india(approver_client, url_key):
    billed_to = {k: v for k, v in SEED_BODY["billedTo"].items() if k != "gstState"}
    response = approver_client.post(URL, seed_body(billedTo=billed_to))
    assert_feathers(response, 400, "BadRequest", "billedTo.gstState")


def test_invoice_number_auto_increments_from_the_last(approver_client, created):
    response = approver_client.post(URL, seed_body(invoiceNumber=None))
    assert response.json()["invoiceNumber"] == "APP-2020-0005"
    body = seed_body()
    del body["invoiceNumber"]
    assert approver_client.post(URL, body).json()["invoiceNumber"] == "APP-2020-0006"


def test_the_first_number_of_a_business(approver_client, url_key):
    response = approver_client.post(URL, seed_body(invoiceNumber=None))
    assert response.json()["invoiceNumber"] == "INV-0001"


def test_invoice_number_must_be_unique(approver_client, created):
    response = approver_client.post(URL, seed_body())
    assert_feathers(response, 409, "Conflict", "invoiceNumber")
    assert Invoice.objects.count() == 1


def test_a_taken_number_is_skipped_by_auto_increment(approver_client, created):
    approver_client.post(URL, seed_body(invoiceNumber="APP-2020-0006"))
    approver_client.post(URL, seed_body(invoiceNumber="APP-2020-0005-B"))  # the last one now
    assert approver_client.post(URL, seed_body(invoiceNumber=None)).json()["invoiceNumber"] == (
        "APP-2020-0006-B"
    )


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, "INV-0001"),
        ("APP-2020-0004", "APP-2020-0005"),
        ("APP-2020-0009", "APP-2020-0010"),
        ("INV-9", "INV-10"),
        ("A0999/24", "A0999/25"),
        ("2021-22/007", "2021-22/008"),
        ("DRAFT", "DRAFT-1"),
        ("X-0099-B", "X-0100-B"),
    ],
)
def test_next_invoice_number(last, expected):
    assert next_invoice_number(last) == expected


def test_numbers_are_per_business(approver_client, created, other_client, other_url_key):
    response = other_client.post("/compat/refrens/businesses/tampere/invoices", seed_body())
    assert response.status_code == 200, response.json()


def test_get_by_id(approver_client, created):
    response = approver_client.get(f"{URL}/{created['_id']}")
    assert response.status_code == 200
    body = response.json()
    assert {k: v for k, v in body.items() if k not in ("share", "updatedAt")} == {
        k: v for k, v in created.items() if k not in ("share", "updatedAt")
    }


def test_get_unknown_or_malformed_id_is_404(approver_client, created):
    for invoice_id in ("60cc8cc6aa3024abd4bef447", "2d1f8a3e-7c7d-4f53-a1bb-0b5d3f0e9f11"):
        assert_feathers(approver_client.get(f"{URL}/{invoice_id}"), 404, "NotFound")


def test_find_pages_and_sorts(approver_client, url_key):
    for number, day in (("APP-2", "2021-06-20"), ("APP-1", "2021-06-22"), ("APP-3", "2021-06-18")):
        response = approver_client.post(URL, seed_body(invoiceNumber=number, invoiceDate=day))
        assert response.status_code == 200, response.json()
    everything = approver_client.get(URL).json()
    assert (everything["total"], everything["limit"], everything["skip"]) == (3, 10, 0)
    assert [i["invoiceNumber"] for i in everything["data"]] == ["APP-3", "APP-1", "APP-2"]

    def numbers(params):
        response = approver_client.get(URL, params)
        assert response.status_code == 200, response.json()
        return [i["invoiceNumber"] for i in response.json()["data"]]

    assert numbers({"$sort[invoiceNumber]": 1}) == ["APP-1", "APP-2", "APP-3"]
    assert numbers({"$sort[invoiceNumber]": -1}) == ["APP-3", "APP-2", "APP-1"]
    assert numbers({"$sort[invoiceDate]": 1}) == ["APP-3", "APP-2", "APP-1"]
    assert numbers({"$sort[createdAt]": 1}) == ["APP-2", "APP-1", "APP-3"]
    assert numbers({"$sort[createdAt]": -1, "$limit": 2}) == ["APP-3", "APP-1"]
    assert numbers({"$sort[invoiceNumber]": 1, "$limit": 1, "$skip": 1}) == ["APP-2"]
    page = approver_client.get(URL, {"$limit": 1, "$skip": 5}).json()
    assert (page["total"], page["limit"], page["skip"], page["data"]) == (3, 1, 5, [])
    assert approver_client.get(URL, {"$limit": 0}).json()["data"] == []
    assert approver_client.get(URL, {"$limit": 1000}).json()["limit"] == 100


@pytest.mark.parametrize(
    "params",
    [
        {"$limit": "ten"},
        {"$limit": -1},
        {"$skip": "x"},
        {"$sort[amount]": 1},
        {"$sort[createdAt]": 2},
        {"$sort": "createdAt"},
    ],
)
def test_bad_find_parameters_are_400(approver_client, url_key, params):
    assert_feathers(approver_client.get(URL, params), 400, "BadRequest")


def test_find_uses_a_constant_number_of_queries(
    approver_client, url_key, django_assert_max_num_queries
):
    for number in range(3):
        approver_client.post(URL, seed_body(invoiceNumber=f"Q-{number}"))
    with django_assert_max_num_queries(12):
        response = approver_client.get(URL)
    assert len(response.json()["data"]) == 3


def test_email_block_sends_one_email_with_the_pdf(
    approver_client, url_key, mailoutbox, django_capture_on_commit_callbacks
):
    email = {
        "to": {"name": "Customer Name", "email": "accounts@customer.example.in"},
        "cc": [{"name": "Auditor", "email": "audit@customer.example.in"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = approver_client.post(URL, seed_body(email=email))
    assert response.status_code == 200, response.json()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["Customer Name <accounts@customer.example.in>"]
    assert message.cc == ["Auditor <audit@customer.example.in>"]
    assert "APP-2020-0004" in message.subject
    assert "1580.00" in message.body
    assert "/compat/refrens/share/" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("invoice-APP-2020-0004.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    # The task is idempotent: a re-run (a redelivered message) sends nothing more.
    mapping = ExternalId.objects.get(external_id="APP-2020-0004")
    assert send_refrens_invoice_email.delay(mapping.pk).get() == "ALREADY_SENT"
    assert len(mailoutbox) == 1


def test_no_email_block_no_email_from_refrens(approver_client, url_key, mailoutbox):
    approver_client.post(URL, seed_body())
    assert mailoutbox == []


def test_share_link_and_pdf_open_without_a_token(created):
    anonymous = APIClient()
    page = anonymous.get(created["share"]["link"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "APP-2020-0004" in text and "1580" in text
    pdf = anonymous.get(created["share"]["pdf"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_tampered_share_link_opens_nothing(created):
    anonymous = APIClient()
    link = created["share"]["link"]
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert_feathers(anonymous.get(tampered), 404, "NotFound")
    assert_feathers(anonymous.get(tampered + "/pdf"), 404, "NotFound")


def test_an_expired_share_link_opens_nothing(approver_client, url_key, settings):
    settings.INVOICING_COMPAT_SHARE_LINK_TTL_SECONDS = 3600
    with freeze_time(timezone.now() - timedelta(hours=2)):
        created = approver_client.get(
            f"{URL}/{approver_client.post(URL, seed_body()).json()['_id']}"
        ).json()
    anonymous = APIClient()
    assert_feathers(anonymous.get(created["share"]["link"]), 410, "Gone")
    assert_feathers(anonymous.get(created["share"]["pdf"]), 410, "Gone")
    fresh = approver_client.get(f"{URL}/{created['_id']}").json()["share"]["link"]
    assert anonymous.get(fresh).status_code == 200


def test_401_has_the_not_authenticated_shape(url_key, clerk):
    for client in (CompatClient(), CompatClient(token="not-a-token")):
        response = client.post(URL, seed_body())
        assert response.status_code == 401
        assert response.json() == NOT_AUTHENTICATED
        assert client.get(URL).json() == NOT_AUTHENTICATED
    token, row = token_issue(agent=clerk)
    row.expires_at = row.created_at
    row.save()
    response = CompatClient(token=token).get(URL)
    assert_feathers(response, 401, "NotAuthenticated")


def test_a_clerk_cannot_issue(clerk_client, url_key):
    assert_feathers(clerk_client.post(URL, seed_body()), 403, "Forbidden")
    assert not Invoice.objects.exists()


def test_a_clerk_can_read(clerk_client, created):
    assert clerk_client.get(URL).json()["total"] == 1


def test_another_offices_business_is_not_found(approver_client, created, other_url_key):
    other = "/compat/refrens/businesses/tampere/invoices"
    assert_feathers(approver_client.post(other, seed_body()), 404, "NotFound")
    assert_feathers(approver_client.get(other), 404, "NotFound")
    assert_feathers(approver_client.get(f"{other}/{created['_id']}"), 404, "NotFound")
    unknown = "/compat/refrens/businesses/nowhere/invoices"
    assert_feathers(approver_client.get(unknown), 404, "NotFound")


def test_another_offices_invoice_is_not_found(created, other_client, other_url_key):
    other = "/compat/refrens/businesses/tampere/invoices"
    assert_feathers(other_client.get(f"{other}/{created['_id']}"), 404, "NotFound")
    assert other_client.get(other).json()["total"] == 0


def bad_bodies():
    item = SEED_BODY["items"][0]
    return [
        [],
        {},
        seed_body(billedTo=None),
        seed_body(billedTo={"name": "No country"}),
        seed_body(billedTo=SEED_BODY["billedTo"] | {"country": "IND"}),
        seed_body(billedTo=SEED_BODY["billedTo"] | {"email": "not-an-email"}),
        seed_body(items=[]),
        seed_body(items="two"),
        seed_body(items=[item | {"rate": "100"}]),
        seed_body(items=[item | {"rate": 100.001}]),
        seed_body(items=[item | {"quantity": -1}]),
        seed_body(items=[item | {"gstRate": 118}]),
        seed_body(items=[item | {"gstRate": 18, "taxRate": 12}]),
        seed_body(invoiceNumber=""),
        seed_body(invoiceNumber=4),
        seed_body(invoiceDate="18 June 2021"),
        seed_body(dueDate="2021-06-01"),
        seed_body(currency="XXX"),
        seed_body(currency="BTC"),
        seed_body(invoiceType="QUOTE"),
        seed_body(email={"to": {"name": "x"}}),
        seed_body(email={"to": {"email": "x@example.com"}, "cc": "everyone"}),
        seed_body(billedBy=SEED_BODY["billedBy"] | {"gstState": ["29"]}),
    ]


@pytest.mark.parametrize("index", range(23))
def test_bad_bodies_are_400_never_500(approver_client, url_key, index):
    response = approver_client.post(URL, bad_bodies()[index])
    assert_feathers(response, 400, "BadRequest")
    assert not Invoice.objects.exists()


def test_non_json_is_415(approver_client, url_key):
    response = approver_client.post(URL, raw="<invoice/>", content_type="application/xml")
    assert_feathers(response, 415, "UnsupportedMediaType")
