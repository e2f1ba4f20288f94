"""Shared helpers for the lifecycle tests: actions, credit notes, invoices put into a state.

Invoices reach their states through the API (LOCK, APPROVE, REJECT, MARK_AS_PAID, a credit note
approved), never by writing ``status_code``. ``assert_error`` (the seed's error shape) comes from
the API error tests, the one place that defines it.
"""

from decimal import Decimal

from django.utils import timezone

from invoices import services
from invoices.services import CostData, DiscountData, InvoiceData
from tests.test_api_errors import assert_error

INVOICES = "/api/v1/invoices"
NUMBERING = "/api/v1/invoiceNumbering"

ACTIONS = ("LOCK", "UNLOCK", "APPROVE", "REJECT", "MARK_AS_PAID", "MARK_AS_UNPAID")

# How each state is reached from a new draft (APPROVED_PAID is APPROVED with isPaid true).
STATE_STEPS: dict[str, tuple[str, ...]] = {
    "DRAFT": (),
    "READY_FOR_APPROVAL": ("LOCK",),
    "APPROVED": ("LOCK", "APPROVE"),
    "APPROVED_PAID": ("LOCK", "APPROVE", "MARK_AS_PAID"),
    "REJECTED": ("LOCK", "REJECT"),
    "CREDITED": ("LOCK", "APPROVE", "CREDIT"),
}
STATES = tuple(STATE_STEPS)

__all__ = [
    "ACTIONS",
    "INVOICES",
    "NUMBERING",
    "STATES",
    "STATE_STEPS",
    "act",
    "act_ok",
    "assert_error",
    "create_credit_note",
    "create_invoice",
    "credit_note_body",
    "credit_then_approve",
    "discount",
    "get_invoice",
    "make_invoice_in_state",
    "service_draft",
    "this_year",
]


def this_year() -> int:
    return timezone.localdate().year


def act(api, invoice_id, action: str, *, headers: dict | None = None, **body):
    """POST an action (*body* adds fields such as ``paidDate``); returns the response."""
    return api.post(
        f"{INVOICES}/{invoice_id}/actions", {"actionTypeCode": action, **body}, **(headers or {})
    )


def act_ok(api, invoice_id, action: str, **body) -> None:
    response = act(api, invoice_id, action, **body)
    assert response.status_code == 200, (action, response.json())
    assert response.json() == {}


def get_invoice(api, invoice_id) -> dict:
    response = api.get(f"{INVOICES}/{invoice_id}")
    assert response.status_code == 200, response.json()
    return response.json()


def create_invoice(api, body) -> str:
    response = api.post(INVOICES, body)
    assert response.status_code == 201, response.json()
    return response.json()["invoiceId"]


def credit_note_body(**overrides) -> dict:
    """The primary seed's credit note example."""
    body = {
        "invoicingDate": "2024-03-20",
        "issueDate": "2024-03-20",
        "dueDate": "2024-04-03",
        "creditNoteReason": "Incorrect amount in original invoice",
        "paymentTerms": "Paid within 14 days",
        "invoicing": {
            "invoicingMethodCode": "EINVOICING",
            "eInvoicing": {
                "eInvoicingAddress": "003702472382",
                "operatorId": "E204503",
                "operatorName": "OpusCapita Solutions Oy",
            },
        },
    }
    body.update(overrides)
    return body


def create_credit_note(api, invoice_id, **overrides) -> str:
    response = api.post(f"{INVOICES}/{invoice_id}/creditNotes", credit_note_body(**overrides))
    assert response.status_code == 201, response.json()
    return response.json()["invoiceId"]


def credit_then_approve(api, invoice_id) -> str:
    """Credit an APPROVED invoice and approve the credit note (the original becomes CREDITED)."""
    credit_note_id = create_credit_note(api, invoice_id)
    act_ok(api, credit_note_id, "LOCK")
    act_ok(api, credit_note_id, "APPROVE")
    return credit_note_id


def make_invoice_in_state(api, body, state: str) -> str:
    """A new invoice from *body*, taken to *state* by *api* (an agent allowed every action)."""
    invoice_id = create_invoice(api, body)
    for step in STATE_STEPS[state]:
        if step == "CREDIT":
            credit_then_approve(api, invoice_id)
        else:
            act_ok(api, invoice_id, step)
    return invoice_id


def service_draft(actor, office, party=None, *, costs=None, **fields):
    """A draft through ``services.invoice_create`` (used where the API would refuse the input,
    or for speed). Defaults make a complete e-mail invoice with one 100 EUR cost."""
    if costs is None:
        costs = [
            CostData(
                amount=10000,
                vat_percentage=Decimal("25.5"),
                includes_vat=True,
                cost_type_code="COMMISSION",
                included_in_commission=True,
            )
        ]
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code="OTHER",
        costs=costs,
        party_ids=[party.id] if party is not None else [],
        invoicing_method_code=fields.pop("invoicing_method_code", "EMAIL"),
        **fields,
    )
    return services.invoice_create(actor=actor, data=data)


def discount(amount: int, rate: str = "25.5", includes_vat: bool = True) -> DiscountData:
    return DiscountData(amount=amount, vat_percentage=Decimal(rate), includes_vat=includes_vat)
