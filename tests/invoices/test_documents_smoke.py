"""Preview and final documents through the API (Celery eager in tests without Redis)."""

import pytest

from tests.conftest import Api


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_preview_renders_reuses_and_final_on_approval(
    api, approver, seed_body, django_capture_on_commit_callbacks
):
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"/api/v1/invoices/{invoice_id}/previewDocument")
    assert first.status_code == 200, first.json()
    doc_id = first.json()["previewInvoiceDocumentId"]
    meta = api.get(f"/api/v1/documents/{doc_id}").json()
    assert meta["statusCode"] == "READY", meta
    content = api.get(f"/api/v1/documents/{doc_id}/content")
    assert content.status_code == 200
    assert b"".join(content.streaming_content).startswith(b"%PDF")
    again = api.post(f"/api/v1/invoices/{invoice_id}/previewDocument").json()
    assert again["previewInvoiceDocumentId"] == doc_id
    api.post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "LOCK"})
    with django_capture_on_commit_callbacks(execute=True):
        renewed = api.post(f"/api/v1/invoices/{invoice_id}/previewDocument").json()
    assert renewed["previewInvoiceDocumentId"] != doc_id
    with django_capture_on_commit_callbacks(execute=True):
        Api(approver).post(f"/api/v1/invoices/{invoice_id}/actions", {"actionTypeCode": "APPROVE"})
    final_id = api.get(f"/api/v1/invoices/{invoice_id}").json()["invoiceDocumentId"]
    assert api.get(f"/api/v1/documents/{final_id}").json()["statusCode"] == "READY"


def test_deleting_an_unnumbered_draft_removes_its_previews_and_files(
    api, seed_body, django_capture_on_commit_callbacks, settings
):
    from invoices.models import Document

    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    with django_capture_on_commit_callbacks(execute=True):
        doc_id = api.post(f"/api/v1/invoices/{invoice_id}/previewDocument").json()[
            "previewInvoiceDocumentId"
        ]
    path = Document.objects.get(pk=doc_id).file.path
    assert api.delete(f"/api/v1/invoices/{invoice_id}").status_code == 204
    assert not Document.objects.filter(pk=doc_id).exists()
    import os

    assert not os.path.exists(path)
