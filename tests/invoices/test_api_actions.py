"""POST /api/v1/invoices/{id}/actions: the state x action table, roles, completeness checks."""

from datetime import date

import pytest
from django.utils import timezone

from invoices import lifecycle
from invoices.models import Invoice
from offices.choices import Role
from offices.models import AgencyOffice
from tests.conftest import Api, seed_create_body
from tests.factories import member

from .lifecycle_helpers import (
    ACTIONS,
    INVOICES,
    STATES,
    act,
    act_ok,
    assert_error,
    create_invoice,
    get_invoice,
    make_invoice_in_state,
    service_draft,
)


@pytest.fixture
def approver_api(approver):
    return Api(approver)


# (state, action) -> (resulting statusCode, resulting isPaid) for the pairs that succeed;
# every other pair is 409 INVALID_STATE and leaves the invoice as it was.
SUCCEEDS = {
    ("DRAFT", "LOCK"): ("READY_FOR_APPROVAL", False),
    ("READY_FOR_APPROVAL", "UNLOCK"): ("DRAFT", False),
    ("READY_FOR_APPROVAL", "APPROVE"): ("APPROVED", False),
    ("READY_FOR_APPROVAL", "REJECT"): ("REJECTED", False),
    ("APPROVED", "MARK_AS_PAID"): ("APPROVED", True),
    ("APPROVED_PAID", "MARK_AS_UNPAID"): ("APPROVED", False),
    ("REJECTED", "UNLOCK"): ("DRAFT", False),
}
STATE_AS_STORED = {
    "APPROVED_PAID": ("APPROVED", True),
    "CREDITED": ("CREDITED", False),
}
TABLE = [
    pytest.param(
        state,
        action,
        *((200, *SUCCEEDS[(state, action)]) if (state, action) in SUCCEEDS else (409, None, None)),
        id=f"{state}-{action}",
    )
    for state in STATES
    for action in ACTIONS
]


def test_state_action_table_has_36_rows():
    assert len(TABLE) == 36


@pytest.mark.parametrize(("state", "action", "status", "to_status", "to_paid"), TABLE)
def test_state_action_table(
    approver_api, office, party, approver, state, action, status, to_status, to_paid
):
    invoice_id = make_invoice_in_state(
        approver_api, seed_create_body(office, party, approver), state
    )
    before_status, before_paid = STATE_AS_STORED.get(state, (state, False))

    response = act(approver_api, invoice_id, action)

    body = get_invoice(approver_api, invoice_id)
    if status == 200:
        assert response.status_code == 200, response.json()
        assert response.json() == {}
        assert (body["statusCode"], body["isPaid"]) == (to_status, to_paid)
    else:
        error = assert_error(response, 409, "INVALID_STATE")
        assert before_status in error["description"]
        assert (body["statusCode"], body["isPaid"]) == (before_status, before_paid)


def test_lock_answers_200_with_an_empty_object(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    response = act(api, invoice_id, "LOCK")
    assert response.status_code == 200
    assert response.json() == {}
    assert get_invoice(api, invoice_id)["statusCode"] == "READY_FOR_APPROVAL"


@pytest.mark.parametrize(
    ("body", "field_code"),
    [
        ({"actionTypeCode": "PUBLISH"}, "INVALID_VALUE"),
        ({"actionTypeCode": "lock"}, "INVALID_VALUE"),
        ({"actionTypeCode": "CREDIT"}, "INVALID_VALUE"),
        ({"actionTypeCode": "FINAL_STATUS_OVERRIDE"}, "INVALID_VALUE"),
        ({"actionTypeCode": 1}, "INVALID_TYPE"),
        ({}, "VALUE_REQUIRED"),
    ],
    ids=["unknown", "lowercase", "system-credit", "system-override", "number", "missing"],
)
def test_bad_action_code_is_400_targeting_action_type_code(api, seed_body, body, field_code):
    invoice_id = create_invoice(api, seed_body)
    response = api.post(f"{INVOICES}/{invoice_id}/actions", body)
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="actionTypeCode", field_code=field_code
    )
    assert get_invoice(api, invoice_id)["statusCode"] == "DRAFT"


def test_invalid_state_names_the_state_and_the_allowed_actions(approver_api, seed_body):
    invoice_id = create_invoice(approver_api, seed_body)
    error = assert_error(act(approver_api, invoice_id, "APPROVE"), 409, "INVALID_STATE")
    assert "DRAFT" in error["description"]
    assert "LOCK" in error["description"]

    act_ok(approver_api, invoice_id, "LOCK")
    error = assert_error(act(approver_api, invoice_id, "LOCK"), 409, "INVALID_STATE")
    assert "READY_FOR_APPROVAL" in error["description"]
    for allowed in ("UNLOCK", "APPROVE", "REJECT"):
        assert allowed in error["description"]


def test_invalid_state_on_a_paid_invoice_offers_mark_as_unpaid(approver_api, seed_body):
    invoice_id = make_invoice_in_state(approver_api, seed_body, "APPROVED_PAID")
    error = assert_error(act(approver_api, invoice_id, "MARK_AS_PAID"), 409, "INVALID_STATE")
    assert "APPROVED" in error["description"]
    assert "MARK_AS_UNPAID" in error["description"]


def test_another_offices_invoice_is_404(api, seed_body, other_clerk):
    invoice_id = create_invoice(api, seed_body)
    response = act(Api(other_clerk), invoice_id, "LOCK")
    assert_error(response, 404, "NOT_FOUND")
    assert get_invoice(api, invoice_id)["statusCode"] == "DRAFT"


def test_unknown_invoice_is_404(api):
    response = act(api, "00000000-0000-4000-8000-000000000000", "LOCK")
    assert_error(response, 404, "NOT_FOUND")


# --- roles -------------------------------------------------------------------------------------


def test_clerk_can_lock_and_unlock(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    act_ok(api, invoice_id, "UNLOCK")
    assert get_invoice(api, invoice_id)["statusCode"] == "DRAFT"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("READY_FOR_APPROVAL", "APPROVE"),
        ("READY_FOR_APPROVAL", "REJECT"),
        ("APPROVED", "MARK_AS_PAID"),
        ("APPROVED_PAID", "MARK_AS_UNPAID"),
    ],
)
def test_clerk_is_forbidden_approver_actions(api, approver_api, seed_body, state, action):
    """Each action is tried in a state that allows it, so only the role can refuse it."""
    invoice_id = make_invoice_in_state(approver_api, seed_body, state)
    before = get_invoice(api, invoice_id)
    assert_error(act(api, invoice_id, action), 403, "FORBIDDEN")
    after = get_invoice(api, invoice_id)
    assert (after["statusCode"], after["isPaid"]) == (before["statusCode"], before["isPaid"])


def test_approver_can_take_every_action(approver_api, seed_body):
    invoice_id = create_invoice(approver_api, seed_body)
    for action in ("LOCK", "REJECT", "UNLOCK", "LOCK", "APPROVE", "MARK_AS_PAID", "MARK_AS_UNPAID"):
        act_ok(approver_api, invoice_id, action)
    body = get_invoice(approver_api, invoice_id)
    assert (body["statusCode"], body["isPaid"]) == ("APPROVED", False)


def test_migration_user_can_lock_but_not_approve(office, seed_body):
    migration_api = Api(member(office, Role.MIGRATION))
    invoice_id = create_invoice(migration_api, seed_body)
    act_ok(migration_api, invoice_id, "LOCK")
    assert_error(act(migration_api, invoice_id, "APPROVE"), 403, "FORBIDDEN")
    assert get_invoice(migration_api, invoice_id)["statusCode"] == "READY_FOR_APPROVAL"


def test_office_admin_can_approve(api, office_admin, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    act_ok(Api(office_admin), invoice_id, "APPROVE")
    assert get_invoice(api, invoice_id)["statusCode"] == "APPROVED"


def test_approver_of_another_office_gets_404_not_403(api, seed_body, other_office):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    outsider = Api(member(other_office, Role.APPROVER))
    assert_error(act(outsider, invoice_id, "APPROVE"), 404, "NOT_FOUND")
    assert get_invoice(api, invoice_id)["statusCode"] == "READY_FOR_APPROVAL"


def test_approver_role_in_another_office_does_not_grant_approve_here(
    api, seed_body, office, other_office
):
    agent = member(office, Role.CLERK)
    agent.memberships.create(office=other_office, role=Role.APPROVER)
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    assert_error(act(Api(agent), invoice_id, "APPROVE"), 403, "FORBIDDEN")
    assert get_invoice(api, invoice_id)["statusCode"] == "READY_FOR_APPROVAL"


def test_available_actions_depend_on_role_and_state(office, party, clerk, approver):
    invoice = service_draft(clerk, office, party)
    assert lifecycle.available_actions(invoice, clerk) == ["LOCK"]
    lifecycle.invoice_action(actor=clerk, invoice_id=invoice.id, action="LOCK")
    invoice.refresh_from_db()
    assert lifecycle.available_actions(invoice, clerk) == ["UNLOCK"]
    assert sorted(lifecycle.available_actions(invoice, approver)) == [
        "APPROVE",
        "REJECT",
        "UNLOCK",
    ]


# --- dates and payment -------------------------------------------------------------------------


def test_approve_sets_approved_date_to_today(approver_api, seed_body):
    invoice_id = make_invoice_in_state(approver_api, seed_body, "READY_FOR_APPROVAL")
    assert get_invoice(approver_api, invoice_id)["approvedDate"] is None
    act_ok(approver_api, invoice_id, "APPROVE")
    assert get_invoice(approver_api, invoice_id)["approvedDate"] == (
        timezone.localdate().isoformat()
    )


def test_mark_as_paid_sets_paid_date_and_mark_as_unpaid_clears_it(approver_api, seed_body):
    invoice_id = make_invoice_in_state(approver_api, seed_body, "APPROVED")
    act_ok(approver_api, invoice_id, "MARK_AS_PAID")
    body = get_invoice(approver_api, invoice_id)
    assert (body["isPaid"], body["paidDate"]) == (True, timezone.localdate().isoformat())
    act_ok(approver_api, invoice_id, "MARK_AS_UNPAID")
    body = get_invoice(approver_api, invoice_id)
    assert (body["isPaid"], body["paidDate"]) == (False, None)


def test_mark_as_paid_takes_an_explicit_paid_date(approver_api, seed_body):
    invoice_id = make_invoice_in_state(approver_api, seed_body, "APPROVED")
    act_ok(approver_api, invoice_id, "MARK_AS_PAID", paidDate="2024-03-01")
    assert get_invoice(approver_api, invoice_id)["paidDate"] == date(2024, 3, 1).isoformat()


@pytest.mark.parametrize("state", ["READY_FOR_APPROVAL", "APPROVED"])
def test_put_and_delete_after_lock_answer_409(approver_api, seed_body, state):
    invoice_id = make_invoice_in_state(approver_api, seed_body, state)
    put_body = {"invoiceTypeCode": "INVOICE", **seed_body}
    assert_error(approver_api.put(f"{INVOICES}/{invoice_id}", put_body), 409, "INVALID_STATE")
    assert_error(approver_api.delete(f"{INVOICES}/{invoice_id}"), 409, "INVALID_STATE")
    assert get_invoice(approver_api, invoice_id)["statusCode"] == state


# --- LOCK checks completeness ------------------------------------------------------------------


def _lock_refused(api, invoice_id, *targets):
    body = assert_error(act(api, invoice_id, "LOCK"), 409, "INVALID_STATE")
    found = {e["target"]: e["errorCode"] for e in body["errors"]}
    for target in targets:
        assert found.get(target) == "VALUE_REQUIRED", body["errors"]
    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.status_code == "DRAFT"
    assert invoice.invoice_number is None
    return found


def test_lock_without_costs_is_409_naming_costs(api, office, party, clerk):
    invoice_id = create_invoice(api, seed_create_body(office, party, clerk, costs=[]))
    found = _lock_refused(api, invoice_id, "invoice.costs")
    assert set(found) == {"invoice.costs"}


def test_lock_without_parties_is_409_naming_invoiced_parties(api, seed_body):
    del seed_body["invoice"]["invoicedParties"]
    invoice_id = create_invoice(api, seed_body)
    found = _lock_refused(api, invoice_id, "invoice.invoicedParties")
    assert set(found) == {"invoice.invoicedParties"}


def test_lock_of_einvoice_without_address_is_409_naming_einvoicing(api, office, party, clerk):
    invoice = service_draft(
        clerk, office, party, invoicing_method_code="EINVOICING", e_invoicing_address=""
    )
    found = _lock_refused(api, invoice.id, "invoice.terms.invoicing.eInvoicing")
    assert set(found) == {"invoice.terms.invoicing.eInvoicing"}


def test_lock_of_paper_invoice_without_billing_address_is_409(api, office, party, clerk):
    invoice = service_draft(
        clerk, office, party, invoicing_method_code="PAPER", billing_recipient=""
    )
    _lock_refused(api, invoice.id, "invoice.billingAddress")


def test_lock_with_money_due_and_no_payment_account_is_409(api, seed_body):
    seed_body["invoice"]["paymentAccounts"] = []
    invoice_id = create_invoice(api, seed_body)
    found = _lock_refused(api, invoice_id, "invoice.paymentAccounts")
    assert set(found) == {"invoice.paymentAccounts"}


def test_lock_of_empty_draft_lists_everything_missing(api, office, clerk):
    invoice = service_draft(clerk, office, None, costs=[], invoicing_method_code=None)
    _lock_refused(
        api,
        invoice.id,
        "invoice.costs",
        "invoice.invoicedParties",
        "invoice.terms.invoicing.invoicingMethodCode",
    )


def test_refused_lock_does_not_consume_a_number(api, office, party, clerk):
    incomplete = create_invoice(api, seed_create_body(office, party, clerk, costs=[]))
    assert act(api, incomplete, "LOCK").status_code == 409
    assert AgencyOffice.objects.get(pk=office.pk).next_sequence_number == 1
    complete = create_invoice(api, seed_create_body(office, party, clerk))
    act_ok(api, complete, "LOCK")
    assert get_invoice(api, complete)["invoice"]["invoiceNumber"].endswith("0100001")
