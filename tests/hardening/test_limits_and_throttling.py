"""Rate limits, request limits, mass assignment and optimistic concurrency."""

import json
import os
import uuid

import pytest

from invoices.models import Invoice
from tests.conftest import Api


@pytest.fixture
def low_rate(settings):
    settings.API_THROTTLE_RATE = "3/min"


def test_api_rate_limit_is_429_with_retry_after(api, low_rate):
    statuses = [api.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/me")
    assert response.json()["errorCode"] == "TOO_MANY_REQUESTS"
    assert int(response["Retry-After"]) > 0


def test_rate_limit_is_per_agent(api, approver, low_rate):
    for _ in range(3):
        api.get("/api/v1/me")
    assert api.get("/api/v1/me").status_code == 429
    assert Api(approver).get("/api/v1/me").status_code == 200


def test_password_guessing_on_one_username_is_throttled(anonymous_api, clerk, settings):
    settings.LOGIN_THROTTLE_RATE_PER_USERNAME = "5/min"
    settings.LOGIN_THROTTLE_RATE_PER_IP = "100/min"
    body = {"username": "clerk", "password": "wrong"}
    statuses = [anonymous_api.post("/api/v1/auth/token", body).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    # the right password does not get through the limit either
    good = anonymous_api.post(
        "/api/v1/auth/token", {"username": "CLERK", "password": "test-password-1"}
    )
    assert good.status_code == 429


def test_token_attempts_per_address_are_throttled(db, anonymous_api, settings):
    settings.LOGIN_THROTTLE_RATE_PER_IP = "3/min"
    statuses = [
        anonymous_api.post("/api/v1/auth/token", {"username": f"u{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_a_body_over_the_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.client.post(
        "/api/v1/invoices",
        json.dumps({"pad": "x" * 2000}),
        content_type="application/json",
        **api.headers(),
    )
    assert response.status_code == 413
    assert response.json()["errorCode"] == "PAYLOAD_TOO_LARGE"


def test_deeply_nested_json_is_400_not_a_crash(api):
    body = "[" * 5000 + "]" * 5000
    response = api.client.post(
        "/api/v1/invoices", body, content_type="application/json", **api.headers()
    )
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]


def test_too_many_lines_is_400(api, seed_body, settings):
    cost = seed_body["invoice"]["costs"][0]
    seed_body["invoice"]["costs"] = [cost] * (settings.INVOICING_MAX_LINES + 1)
    response = api.post("/api/v1/invoices", seed_body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["target"] == "invoice.costs"


@pytest.mark.parametrize(
    ("params", "target"),
    [
        ({"size": "501"}, "size"),
        ({"freeTextSearch": "ab"}, "freeTextSearch"),
        ({"freeTextSearch": "x" * 51}, "freeTextSearch"),
        ({"invoiceNumber": "9" * 101}, "invoiceNumber"),
    ],
)
def test_search_limits_are_400(api, params, target):
    response = api.get("/api/v1/invoices", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["target"] == target


def test_server_owned_fields_cannot_be_set_on_create(api, seed_body):
    seed_body.update(
        {
            "statusCode": "APPROVED",
            "invoiceId": "00000000-0000-4000-8000-000000000000",
            "isPaid": True,
        }
    )
    seed_body["invoice"].update(
        {
            "invoiceNumber": "666",
            "referenceNumber": "1232",
            "totalInvoicedAmount": {"vatIncluded": 1, "vatExcluded": 1},
            "creationTime": "2000-01-01T00:00:00Z",
        }
    )
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    body = api.get(f"/api/v1/invoices/{invoice_id}").json()
    assert invoice_id != "00000000-0000-4000-8000-000000000000"
    assert body["statusCode"] == "DRAFT"
    assert body["isPaid"] is False
    assert body["invoice"]["invoiceNumber"] is None
    assert body["totalInvoicedAmount"] == {"vatIncluded": 1025000, "vatExcluded": 816734}
    assert not body["creationTime"].startswith("2000")


def test_get_has_an_etag_and_a_stale_if_match_is_412(api, seed_body):
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    etag = api.get(f"/api/v1/invoices/{invoice_id}")["ETag"]
    assert etag.startswith('"')
    update = {"invoiceTypeCode": "INVOICE", **seed_body}
    first = api.put(f"/api/v1/invoices/{invoice_id}", update, HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = api.put(f"/api/v1/invoices/{invoice_id}", update, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["errorCode"] == "PRECONDITION_FAILED"
    assert (
        api.put(f"/api/v1/invoices/{invoice_id}", update, HTTP_IF_MATCH=first["ETag"]).status_code
        == 200
    )
    assert api.put(f"/api/v1/invoices/{invoice_id}", update, HTTP_IF_MATCH="*").status_code == 200


def test_a_database_error_in_the_middle_of_a_create_leaves_nothing(api, seed_body, monkeypatch):
    from invoices import services

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.InvoicePaymentAccount.objects, "bulk_create", broken)
    response = api.post("/api/v1/invoices", seed_body)
    assert response.status_code == 500
    assert response.json()["errorCode"] == "INTERNAL_ERROR"
    assert Invoice.objects.count() == 0
    from invoices.models import InvoiceEvent, InvoiceLine, InvoiceParty

    assert (
        InvoiceLine.objects.count()
        == InvoiceParty.objects.count()
        == InvoiceEvent.objects.count()
        == 0
    )


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")
def test_rate_limits_are_counted_in_redis_when_configured(api, settings):
    import redis

    prefix = f"throttle-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    settings.API_THROTTLE_RATE = "2/min"
    assert [api.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = client.keys(f"{prefix}:*throttle_agent_*")
    assert keys, "the throttle history is not in Redis"
    client.delete(*keys)


def test_the_rate_limit_counts_in_fixed_windows(api, low_rate, monkeypatch):
    from invoicing_project.api.throttling import AgentRateThrottle

    now = [1_800_000_000.0 - 30]  # 30 s before a minute boundary
    monkeypatch.setattr(AgentRateThrottle, "timer", lambda self: now[0])
    assert [api.get("/api/v1/me").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert api.get("/api/v1/me")["Retry-After"] == "30"
    now[0] += 29.5
    assert api.get("/api/v1/me")["Retry-After"] == "1"
    now[0] += 1  # the next minute: a fresh allowance
    assert [api.get("/api/v1/me").status_code for _ in range(4)] == [200, 200, 200, 429]
