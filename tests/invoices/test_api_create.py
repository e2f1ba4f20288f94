"""POST /api/v1/invoices and GET /api/v1/invoices/{id} with the primary seed's example."""


def test_create_seed_example_returns_201_with_id_and_location(api, seed_body):
    response = api.post("/api/v1/invoices", seed_body)
    assert response.status_code == 201, response.json()
    invoice_id = response.json()["invoiceId"]
    assert response["Location"] == f"/api/v1/invoices/{invoice_id}"


def test_get_seed_example_has_seed_totals(api, seed_body):
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    body = api.get(f"/api/v1/invoices/{invoice_id}").json()
    assert body["totalInvoicedAmount"] == {"vatIncluded": 1025000, "vatExcluded": 816734}
    assert body["totals"]["amountDue"] == 775000
    assert body["totals"]["vat"] == 1025000 - 816734
    assert body["statusCode"] == "DRAFT"
    assert body["invoice"]["costs"][0]["amount"] == 1000000
