"""Merchant supplier invoices: POST /compat/merchant/invoice (insert or update), its version
header and its numbered error catalogue."""

import pytest

from compat.choices import IdKind, System
from compat.models import ExternalId
from invoices.models import Invoice, InvoicePaymentAccount
from offices.authentication import token_issue
from parties.models import Party
from tests.conftest import Api
from tests.factories import PartyFactory

from .conftest import CompatClient

URL = "/compat/merchant/invoice"
V2 = {"HTTP_X_ACCEPT_VERSION": "2"}
ITEM_KEYS = {
    "barcode",
    "note",
    "name",
    "price",
    "vatPercentage",
    "quantity",
    "productId",
    "accountId",
}
INVOICE_KEYS = {
    "id",
    "supplierId",
    "storeId",
    "supplierStoreId",
    "reference",
    "completeDate",
    "note",
    "invoiceItems",
}


def merchant_invoice(office, **overrides):
    invoice = {
        "supplierId": 501,
        "storeId": int(office.office_identifier),
        "supplierStoreId": 12,
        "reference": "SUP-2024-0042",
        "completeDate": "2024-02-17",
        "note": "Delivered to the back door",
        "invoiceItems": [
            {
                "barcode": "6410405082657",
                "note": "Case of 12",
                "name": "Oat milk 1 l",
                "price": "1.25",
                "vatPercentage": 14,
                "quantity": 12,
                "productId": 9001,
                "accountId": 4000,
            },
            {
                "barcode": "6408430000029",
                "note": "",
                "name": "Coffee 500 g",
                "price": "6.90",
                "vatPercentage": 14,
                "quantity": 4,
                "productId": 9002,
                "accountId": 4000,
            },
        ],
    }
    invoice.update(overrides)
    return invoice


def assert_merchant_error(response, catalogue_id, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["id"] == catalogue_id, body
    assert body["statusCode"] == status
    assert set(body) == {"id", "statusCode", "title", "details", "message", "errors"}
    assert response["statusCode"] == str(status)
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def test_insert_answers_201_with_the_documented_body(clerk_client, clerk, office):
    response = clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2)
    assert response.status_code == 201, response.json()
    assert response["statusCode"] == "201"
    assert response["x-accept-version"] == "2"
    body = response.json()
    assert (body["id"], body["statusCode"], body["title"]) == (206, 201, "Resource Created")
    [out] = body["invoices"]
    assert set(out) >= INVOICE_KEYS
    assert isinstance(out["id"], int)
    assert out["supplierId"] == 501
    assert out["storeId"] == 1
    assert out["supplierStoreId"] == 12
    assert out["reference"] == "SUP-2024-0042"
    assert out["completeDate"] == "2024-02-17"
    assert out["note"] == "Delivered to the back door"
    assert [set(i) for i in out["invoiceItems"]] == [ITEM_KEYS, ITEM_KEYS]
    assert out["invoiceItems"][0] == {
        "barcode": "6410405082657",
        "note": "Case of 12",
        "name": "Oat milk 1 l",
        "price": "1.25",
        "vatPercentage": 14,
        "quantity": 12,
        "productId": 9001,
        "accountId": 4000,
    }
    # 12 x 1.25 + 4 x 6.90 = 42.60 excl. VAT, 14 % VAT per line: 2.10 + 3.86.
    assert (out["totalExcludingVat"], out["totalVat"], out["totalIncludingVat"]) == (
        "42.60",
        "5.96",
        "48.56",
    )
    invoice = Invoice.objects.get(pk=out["invoiceId"])
    assert invoice.direction == "PURCHASE"
    assert invoice.status_code == "DRAFT"
    assert invoice.customer_reference == "SUP-2024-0042"
    line = invoice.lines.first()
    assert (line.barcode, line.product_code, line.account_code) == ("6410405082657", "9001", "4000")


def test_the_purchase_invoice_is_listed_in_the_primary_api(clerk_client, clerk, office, party):
    clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2)
    api = Api(clerk)
    purchases = api.get("/api/v1/invoices", {"direction": "PURCHASE"}).json()
    assert purchases["totalCount"] == 1
    assert purchases["invoices"][0]["direction"] == "PURCHASE"
    assert api.get("/api/v1/invoices", {"direction": "SALES"}).json()["totalCount"] == 0


def test_several_invoices_in_one_request_and_one_supplier_party(clerk_client, office):
    response = clerk_client.post(
        URL,
        {"invoices": [merchant_invoice(office), merchant_invoice(office, reference="SUP-2")]},
        **V2,
    )
    assert response.status_code == 201, response.json()
    ids = [i["id"] for i in response.json()["invoices"]]
    assert len(set(ids)) == 2
    assert Party.objects.filter(name="Supplier 501").count() == 1


def test_update_by_id_changes_only_what_is_sent(clerk_client, office):
    created = clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2).json()
    merchant_id = created["invoices"][0]["id"]
    response = clerk_client.post(
        URL, {"invoices": [{"id": merchant_id, "note": "Paid by card"}]}, **V2
    )
    assert response.status_code == 201, response.json()
    [out] = response.json()["invoices"]
    assert out["id"] == merchant_id
    assert out["note"] == "Paid by card"
    assert out["reference"] == "SUP-2024-0042"
    assert len(out["invoiceItems"]) == 2
    assert out["supplierStoreId"] == 12
    response = clerk_client.post(
        URL,
        {
            "invoices": [
                {
                    "id": merchant_id,
                    "supplierId": 502,
                    "invoiceItems": [{"name": "Tea", "price": 3, "vatPercentage": 14}],
                }
            ]
        },
        **V2,
    )
    [out] = response.json()["invoices"]
    assert out["supplierId"] == 502
    assert [i["name"] for i in out["invoiceItems"]] == ["Tea"]
    assert out["invoiceItems"][0]["price"] == "3.00"
    assert Invoice.objects.count() == 1


def test_without_the_version_header_the_latest_is_used(clerk_client, office):
    response = clerk_client.post(URL, {"invoices": [merchant_invoice(office)]})
    assert response.status_code == 201
    assert response["x-accept-version"] == "2"


@pytest.mark.parametrize("version", ["1", "3", "latest", ""])
def test_an_unknown_version_is_a_clear_913(clerk_client, office, version):
    response = clerk_client.post(
        URL, {"invoices": [merchant_invoice(office)]}, HTTP_X_ACCEPT_VERSION=version
    )
    body = assert_merchant_error(response, 913, 400, "x-accept-version")
    assert "supported" in body["message"]
    assert not Invoice.objects.exists()


def test_908_expired_token(clerk, office):
    token, row = token_issue(agent=clerk)
    row.expires_at = row.created_at
    row.save()
    response = CompatClient(token=token).post(URL, {"invoices": [merchant_invoice(office)]}, **V2)
    body = assert_merchant_error(response, 908, 401)
    assert body["title"] == "Expired Token"


def test_908_unknown_token(office):
    response = CompatClient(token="nope").post(URL, {"invoices": [merchant_invoice(office)]})
    assert_merchant_error(response, 908, 401)


@pytest.mark.parametrize("header", [None, "Bearer", "Token abc", "Bearer a b", "c3499c27"])
def test_911_authorization_header_invalid(office, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = CompatClient().post(URL, {"invoices": [merchant_invoice(office)]}, **extra)
    body = assert_merchant_error(response, 911, 401)
    assert body["title"] == "Authorization Header Invalid"


@pytest.mark.parametrize(
    ("invoice", "field"),
    [
        ({"storeId": 1, "invoiceItems": [{"price": 1, "vatPercentage": 24}]}, "supplierId"),
        ({"storeId": 1, "supplierId": 5}, "invoiceItems"),
        ({"storeId": 1, "supplierId": 5, "invoiceItems": [{"vatPercentage": 24}]}, "price"),
    ],
)
def test_913_required_parameter_missing(clerk_client, office, invoice, field):
    body = assert_merchant_error(clerk_client.post(URL, {"invoices": [invoice]}, **V2), 913, 400)
    assert any(e["field"].endswith(field) for e in body["errors"]), body


def test_913_without_invoices(clerk_client, office):
    assert_merchant_error(clerk_client.post(URL, {}, **V2), 913, 400, "invoices")
    assert_merchant_error(clerk_client.post(URL, {"invoices": []}, **V2), 913, 400, "invoices")


def test_904_a_store_of_another_office(clerk_client, office, other_office):
    invoice = merchant_invoice(office, storeId=int(other_office.office_identifier))
    assert_merchant_error(clerk_client.post(URL, {"invoices": [invoice]}, **V2), 904, 401)
    unknown = merchant_invoice(office, storeId=987654)
    assert_merchant_error(clerk_client.post(URL, {"invoices": [unknown]}, **V2), 904, 401)
    assert not Invoice.objects.exists()


def test_912_an_invoice_of_another_office_or_unknown(clerk_client, other_client, office):
    other = other_client.post(URL, {"invoices": [merchant_invoice(office, storeId=None)]}, **V2)
    other_id = other.json()["invoices"][0]["id"]
    for merchant_id in (other_id, other_id + 1000):
        response = clerk_client.post(URL, {"invoices": [{"id": merchant_id, "note": "x"}]}, **V2)
        assert_merchant_error(response, 912, 403, "invoices[0].id")
    assert Invoice.objects.get().note == "Delivered to the back door"


def test_912_an_invoice_that_can_no_longer_change(clerk_client, clerk, office):
    # A supplier with an e-mail address, and a payment account to pay to: lockable.
    supplier = PartyFactory(office=office, name="Dairy Oy")
    ExternalId.objects.create(
        system=System.MERCHANT,
        kind=IdKind.SUPPLIER,
        office=office,
        external_id="501",
        object_id=supplier.pk,
    )
    created = clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2).json()
    assert created["invoices"][0]["supplierId"] == 501
    invoice_id = created["invoices"][0]["invoiceId"]
    InvoicePaymentAccount.objects.create(invoice_id=invoice_id, iban="FI2112345600000785")
    locked = Api(clerk).post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "LOCK"})
    assert locked.status_code == 200, locked.json()
    response = clerk_client.post(
        URL, {"invoices": [{"id": created["invoices"][0]["id"], "note": "late"}]}, **V2
    )
    body = assert_merchant_error(response, 912, 403)
    assert "READY_FOR_APPROVAL" in body["message"]


def test_919_too_many_requests(clerk_client, office, settings):
    settings.API_THROTTLE_RATE = "1/min"
    clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2)
    response = clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2)
    assert_merchant_error(response, 919, 429)
    assert int(response["Retry-After"]) >= 1


def test_919_too_many_objects_in_one_request(clerk_client, office):
    response = clerk_client.post(URL, {"invoices": [merchant_invoice(office)] * 101}, **V2)
    assert_merchant_error(response, 919, 429)
    assert not Invoice.objects.exists()


def test_one_bad_invoice_stores_none(clerk_client, office):
    bad = merchant_invoice(office, supplierId=None)
    response = clerk_client.post(URL, {"invoices": [merchant_invoice(office), bad]}, **V2)
    assert_merchant_error(response, 913, 400, "invoices[1].supplierId")
    assert not Invoice.objects.exists()
    assert not ExternalId.objects.exists()


def test_non_json_body_is_913(clerk_client, office):
    response = clerk_client.post(URL, raw="invoices=1", content_type="text/plain", **V2)
    assert_merchant_error(response, 913, 400)


def bad_bodies(office):
    good = merchant_invoice(office)
    item = good["invoiceItems"][0]
    return [
        [],
        {"invoices": "all"},
        {"invoices": [None]},
        {"invoices": [good | {"id": "7"}]},
        {"invoices": [good | {"id": 0}]},
        {"invoices": [good | {"id": 2**60}]},
        {"invoices": [good | {"supplierId": 1.5}]},
        {"invoices": [good | {"storeId": True}]},
        {"invoices": [good | {"completeDate": "17.2.2024"}]},
        {"invoices": [good | {"completeDate": 20240217}]},
        {"invoices": [good | {"reference": 42}]},
        {"invoices": [good | {"invoiceItems": "milk"}]},
        {"invoices": [good | {"invoiceItems": [item | {"price": "one"}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"price": "1.255"}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"price": -1}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"vatPercentage": 101}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"vatPercentage": "14"}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"quantity": 1.5}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"quantity": 0}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"productId": "abc"}]}]},
        {"invoices": [good | {"invoiceItems": [item | {"barcode": "1" * 51}]}]},
    ]


@pytest.mark.parametrize("index", range(21))
def test_bad_bodies_are_913_never_500(clerk_client, office, index):
    body = bad_bodies(office)[index]
    assert_merchant_error(clerk_client.post(URL, body, **V2), 913, 400)
    assert not Invoice.objects.exists()


def test_899_for_a_bug_in_the_merchant_format(clerk_client, office, monkeypatch):
    from compat.merchant import services

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "merchant_invoices_save", broken)
    response = clerk_client.post(URL, {"invoices": [merchant_invoice(office)]}, **V2)
    body = assert_merchant_error(response, 899, 500)
    assert body["title"] == "Unknown Error"
    assert "a bug" not in response.content.decode()  # no internals leak


def test_919_too_many_items_in_one_invoice(clerk_client, office, settings):
    settings.INVOICING_MAX_LINES = 2
    items = merchant_invoice(office)["invoiceItems"] * 2
    response = clerk_client.post(
        URL, {"invoices": [merchant_invoice(office, invoiceItems=items)]}, **V2
    )
    body = assert_merchant_error(response, 919, 429)
    assert "4 items" in body["message"]
