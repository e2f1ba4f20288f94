"""Lifecycle through the API: lock, approve, credit, pay (smoke of the whole path)."""

from invoices.models import Invoice
from tests.conftest import Api


def test_full_lifecycle_with_credit_note(api, approver, seed_body):
    approver_api = Api(approver)
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    assert (
        api.post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "LOCK"}).status_code
        == 200
    )
    body = api.get(f"/api/v1/invoices/{invoice_id}").json()
    assert body["statusCode"] == "READY_FOR_APPROVAL"
    number = body["invoice"]["invoiceNumber"]
    assert number.endswith("0100001")
    r = api.post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "APPROVE"})
    assert r.status_code == 403, r.json()
    r = approver_api.post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "APPROVE"})
    assert r.status_code == 200, r.json()
    r = approver_api.post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "LOCK"})
    assert r.status_code == 409, r.json()
    assert "APPROVED" in r.json()["description"]
    cn = api.post(
        f"/api/v1/invoices/{invoice_id}/creditNotes",
        {
            "invoicingDate": "2024-03-20",
            "issueDate": "2024-03-20",
            "dueDate": "2024-04-03",
            "creditNoteReason": "Incorrect amount in original invoice",
            "paymentTerms": "Paid within 14 days",
            "invoicing": {"invoicingMethodCode": "PAPER"},
        },
    )
    assert cn.status_code == 201, cn.json()
    cn_id = cn.json()["invoiceId"]
    again = api.post(
        f"/api/v1/invoices/{invoice_id}/creditNotes",
        {
            "invoicingDate": "2024-03-20",
            "issueDate": "2024-03-20",
            "dueDate": "2024-04-03",
            "creditNoteReason": "Twice",
            "invoicing": {"invoicingMethodCode": "PAPER"},
        },
    )
    assert again.status_code == 409
    cn_body = api.get(f"/api/v1/invoices/{cn_id}").json()
    assert cn_body["totals"]["vatIncluded"] == -1025000
    assert cn_body["totals"]["amountDue"] == -775000
    assert cn_body["creditNote"]["creditedInvoiceId"] == invoice_id
    assert (
        api.post(f"/api/v1/invoices/{cn_id}/actions", {"actionTypeCode": "LOCK"}).status_code == 200
    )
    r = approver_api.post(f"/api/v1/invoices/{cn_id}/actions", {"actionTypeCode": "APPROVE"})
    assert r.status_code == 200, r.json()
    assert Invoice.objects.get(pk=invoice_id).status_code == "CREDITED"
    history = api.get(f"/api/v1/invoices/{invoice_id}/history").json()["events"]
    assert [e["actionTypeCode"] for e in history] == ["CREATE", "LOCK", "APPROVE", "CREDIT"]
