"""Idempotency-Key on POST: replay, conflicts, scope, expiry, concurrency."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from invoices.models import Invoice
from invoicing_project.api import idempotency
from offices.models import IdempotencyRecord
from tests.conftest import Api


def test_same_key_same_body_replays_and_creates_once(api, seed_body):
    key = str(uuid.uuid4())
    first = api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key)
    second = api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert second["Location"] == first["Location"]
    assert Invoice.objects.count() == 1


def test_same_key_other_body_is_409_in_the_error_shape(api, seed_body):
    key = "order-42"
    assert api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    seed_body["invoice"]["downPayment"] = 1
    response = api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 409
    body = response.json()
    assert body["errorCode"] == "CONFLICT"
    assert body["errors"][0]["target"] == "Idempotency-Key"
    assert Invoice.objects.count() == 1


def test_keys_are_scoped_per_agent(api, seed_body, office):
    from offices.choices import Role
    from tests.factories import member

    other = Api(member(office, Role.CLERK))
    key = "shared-key"
    assert api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert other.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert Invoice.objects.count() == 2


def test_a_replayed_error_is_the_same_error(api, seed_body):
    seed_body["invoice"]["dueDate"] = "2024-01-01"
    first = api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY="bad-one")
    second = api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY="bad-one")
    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"


def test_actions_are_not_done_twice(api, seed_body):
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    body = {"actionTypeCode": "LOCK"}
    assert (
        api.post(
            f"/api/v1/invoices/{invoice_id}/actions", body, HTTP_IDEMPOTENCY_KEY="k"
        ).status_code
        == 200
    )
    again = api.post(f"/api/v1/invoices/{invoice_id}/actions", body, HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 200  # without the key this would be 409 INVALID_STATE
    assert again["Idempotent-Replayed"] == "true"


def test_an_overlong_key_is_400(api, seed_body):
    response = api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400
    assert response.json()["errors"][0]["target"] == "Idempotency-Key"


def test_expired_keys_are_cleaned_up_and_can_be_reused(api, seed_body):
    key = "yesterday"
    assert api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert api.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    assert Invoice.objects.count() == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency.cleanup() == 1
    assert not IdempotencyRecord.objects.exists()


def test_cleanup_task_is_scheduled_hourly(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["idempotency-cleanup"]
    assert schedule["task"] == "offices.cleanup_idempotency_keys"
    from offices.tasks import cleanup_idempotency_keys

    assert cleanup_idempotency_keys.name == schedule["task"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_exactly_one_invoice(clerk, seed_body):
    apis = [Api(clerk) for _ in range(6)]
    barrier = threading.Barrier(len(apis))
    results = []

    def post(client):
        barrier.wait()
        try:
            results.append(client.post("/api/v1/invoices", seed_body, HTTP_IDEMPOTENCY_KEY="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Invoice.objects.count() == 1
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] * 6, [r.json() for r in results]
    assert len({r.json()["invoiceId"] for r in results}) == 1
