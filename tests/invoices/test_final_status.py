"""PUT /api/v1/invoices/{id}/finalStatus: the migration override of the primary seed."""

import copy

import pytest

from invoices.models import Invoice
from invoices.references import is_valid_finnish_reference, is_valid_rf_reference
from offices.choices import Role
from tests.conftest import Api, seed_create_body
from tests.factories import member

from .lifecycle_helpers import (
    INVOICES,
    act_ok,
    assert_error,
    create_invoice,
    credit_note_body,
    get_invoice,
    make_invoice_in_state,
)

SEED_FINAL_STATUS = {
    "invoiceTypeCode": "INVOICE",
    "invoice": {
        "invoiceDocumentId": "438a5607-14df-4069-bc06-d10eee996433",
        "statusCode": "APPROVED",
        "invoiceNumber": "4900000019",
        "referenceNumber": "4900000019061",
        "isPaid": True,
        "paidDate": "2023-02-01",
        "approvedDate": "2023-01-01",
        "issueDate": "2023-01-01",
    },
}


def final_status_body(**invoice_overrides) -> dict:
    body = copy.deepcopy(SEED_FINAL_STATUS)
    body["invoice"].update(invoice_overrides)
    return body


@pytest.fixture
def migration_agent(office):
    return member(office, Role.MIGRATION, username="migration")


@pytest.fixture
def migration_api(migration_agent):
    return Api(migration_agent)


@pytest.fixture
def draft_id(migration_api, seed_body):
    return create_invoice(migration_api, seed_body)


def put_final_status(api, invoice_id, body=None):
    return api.put(f"{INVOICES}/{invoice_id}/finalStatus", body or final_status_body())


def test_seed_reference_number_is_a_valid_finnish_reference():
    assert is_valid_finnish_reference(SEED_FINAL_STATUS["invoice"]["referenceNumber"])


def test_migration_user_overrides_a_draft_with_the_seed_body(migration_api, draft_id):
    response = put_final_status(migration_api, draft_id)
    assert response.status_code == 200, response.json()
    assert response.json() == {}
    body = get_invoice(migration_api, draft_id)
    assert body["statusCode"] == "APPROVED"
    assert body["invoice"]["invoiceNumber"] == "4900000019"
    assert body["invoice"]["referenceNumber"] == "4900000019061"
    assert body["isPaid"] is True
    assert body["paidDate"] == "2023-02-01"
    assert body["approvedDate"] == "2023-01-01"
    assert body["invoice"]["issueDate"] == "2023-01-01"
    assert body["invoiceDocumentId"] == "438a5607-14df-4069-bc06-d10eee996433"


def test_override_does_not_touch_the_office_sequence(migration_api, draft_id, office):
    put_final_status(migration_api, draft_id)
    office.refresh_from_db()
    assert office.next_sequence_number == 1


@pytest.mark.parametrize("state", ["READY_FOR_APPROVAL", "REJECTED"])
def test_override_from_a_locked_or_rejected_state(migration_api, approver, seed_body, state):
    invoice_id = make_invoice_in_state(Api(approver), seed_body, state)
    response = put_final_status(migration_api, invoice_id)
    assert response.status_code == 200, response.json()
    assert get_invoice(migration_api, invoice_id)["statusCode"] == "APPROVED"


def test_override_to_credited(migration_api, draft_id):
    response = put_final_status(migration_api, draft_id, final_status_body(statusCode="CREDITED"))
    assert response.status_code == 200, response.json()
    assert get_invoice(migration_api, draft_id)["statusCode"] == "CREDITED"


def test_unpaid_override_without_paid_date(migration_api, draft_id):
    body = final_status_body(isPaid=False)
    del body["invoice"]["paidDate"]
    response = put_final_status(migration_api, draft_id, body)
    assert response.status_code == 200, response.json()
    invoice = get_invoice(migration_api, draft_id)
    assert (invoice["isPaid"], invoice["paidDate"]) == (False, None)


@pytest.mark.parametrize("role", [Role.CLERK, Role.APPROVER, Role.ADMIN])
def test_only_the_migration_role_may_override(office, draft_id, role):
    response = put_final_status(Api(member(office, role)), draft_id)
    assert_error(response, 403, "FORBIDDEN")
    invoice = Invoice.objects.get(pk=draft_id)
    assert (invoice.status_code, invoice.invoice_number) == ("DRAFT", None)


def test_override_of_another_offices_invoice_is_404(draft_id, other_office):
    outsider = Api(member(other_office, Role.MIGRATION))
    assert_error(put_final_status(outsider, draft_id), 404, "NOT_FOUND")


def test_reference_with_a_wrong_check_digit_is_400(migration_api, draft_id):
    body = final_status_body(referenceNumber="4900000019062")
    response = put_final_status(migration_api, draft_id, body)
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="invoice.referenceNumber",
        field_code="INVALID_VALUE",
    )
    assert Invoice.objects.get(pk=draft_id).status_code == "DRAFT"


@pytest.mark.parametrize("reference", ["RF18539007547034", "RF18 5390 0754 7034"])
def test_rf_reference_is_accepted(migration_api, draft_id, reference):
    assert is_valid_rf_reference(reference.replace(" ", ""))
    response = put_final_status(
        migration_api, draft_id, final_status_body(referenceNumber=reference)
    )
    assert response.status_code == 200, response.json()
    assert get_invoice(migration_api, draft_id)["invoice"]["referenceNumber"] == "RF18539007547034"


def test_rf_reference_with_a_wrong_check_is_400(migration_api, draft_id):
    response = put_final_status(
        migration_api, draft_id, final_status_body(referenceNumber="RF19539007547034")
    )
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="invoice.referenceNumber")


def test_duplicate_invoice_number_in_the_office_is_409_conflict(migration_api, seed_body, draft_id):
    assert put_final_status(migration_api, draft_id).status_code == 200
    second = create_invoice(migration_api, seed_body)
    assert_error(put_final_status(migration_api, second), 409, "CONFLICT")
    assert Invoice.objects.get(pk=second).status_code == "DRAFT"


def test_number_taken_by_a_lock_cannot_be_migrated_again(migration_api, api, seed_body, draft_id):
    locked = create_invoice(api, seed_body)
    act_ok(api, locked, "LOCK")
    number = Invoice.objects.get(pk=locked).invoice_number
    reference = Invoice.objects.get(pk=locked).reference_number
    body = final_status_body(invoiceNumber=number, referenceNumber=reference)
    assert_error(put_final_status(migration_api, draft_id, body), 409, "CONFLICT")


def test_same_number_in_another_office_is_allowed(
    migration_api, draft_id, other_office, other_party
):
    assert put_final_status(migration_api, draft_id).status_code == 200
    other_migration = Api(member(other_office, Role.MIGRATION))
    other_id = create_invoice(other_migration, seed_create_body(other_office, other_party))
    response = put_final_status(other_migration, other_id)
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("state", ["APPROVED", "APPROVED_PAID", "CREDITED"])
def test_override_of_a_final_invoice_is_409(migration_api, approver, seed_body, state):
    invoice_id = make_invoice_in_state(Api(approver), seed_body, state)
    before = Invoice.objects.get(pk=invoice_id)
    assert_error(put_final_status(migration_api, invoice_id), 409, "INVALID_STATE")
    after = Invoice.objects.get(pk=invoice_id)
    assert (after.status_code, after.invoice_number) == (before.status_code, before.invoice_number)


def test_override_of_a_credit_note_never_leaves_its_original_uncredited(
    migration_api, approver, seed_body
):
    approver_api = Api(approver)
    original_id = make_invoice_in_state(approver_api, seed_body, "APPROVED")
    response = approver_api.post(f"{INVOICES}/{original_id}/creditNotes", credit_note_body())
    credit_note_id = response.json()["invoiceId"]
    body = {"invoiceTypeCode": "CREDIT_NOTE", "invoice": {**SEED_FINAL_STATUS["invoice"]}}
    response = put_final_status(migration_api, credit_note_id, body)
    # Either the override is refused, or the original follows its credit note.
    if response.status_code == 200:
        assert get_invoice(approver_api, credit_note_id)["statusCode"] == "APPROVED"
        assert get_invoice(approver_api, original_id)["statusCode"] == "CREDITED"
    else:
        assert response.status_code in (400, 409), response.json()
        assert get_invoice(approver_api, credit_note_id)["statusCode"] == "DRAFT"


def test_override_is_recorded_in_history_with_the_agent(migration_api, migration_agent, draft_id):
    put_final_status(migration_api, draft_id)
    events = migration_api.get(f"{INVOICES}/{draft_id}/history").json()["events"]
    assert [e["actionTypeCode"] for e in events] == ["CREATE", "FINAL_STATUS_OVERRIDE"]
    override = events[-1]
    assert override["fromStatusCode"] == "DRAFT"
    assert override["toStatusCode"] == "APPROVED"
    assert override["agentId"] == str(migration_agent.id)


@pytest.mark.parametrize(
    ("change", "target"),
    [
        ({"invoiceTypeCode": "CREDIT_NOTE"}, "invoiceTypeCode"),
        ({"invoice": {"statusCode": "DRAFT"}}, "invoice.statusCode"),
        ({"invoice": {"isPaid": True, "paidDate": None}}, "invoice.paidDate"),
        ({"invoice": {"isPaid": False}}, "invoice.paidDate"),
        ({"invoice": {"invoiceNumber": ""}}, "invoice.invoiceNumber"),
        ({"invoice": {"referenceNumber": 4900000019061}}, "invoice.referenceNumber"),
        ({"invoice": {"paidDate": "01.02.2023"}}, "invoice.paidDate"),
    ],
    ids=[
        "type-mismatch",
        "status-draft",
        "paid-without-date",
        "unpaid-with-date",
        "empty-number",
        "numeric-reference",
        "bad-date",
    ],
)
def test_bad_final_status_body_is_400(migration_api, draft_id, change, target):
    body = final_status_body(**change.get("invoice", {}))
    if "invoiceTypeCode" in change:
        body["invoiceTypeCode"] = change["invoiceTypeCode"]
    assert_error(
        put_final_status(migration_api, draft_id, body),
        400,
        "BAD_REQUEST_PARAMETERS",
        target=target,
    )
    assert Invoice.objects.get(pk=draft_id).status_code == "DRAFT"
