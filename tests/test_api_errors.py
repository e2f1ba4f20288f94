"""The seed's error shape on every kind of bad request: headers, URLs, methods, bodies, types.

``assert_error`` is the one shape check the other API test modules import, together with the
autouse ``fast_password_hashing`` fixture (the agents' factory hashes a password per agent, and
the production hasher would make each test ~0.4 s slower).
"""

import copy
import json
import re
import uuid

import pytest

INVOICES = "/api/v1/invoices"
ERROR_KEYS = {"errorCode", "message", "description", "errors"}
FIELD_ERROR_KEYS = {"target", "errorCode", "message"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_error(response, status, error_code, *, target=None, field_code=None):
    """Assert the seed's error shape; with *target*, that a field error names it (and its code)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["errorCode"] == error_code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["description"], str)
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == FIELD_ERROR_KEYS, error
        assert all(isinstance(value, str) and value for value in error.values()), error
    if target is not None:
        matching = [e for e in body["errors"] if e["target"] == target]
        assert matching, f"no error for {target!r} in {body['errors']}"
        if field_code is not None:
            assert field_code in {e["errorCode"] for e in matching}, matching
    return body


def error_targets(response) -> set[str]:
    return {e["target"] for e in response.json()["errors"]}


# --- Request-ID --------------------------------------------------------------------------------


def test_missing_request_id_is_400_value_required(api):
    response = api.client.get(INVOICES, HTTP_AUTHORIZATION=f"Bearer {api.token}")
    body = assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="Request-ID", field_code="VALUE_REQUIRED"
    )
    assert len(body["errors"]) == 1


def test_missing_request_id_is_rejected_before_authentication(anonymous_api):
    response = anonymous_api.client.get("/api/v1/me")
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="Request-ID", field_code="VALUE_REQUIRED"
    )


@pytest.mark.parametrize(
    "request_id",
    [
        "not-a-uuid",
        "",
        "12345",
        "00000000-0000-0000-0000-000000000000",  # version 0: outside the seed's pattern
        "9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9-extra",
        "9031d1c57d4041ddb2b87919a2fc4fe9",  # no hyphens
    ],
)
def test_malformed_request_id_is_400_invalid_value(api, request_id):
    response = api.get(INVOICES, HTTP_REQUEST_ID=request_id)
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="Request-ID", field_code="INVALID_VALUE"
    )


def test_request_id_is_echoed_in_the_response_header(api):
    request_id = str(uuid.uuid4())
    response = api.get(INVOICES, HTTP_REQUEST_ID=request_id)
    assert response.status_code == 200
    assert response["Request-ID"] == request_id


def test_request_id_is_echoed_on_an_error_response(anonymous_api):
    request_id = str(uuid.uuid4())
    response = anonymous_api.get(INVOICES, HTTP_REQUEST_ID=request_id)
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["Request-ID"] == request_id


def test_uppercase_request_id_is_accepted(api):
    request_id = str(uuid.uuid4()).upper()
    response = api.get(INVOICES, HTTP_REQUEST_ID=request_id)
    assert response.status_code == 200
    assert response["Request-ID"] == request_id


# --- URLs and methods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/invoices/", "/api/v1/invoice", "/api/v2/invoices"]
)
def test_unknown_api_path_is_404_not_found_json(api, path):
    assert_error(api.get(path), 404, "NOT_FOUND")


@pytest.mark.parametrize("suffix", ["not-a-uuid", "123", "7bdffe48-0077-4de0-acd4"])
def test_non_uuid_invoice_id_in_path_is_404_json(api, suffix):
    assert_error(api.get(f"{INVOICES}/{suffix}"), 404, "NOT_FOUND")


def test_unknown_invoice_uuid_is_404_json(api):
    assert_error(api.get(f"{INVOICES}/{uuid.uuid4()}"), 404, "NOT_FOUND")


def test_delete_on_invoice_collection_is_405(api):
    assert_error(api.delete(INVOICES), 405, "METHOD_NOT_ALLOWED")


def test_patch_on_invoice_is_405(api):
    response = api.client.patch(
        f"{INVOICES}/{uuid.uuid4()}", "{}", content_type="application/json", **api.headers()
    )
    assert_error(response, 405, "METHOD_NOT_ALLOWED")


def test_get_on_token_endpoint_is_405(anonymous_api):
    assert_error(anonymous_api.get("/api/v1/auth/token"), 405, "METHOD_NOT_ALLOWED")


def test_form_data_is_415_unsupported_media_type(api, office):
    response = api.client.post(
        INVOICES,
        {"invoicingReasonCode": "OTHER", "agencyOfficeId": str(office.id)},
        **api.headers(),
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_urlencoded_body_is_415(api):
    response = api.client.post(
        INVOICES,
        "invoicingReasonCode=OTHER",
        content_type="application/x-www-form-urlencoded",
        **api.headers(),
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_unacceptable_accept_header_is_406(api):
    assert_error(api.get(INVOICES, HTTP_ACCEPT="application/xml"), 406, "NOT_ACCEPTABLE")


# --- unparseable bodies ------------------------------------------------------------------------


def _raw_post(api, raw: str):
    return api.client.post(INVOICES, raw, content_type="application/json", **api.headers())


@pytest.mark.parametrize(
    "raw",
    ['{"invoicingReasonCode": ', "{bad json}", '{"a": NaN}', '{"a": Infinity}', "[1, 2,]"],
)
def test_malformed_json_is_400_with_body_target(api, raw):
    assert_error(
        _raw_post(api, raw), 400, "BAD_REQUEST_PARAMETERS", target="body", field_code="INVALID_TYPE"
    )


def test_empty_body_on_create_is_400_naming_the_required_fields(api):
    response = api.post(INVOICES)
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoicingReasonCode",
        field_code="VALUE_REQUIRED",
    )
    assert error_targets(response) == {"invoicingReasonCode", "invoice"}


def test_empty_object_on_create_names_the_required_fields(api):
    response = api.post(INVOICES, {})
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoicingReasonCode",
        field_code="VALUE_REQUIRED",
    )
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="invoice", field_code="VALUE_REQUIRED"
    )


def test_body_that_is_not_utf8_is_400(api):
    response = api.client.post(
        INVOICES, b'{"a": "\xff\xfe"}', content_type="application/json", **api.headers()
    )
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="body")


# --- wrong JSON types --------------------------------------------------------------------------


def _cost(body, index=0):
    return body["invoice"]["costs"][index]


def _set(path: str, value):
    """A body mutation: set the dotted *path* (``invoice.costs.0.amount``) to *value*."""

    def mutate(body):
        *parents, leaf = path.split(".")
        node = body
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(leaf)] = value
        else:
            node[leaf] = value

    return mutate


def _drop(path: str):
    def mutate(body):
        *parents, leaf = path.split(".")
        node = body
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[leaf]

    return mutate


@pytest.mark.parametrize(
    ("path", "value", "target"),
    [
        ("invoice.costs.0.amount", "1000000", "invoice.costs[0].amount"),
        ("invoice.costs.0.amount", 100.5, "invoice.costs[0].amount"),
        ("invoice.costs.0.amount", True, "invoice.costs[0].amount"),
        ("invoice.costs.2.amount", [1], "invoice.costs[2].amount"),
        ("invoice.costs.0.includesVat", "true", "invoice.costs[0].includesVat"),
        ("invoice.costs.0.includesVat", 1, "invoice.costs[0].includesVat"),
        ("invoice.costs.1.description", 5, "invoice.costs[1].description"),
        ("invoice.costs.0.vatPercentage", "25.5", "invoice.costs[0].vatPercentage"),
        ("invoice.costs.0.costTypeCode", 1, "invoice.costs[0].costTypeCode"),
        ("invoice.costs", {"amount": 1}, "invoice.costs"),
        ("invoice.costs", "COMMISSION", "invoice.costs"),
        ("invoice.agencyOfficeId", 123, "invoice.agencyOfficeId"),
        ("invoice.issueDate", 20240217, "invoice.issueDate"),
        ("invoice.downPayment", "250000", "invoice.downPayment"),
        ("invoice.downPayment", 2500.5, "invoice.downPayment"),
        ("invoice.discount.includesVat", "yes", "invoice.discount.includesVat"),
        (
            "invoice.invoicedParties.parties.0.partyId",
            5,
            "invoice.invoicedParties.parties[0].partyId",
        ),
        ("invoice.invoicedParties.parties", {}, "invoice.invoicedParties.parties"),
        ("invoice.terms.noticePeriod", "8", "invoice.terms.noticePeriod"),
        ("invoice.billingAddress.postcode", 33100, "invoice.billingAddress.postcode"),
        ("invoice", "an invoice", "invoice"),
        ("invoicingReasonCode", ["CLEARING_SALE"], "invoicingReasonCode"),
        ("tradeSettlementId", 42, "tradeSettlementId"),
    ],
)
def test_wrong_json_type_is_invalid_type_with_dotted_target(api, seed_body, path, value, target):
    _set(path, value)(seed_body)
    response = api.post(INVOICES, seed_body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=target, field_code="INVALID_TYPE")


def test_two_type_errors_are_reported_together(api, seed_body):
    _cost(seed_body, 0)["amount"] = "1"
    _cost(seed_body, 1)["includesVat"] = "false"
    response = api.post(INVOICES, seed_body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS")
    assert {"invoice.costs[0].amount", "invoice.costs[1].includesVat"} <= error_targets(response)


# --- missing required --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("invoicingReasonCode", "invoicingReasonCode"),
        ("invoice", "invoice"),
        ("invoice.agencyOfficeId", "invoice.agencyOfficeId"),
        ("invoice.costs.0.amount", "invoice.costs[0].amount"),
        ("invoice.costs.1.costTypeCode", "invoice.costs[1].costTypeCode"),
        ("invoice.costs.0.vatPercentage", "invoice.costs[0].vatPercentage"),
        ("invoice.discount.amount", "invoice.discount.amount"),
        ("invoice.invoicedParties.parties", "invoice.invoicedParties.parties"),
        ("invoice.paymentAccounts.0.iban", "invoice.paymentAccounts[0].iban"),
        (
            "invoice.terms.invoicing.invoicingMethodCode",
            "invoice.terms.invoicing.invoicingMethodCode",
        ),
    ],
)
def test_missing_required_field_is_value_required(api, seed_body, path, target):
    _drop(path)(seed_body)
    response = api.post(INVOICES, seed_body)
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target=target, field_code="VALUE_REQUIRED"
    )


def test_null_required_field_is_value_required(api, seed_body):
    _cost(seed_body)["amount"] = None
    response = api.post(INVOICES, seed_body)
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoice.costs[0].amount",
        field_code="VALUE_REQUIRED",
    )


def test_value_required_message_names_the_field(api, seed_body):
    del seed_body["invoicingReasonCode"]
    body = assert_error(api.post(INVOICES, seed_body), 400, "BAD_REQUEST_PARAMETERS")
    (error,) = [e for e in body["errors"] if e["target"] == "invoicingReasonCode"]
    assert "invoicingReasonCode" in error["message"]


# --- never a 500 -------------------------------------------------------------------------------


def dotted(path: str) -> str:
    """``invoice.costs.0.amount`` -> ``invoice.costs[0].amount`` (the error target)."""
    return re.sub(r"\.(\d+)", r"[\1]", path)


# (case, path, bad value): each must be a 400 whose errors name the path.
BAD_VALUES = [
    ("null invoice", "invoice", None),
    ("huge integer amount", "invoice.costs.0.amount", 10**20),
    ("huge integer down payment", "invoice.downPayment", 10**20),
    ("negative down payment", "invoice.downPayment", -1),
    ("negative deduction", "invoice.deduction", -1),
    ("negative discount", "invoice.discount.amount", -100),
    ("vat percentage 101", "invoice.costs.0.vatPercentage", 101),
    ("vat percentage -1", "invoice.costs.0.vatPercentage", -1),
    ("vat percentage three decimals", "invoice.costs.0.vatPercentage", 25.555),
    ("vat percentage 1e300", "invoice.costs.0.vatPercentage", 1e300),
    ("invalid date 2024-02-30", "invoice.issueDate", "2024-02-30"),
    ("date in another format", "invoice.dueDate", "02.03.2024"),
    ("unknown currency XXX", "invoice.currencyCode", "XXX"),
    ("unknown cost type", "invoice.costs.0.costTypeCode", "BRIBE"),
    ("unknown reason", "invoicingReasonCode", "BECAUSE"),
    ("unknown payment terms", "invoice.terms.paymentTerms.paymentTermsCode", "NET_1"),
    ("unknown invoicing method", "invoice.terms.invoicing.invoicingMethodCode", "PIGEON"),
    ("agencyOfficeId not a uuid", "invoice.agencyOfficeId", "helsinki"),
    ("partyId not a uuid", "invoice.invoicedParties.parties.0.partyId", "matti"),
    ("null cost", "invoice.costs.0", None),
    ("cost that is a number", "invoice.costs.0", 7),
    ("description too long", "invoice.costs.0.description", "x" * 501),
    ("notice period 366", "invoice.terms.noticePeriod", 366),
    ("country code of three letters", "invoice.billingAddress.countryCode", "FIN"),
    ("source time not a time", "invoice.sourceSystemCreationTime", "yesterday"),
    ("seed IBAN with a bad checksum", "invoice.paymentAccounts.0.iban", "FI2180000012345678"),
    ("invalid BIC", "invoice.paymentAccounts.0.bic", "NOTABIC"),
    ("unknown responsible agent", "invoice.responsibleAgentId", str(uuid.uuid4())),
    ("unknown party", "invoice.invoicedParties.parties.0.partyId", str(uuid.uuid4())),
    ("due before issue", "invoice.dueDate", "2024-02-16"),
]


def _post_raw(api, body):
    return api.client.post(
        INVOICES, json.dumps(body), content_type="application/json", **api.headers()
    )


@pytest.mark.parametrize(
    ("path", "value"), [pytest.param(path, value, id=case) for case, path, value in BAD_VALUES]
)
def test_bad_value_in_create_body_is_400_naming_it_never_500(api, seed_body, path, value):
    _set(path, value)(seed_body)
    assert_error(_post_raw(api, seed_body), 400, "BAD_REQUEST_PARAMETERS", target=dotted(path))


@pytest.mark.parametrize(
    "body",
    [[], ["invoice"], "invoice", 42, None, True],
    ids=["empty list", "list", "string", "number", "null", "boolean"],
)
def test_body_that_is_not_an_object_is_400_on_body(api, body):
    assert_error(_post_raw(api, body), 400, "BAD_REQUEST_PARAMETERS", target="body")


def test_list_of_valid_invoices_is_400_on_body(api, seed_body):
    assert_error(_post_raw(api, [seed_body]), 400, "BAD_REQUEST_PARAMETERS", target="body")


def test_more_than_500_costs_is_400(api, seed_body):
    seed_body["invoice"]["costs"] = [copy.deepcopy(_cost(seed_body)) for _ in range(501)]
    assert_error(
        _post_raw(api, seed_body),
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoice.costs",
        field_code="INVALID_VALUE",
    )


def test_reverse_charge_cost_that_includes_vat_is_400(api, seed_body):
    _cost(seed_body).update(reverseCharge=True, includesVat=True)
    assert_error(
        _post_raw(api, seed_body),
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoice.costs[0].reverseCharge",
        field_code="INVALID_VALUE",
    )


def test_einvoicing_without_einvoicing_details_is_400(api, seed_body):
    del seed_body["invoice"]["terms"]["invoicing"]["eInvoicing"]
    assert_error(
        _post_raw(api, seed_body),
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoice.terms.invoicing.eInvoicing",
        field_code="VALUE_REQUIRED",
    )
