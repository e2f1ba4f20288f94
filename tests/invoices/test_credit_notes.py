"""POST /api/v1/invoices/{id}/creditNotes: who may be credited, when, and the exact negation."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoices import lifecycle, services
from invoices.models import Invoice, InvoiceEvent
from invoices.money import to_minor
from invoices.services import CostData
from offices.models import AgencyOffice
from tests.conftest import Api

from .lifecycle_helpers import (
    INVOICES,
    act,
    act_ok,
    assert_error,
    create_credit_note,
    credit_note_body,
    discount,
    get_invoice,
    make_invoice_in_state,
    service_draft,
    this_year,
)


@pytest.fixture
def approver_api(approver):
    return Api(approver)


@pytest.fixture
def approved_id(approver_api, seed_body):
    return make_invoice_in_state(approver_api, seed_body, "APPROVED")


def post_credit_note(api, invoice_id, body=None):
    return api.post(f"{INVOICES}/{invoice_id}/creditNotes", body or credit_note_body())


# --- creation ----------------------------------------------------------------------------------


def test_seed_credit_note_is_201_with_id_and_location(approver_api, approved_id):
    response = post_credit_note(approver_api, approved_id)
    assert response.status_code == 201, response.json()
    credit_note_id = response.json()["invoiceId"]
    assert set(response.json()) == {"invoiceId"}
    assert response["Location"] == f"{INVOICES}/{credit_note_id}"


def test_clerk_may_create_the_credit_note(api, approved_id):
    assert post_credit_note(api, approved_id).status_code == 201


def test_credit_note_is_a_numbered_draft_pointing_at_the_original(approver_api, approved_id):
    credit_note_id = create_credit_note(approver_api, approved_id)
    body = get_invoice(approver_api, credit_note_id)
    assert body["invoiceTypeCode"] == "CREDIT_NOTE"
    assert body["statusCode"] == "DRAFT"
    assert body["creditNote"] == {
        "creditNoteReason": "Incorrect amount in original invoice",
        "creditedInvoiceId": approved_id,
    }
    # Its own number, the next of the office sequence at creation (the invoice took 00001).
    assert body["invoice"]["invoiceNumber"] == f"{this_year()}0100002"
    assert body["invoice"]["referenceNumber"][:-1] == body["invoice"]["invoiceNumber"]
    assert (
        body["invoice"]["invoiceNumber"]
        != get_invoice(approver_api, approved_id)["invoice"]["invoiceNumber"]
    )
    assert body["invoice"]["invoicingDate"] == "2024-03-20"
    assert body["invoice"]["issueDate"] == "2024-03-20"
    assert body["invoice"]["dueDate"] == "2024-04-03"
    assert body["invoice"]["terms"]["invoicing"] == credit_note_body()["invoicing"]
    assert body["invoice"]["terms"]["paymentTerms"]["otherPaymentTermsDescription"] == (
        "Paid within 14 days"
    )


def test_credit_note_copies_the_lines_negated(approver_api, approved_id):
    credit_note_id = create_credit_note(approver_api, approved_id)
    original = get_invoice(approver_api, approved_id)["invoice"]
    credit = get_invoice(approver_api, credit_note_id)["invoice"]
    assert [c["amount"] for c in credit["costs"]] == [-1000000, -50000, -75000]
    for mine, theirs in zip(credit["costs"], original["costs"], strict=True):
        assert mine == {**theirs, "amount": -theirs["amount"]}
    assert credit["invoicedParties"] == original["invoicedParties"]
    assert credit["paymentAccounts"] == original["paymentAccounts"]
    assert credit["downPayment"] == -original["downPayment"]


def test_credit_note_totals_are_exactly_the_negation(approver_api, approved_id):
    credit_note_id = create_credit_note(approver_api, approved_id)
    original = get_invoice(approver_api, approved_id)
    credit = get_invoice(approver_api, credit_note_id)
    for key in ("vatIncluded", "vatExcluded"):
        assert original["totalInvoicedAmount"][key] + credit["totalInvoicedAmount"][key] == 0
    for key in ("vatIncluded", "vatExcluded", "vat", "amountDue", "downPayment"):
        assert original["totals"][key] + credit["totals"][key] == 0, key
    assert original["totals"]["vatIncluded"] == 1025000
    assert len(credit["totals"]["vatBreakdown"]) == len(original["totals"]["vatBreakdown"])
    for mine, theirs in zip(
        credit["totals"]["vatBreakdown"], original["totals"]["vatBreakdown"], strict=True
    ):
        assert mine["vatPercentage"] == theirs["vatPercentage"]
        assert mine["vatExcluded"] == -theirs["vatExcluded"]
        assert mine["vat"] == -theirs["vat"]


def test_approving_the_credit_note_credits_the_original(approver_api, approver, approved_id):
    credit_note_id = create_credit_note(approver_api, approved_id)
    act_ok(approver_api, credit_note_id, "LOCK")
    assert get_invoice(approver_api, approved_id)["statusCode"] == "APPROVED"
    act_ok(approver_api, credit_note_id, "APPROVE")
    assert get_invoice(approver_api, approved_id)["statusCode"] == "CREDITED"
    assert get_invoice(approver_api, credit_note_id)["statusCode"] == "APPROVED"
    credit_event = InvoiceEvent.objects.filter(invoice_id=approved_id).last()
    assert credit_event.action_type_code == "CREDIT"
    assert (credit_event.from_status_code, credit_event.to_status_code) == (
        "APPROVED",
        "CREDITED",
    )
    assert credit_event.agent_id == approver.id
    assert credit_event.details["creditNoteId"] == credit_note_id


def test_credit_note_cannot_be_edited(approver_api, approved_id, seed_body):
    credit_note_id = create_credit_note(approver_api, approved_id)
    response = approver_api.put(
        f"{INVOICES}/{credit_note_id}", {"invoiceTypeCode": "CREDIT_NOTE", **seed_body}
    )
    assert_error(response, 409, "INVALID_STATE")


# --- when a credit note may be created ---------------------------------------------------------


@pytest.mark.parametrize("state", ["DRAFT", "READY_FOR_APPROVAL", "REJECTED", "CREDITED"])
def test_only_an_approved_invoice_can_be_credited(approver_api, seed_body, office, state):
    invoice_id = make_invoice_in_state(approver_api, seed_body, state)
    before = Invoice.objects.filter(agency_office=office).count()
    body = assert_error(post_credit_note(approver_api, invoice_id), 409, "INVALID_STATE")
    assert state in body["description"]
    assert Invoice.objects.filter(agency_office=office).count() == before


def test_a_paid_approved_invoice_can_be_credited(approver_api, seed_body):
    invoice_id = make_invoice_in_state(approver_api, seed_body, "APPROVED_PAID")
    assert post_credit_note(approver_api, invoice_id).status_code == 201


@pytest.mark.parametrize("credit_note_state", ["DRAFT", "APPROVED"])
def test_a_credit_note_cannot_be_credited(approver_api, approved_id, credit_note_state):
    credit_note_id = create_credit_note(approver_api, approved_id)
    if credit_note_state == "APPROVED":
        act_ok(approver_api, credit_note_id, "LOCK")
        act_ok(approver_api, credit_note_id, "APPROVE")
    assert_error(post_credit_note(approver_api, credit_note_id), 409, "INVALID_STATE")


def test_an_invoice_is_credited_only_once(approver_api, approved_id):
    create_credit_note(approver_api, approved_id)
    assert_error(post_credit_note(approver_api, approved_id), 409, "INVALID_STATE")


def test_a_locked_credit_note_still_blocks_a_second_one(approver_api, approved_id):
    credit_note_id = create_credit_note(approver_api, approved_id)
    act_ok(approver_api, credit_note_id, "LOCK")
    assert_error(post_credit_note(approver_api, approved_id), 409, "INVALID_STATE")


def test_after_the_credit_note_is_rejected_a_new_one_may_be_created(approver_api, approved_id):
    first = create_credit_note(approver_api, approved_id)
    act_ok(approver_api, first, "LOCK")
    act_ok(approver_api, first, "REJECT")
    response = post_credit_note(approver_api, approved_id)
    assert response.status_code == 201, response.json()
    second = response.json()["invoiceId"]
    assert second != first
    # The rejected one cannot come back while the new one is active.
    assert_error(act(approver_api, first, "UNLOCK"), 409, "INVALID_STATE")
    act_ok(approver_api, second, "LOCK")
    act_ok(approver_api, second, "APPROVE")
    assert get_invoice(approver_api, approved_id)["statusCode"] == "CREDITED"


def test_an_unlocked_rejected_credit_note_blocks_a_new_one_again(approver_api, approved_id):
    first = create_credit_note(approver_api, approved_id)
    act_ok(approver_api, first, "LOCK")
    act_ok(approver_api, first, "REJECT")
    act_ok(approver_api, first, "UNLOCK")
    assert_error(post_credit_note(approver_api, approved_id), 409, "INVALID_STATE")


def test_credit_note_of_another_office_invoice_is_404(approved_id, other_clerk):
    assert_error(post_credit_note(Api(other_clerk), approved_id), 404, "NOT_FOUND")


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 200])
def test_credit_note_reason_of_1_to_200_characters_is_accepted(approver_api, approved_id, length):
    response = post_credit_note(
        approver_api, approved_id, credit_note_body(creditNoteReason="r" * length)
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("length", [0, 201])
def test_credit_note_reason_outside_1_to_200_characters_is_400(approver_api, approved_id, length):
    response = post_credit_note(
        approver_api, approved_id, credit_note_body(creditNoteReason="r" * length)
    )
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="creditNoteReason")


@pytest.mark.parametrize(
    "field", ["invoicingDate", "issueDate", "dueDate", "creditNoteReason", "invoicing"]
)
def test_credit_note_without_a_required_field_is_400(approver_api, approved_id, field):
    body = credit_note_body()
    del body[field]
    response = post_credit_note(approver_api, approved_id, body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=field, field_code="VALUE_REQUIRED")


def test_credit_note_due_before_issue_is_400(approver_api, approved_id, office):
    body = credit_note_body(issueDate="2024-03-20", dueDate="2024-03-19")
    response = post_credit_note(approver_api, approved_id, body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="dueDate")
    assert not Invoice.objects.filter(credited_invoice_id=approved_id).exists()
    # The refused request did not take a number either.
    assert AgencyOffice.objects.get(pk=office.pk).next_sequence_number == 2


def test_credit_note_einvoicing_without_einvoicing_details_is_400(approver_api, approved_id):
    body = credit_note_body(invoicing={"invoicingMethodCode": "EINVOICING"})
    response = post_credit_note(approver_api, approved_id, body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="invoicing.eInvoicing")


@pytest.mark.parametrize(
    ("field", "value"),
    [("issueDate", "20.03.2024"), ("issueDate", 20240320), ("creditNoteReason", 5)],
)
def test_credit_note_with_a_wrongly_typed_field_is_400(approver_api, approved_id, field, value):
    response = post_credit_note(approver_api, approved_id, credit_note_body(**{field: value}))
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=field)


# --- property: a credit note exactly cancels its invoice ---------------------------------------

RATES = [Decimal(r) for r in ("0", "10", "13.5", "14", "24", "25.5")]


@st.composite
def cost_lists(draw):
    costs = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        includes_vat = draw(st.booleans())
        costs.append(
            CostData(
                amount=draw(st.integers(min_value=-2_000_000, max_value=50_000_000)),
                vat_percentage=draw(st.sampled_from(RATES)),
                includes_vat=includes_vat,
                reverse_charge=False if includes_vat else draw(st.booleans()),
                cost_type_code=draw(st.sampled_from(["COMMISSION", "MARKETING", "OTHER"])),
                included_in_commission=draw(st.booleans()),
            )
        )
    return costs


def stored_totals(invoice: Invoice) -> tuple[int, int, int, int]:
    currency = invoice.currency_code
    return tuple(
        to_minor(money.amount, currency)
        for money in (
            invoice.total_vat_excluded,
            invoice.total_vat,
            invoice.total_vat_included,
            invoice.amount_due,
        )
    )


def computed_totals(invoice: Invoice) -> dict:
    totals = services.invoice_totals(invoice)
    return {
        "vat_excluded": totals.vat_excluded,
        "vat": totals.vat,
        "vat_included": totals.vat_included,
        "amount_due": totals.amount_due,
        "down_payment": totals.down_payment,
        "breakdown": [
            (r.vat_percentage, r.reverse_charge, r.vat_excluded, r.vat)
            for r in totals.vat_breakdown
        ],
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    costs=cost_lists(),
    discount_amount=st.none() | st.integers(min_value=0, max_value=1_000_000),
    discount_rate=st.sampled_from(RATES),
    discount_includes_vat=st.booleans(),
    down_payment=st.integers(min_value=0, max_value=1_000_000),
)
def test_credit_note_totals_are_the_exact_negation_for_any_invoice(
    office,
    party,
    approver,
    costs,
    discount_amount,
    discount_rate,
    discount_includes_vat,
    down_payment,
):
    invoice = service_draft(
        approver,
        office,
        party,
        costs=costs,
        discount=None
        if discount_amount is None
        else discount(discount_amount, str(discount_rate), discount_includes_vat),
        down_payment=down_payment,
    )
    for action in ("LOCK", "APPROVE"):
        lifecycle.invoice_action(actor=approver, invoice_id=invoice.id, action=action)
    credit_note = lifecycle.credit_note_create(
        actor=approver,
        invoice_id=invoice.id,
        invoicing_date=invoice.invoicing_date,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        reason="Property test",
    )
    for action in ("LOCK", "APPROVE"):
        lifecycle.invoice_action(actor=approver, invoice_id=credit_note.id, action=action)

    invoice = Invoice.objects.get(pk=invoice.pk)
    credit_note = Invoice.objects.get(pk=credit_note.pk)
    assert invoice.status_code == "CREDITED"
    assert credit_note.status_code == "APPROVED"

    assert stored_totals(credit_note) == tuple(-v for v in stored_totals(invoice))
    mine, theirs = computed_totals(credit_note), computed_totals(invoice)
    for key in ("vat_excluded", "vat", "vat_included", "amount_due", "down_payment"):
        assert mine[key] == -theirs[key], key
    assert [(p, r, -e, -v) for p, r, e, v in mine["breakdown"]] == theirs["breakdown"]
    # The stored figures are the computed ones.
    assert stored_totals(credit_note) == (
        mine["vat_excluded"],
        mine["vat"],
        mine["vat_included"],
        mine["amount_due"],
    )
