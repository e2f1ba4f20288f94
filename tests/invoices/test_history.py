"""GET /api/v1/invoices/{id}/history and the append-only audit trail behind it."""

import uuid
from datetime import datetime

import pytest
from django.db import transaction

from invoices.models import InvoiceEvent
from offices.choices import Role
from tests.conftest import Api
from tests.factories import member

from .lifecycle_helpers import (
    INVOICES,
    act,
    act_ok,
    assert_error,
    create_credit_note,
    create_invoice,
    make_invoice_in_state,
)

EVENT_KEYS = {"actionTypeCode", "fromStatusCode", "toStatusCode", "agentId", "time", "requestId"}


@pytest.fixture
def approver_api(approver):
    return Api(approver)


def history(api, invoice_id) -> list[dict]:
    response = api.get(f"{INVOICES}/{invoice_id}/history")
    assert response.status_code == 200, response.json()
    assert set(response.json()) == {"events"}
    return response.json()["events"]


def test_new_invoice_history_starts_with_create(api, clerk, seed_body):
    request_id = str(uuid.uuid4())
    response = api.post(INVOICES, seed_body, HTTP_REQUEST_ID=request_id)
    invoice_id = response.json()["invoiceId"]
    [create] = history(api, invoice_id)
    assert set(create) >= EVENT_KEYS
    assert create["actionTypeCode"] == "CREATE"
    assert create["fromStatusCode"] is None
    assert create["toStatusCode"] == "DRAFT"
    assert create["agentId"] == str(clerk.id)
    assert create["requestId"] == request_id


def test_history_lists_every_transition_oldest_first(api, approver_api, clerk, approver, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    act_ok(approver_api, invoice_id, "REJECT")
    act_ok(api, invoice_id, "UNLOCK")
    act_ok(api, invoice_id, "LOCK")
    act_ok(approver_api, invoice_id, "APPROVE")
    act_ok(approver_api, invoice_id, "MARK_AS_PAID")
    act_ok(approver_api, invoice_id, "MARK_AS_UNPAID")
    events = history(api, invoice_id)
    steps = [
        (e["actionTypeCode"], e["fromStatusCode"], e["toStatusCode"], e["agentId"]) for e in events
    ]
    c, a = str(clerk.id), str(approver.id)
    assert steps == [
        ("CREATE", None, "DRAFT", c),
        ("LOCK", "DRAFT", "READY_FOR_APPROVAL", c),
        ("REJECT", "READY_FOR_APPROVAL", "REJECTED", a),
        ("UNLOCK", "REJECTED", "DRAFT", c),
        ("LOCK", "DRAFT", "READY_FOR_APPROVAL", c),
        ("APPROVE", "READY_FOR_APPROVAL", "APPROVED", a),
        ("MARK_AS_PAID", "APPROVED", "APPROVED", a),
        ("MARK_AS_UNPAID", "APPROVED", "APPROVED", a),
    ]
    times = [datetime.fromisoformat(e["time"].replace("Z", "+00:00")) for e in events]
    assert times == sorted(times)
    assert all(e["time"].endswith("Z") for e in events)


def test_each_transition_records_the_clients_request_id(api, approver_api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    sent = {}
    for client, action in ((api, "LOCK"), (approver_api, "APPROVE")):
        sent[action] = str(uuid.uuid4())
        response = act(client, invoice_id, action, headers={"HTTP_REQUEST_ID": sent[action]})
        assert response.status_code == 200
        assert response["Request-ID"] == sent[action]
    recorded = {e["actionTypeCode"]: e["requestId"] for e in history(api, invoice_id)}
    assert recorded["LOCK"] == sent["LOCK"]
    assert recorded["APPROVE"] == sent["APPROVE"]


def test_lock_event_carries_the_assigned_number(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    lock = history(api, invoice_id)[-1]
    invoice = api.get(f"{INVOICES}/{invoice_id}").json()["invoice"]
    assert lock["details"]["invoiceNumber"] == invoice["invoiceNumber"]
    assert lock["details"]["referenceNumber"] == invoice["referenceNumber"]


def test_refused_actions_leave_no_event(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    assert act(api, invoice_id, "APPROVE").status_code == 403
    assert act(api, invoice_id, "UNLOCK").status_code == 409
    assert [e["actionTypeCode"] for e in history(api, invoice_id)] == ["CREATE"]


def test_crediting_records_create_on_the_note_and_credit_on_the_original(
    approver_api, approver, seed_body
):
    invoice_id = make_invoice_in_state(approver_api, seed_body, "APPROVED")
    request_id = str(uuid.uuid4())
    credit_note_id = create_credit_note(approver_api, invoice_id)
    act_ok(approver_api, credit_note_id, "LOCK")
    approve = act(approver_api, credit_note_id, "APPROVE", headers={"HTTP_REQUEST_ID": request_id})
    assert approve.status_code == 200, approve.json()

    note_events = history(approver_api, credit_note_id)
    assert [e["actionTypeCode"] for e in note_events] == ["CREATE", "LOCK", "APPROVE"]
    assert note_events[0]["fromStatusCode"] is None
    assert note_events[0]["details"]["creditedInvoiceId"] == invoice_id

    credit = history(approver_api, invoice_id)[-1]
    assert credit["actionTypeCode"] == "CREDIT"
    assert (credit["fromStatusCode"], credit["toStatusCode"]) == ("APPROVED", "CREDITED")
    assert credit["agentId"] == str(approver.id)
    assert credit["requestId"] == request_id
    assert credit["details"]["creditNoteId"] == credit_note_id


def test_history_of_another_offices_invoice_is_404(api, seed_body, other_office):
    invoice_id = create_invoice(api, seed_body)
    outsider = Api(member(other_office, Role.APPROVER))
    assert_error(outsider.get(f"{INVOICES}/{invoice_id}/history"), 404, "NOT_FOUND")


def test_history_of_an_unknown_invoice_is_404(api):
    response = api.get(f"{INVOICES}/ddc25849-7bc7-43c0-9c3b-602cb03f7806/history")
    assert_error(response, 404, "NOT_FOUND")


def test_history_is_readable_by_every_role_of_the_office(api, office, seed_body):
    invoice_id = create_invoice(api, seed_body)
    for role in (Role.APPROVER, Role.ADMIN, Role.MIGRATION):
        assert len(history(Api(member(office, role)), invoice_id)) == 1


# --- append-only -------------------------------------------------------------------------------


@pytest.fixture
def event(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    return InvoiceEvent.objects.filter(invoice_id=invoice_id).last()


def test_saving_an_existing_event_raises(event):
    event.to_status_code = "APPROVED"
    with pytest.raises(TypeError):
        event.save()
    event.refresh_from_db()
    assert event.to_status_code == "READY_FOR_APPROVAL"


def test_queryset_update_of_events_raises(event):
    with pytest.raises(TypeError):
        InvoiceEvent.objects.update(to_status_code="APPROVED")
    with pytest.raises(TypeError):
        InvoiceEvent.objects.filter(pk=event.pk).update(agent=None)
    with pytest.raises(TypeError):
        event.invoice.events.update(request_id="")
    assert InvoiceEvent.objects.get(pk=event.pk).to_status_code == "READY_FOR_APPROVAL"


def test_queryset_delete_of_events_raises(event):
    count = InvoiceEvent.objects.count()
    with pytest.raises(TypeError):
        InvoiceEvent.objects.all().delete()
    with pytest.raises(TypeError):
        InvoiceEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        event.invoice.events.all().delete()
    assert InvoiceEvent.objects.count() == count


def test_bulk_update_of_events_raises(event):
    event.request_id = "forged"
    with pytest.raises(TypeError), transaction.atomic():
        InvoiceEvent.objects.bulk_update([event], ["request_id"])
    assert InvoiceEvent.objects.get(pk=event.pk).request_id != "forged"


def test_deleting_one_event_instance_raises(event):
    with pytest.raises(TypeError):
        event.delete()
    assert InvoiceEvent.objects.filter(pk=event.pk).exists()
