"""The document API: previews on request, the final PDF on approval, content, failures.

Celery runs eagerly in tests (no REDIS_URL): renders are enqueued with ``transaction.on_commit``,
so a call that should render runs inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

import copy
import hashlib
import io

import pytest
from pypdf import PdfReader

from invoices import documents
from invoices.choices import DocumentKind, DocumentStatus
from invoices.models import Document, Invoice
from invoices.pdf import render_pdf as real_render_pdf
from invoices.tasks import MAX_RENDER_RETRIES, render_document
from tests.conftest import Api
from tests.test_api_errors import assert_error, fast_password_hashing  # noqa: F401

INVOICES = "/api/v1/invoices"
DOCUMENTS = "/api/v1/documents"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def invoice_id(api, seed_body):
    response = api.post(INVOICES, seed_body)
    assert response.status_code == 201, response.json()
    return response.json()["invoiceId"]


@pytest.fixture
def request_preview(api, django_capture_on_commit_callbacks):
    """POST previewDocument with the render run; returns the response."""

    def post(invoice_id, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api).post(f"{INVOICES}/{invoice_id}/previewDocument")

    return post


def preview_id(response) -> str:
    assert response.status_code == 200, response.json()
    assert set(response.json()) == {"previewInvoiceDocumentId"}
    return response.json()["previewInvoiceDocumentId"]


def content_of(api, document_id) -> tuple:
    response = api.get(f"{DOCUMENTS}/{document_id}/content")
    assert response.status_code == 200, response
    return response, b"".join(response.streaming_content)


def stored_files(root) -> list:
    return sorted(p for p in (root / "documents").rglob("*") if p.is_file())


def put_body(seed_body, **overrides) -> dict:
    body = {"invoiceTypeCode": "INVOICE", "invoice": copy.deepcopy(seed_body["invoice"])}
    body["invoice"].update(overrides)
    return body


# --- previews ------------------------------------------------------------------------------------


def test_preview_is_rendered_ready_with_size_hash_and_pages(api, invoice_id, request_preview):
    document_id = preview_id(request_preview(invoice_id))
    meta = api.get(f"{DOCUMENTS}/{document_id}").json()
    assert meta["statusCode"] == "READY", meta
    assert meta["documentTypeCode"] == "PREVIEW"
    assert meta["invoiceId"] == invoice_id
    assert meta["contentType"] == "application/pdf"
    assert meta["fileName"].endswith(".pdf") and "preview" in meta["fileName"]
    assert meta["failureReason"] == ""
    assert meta["renderedAt"]

    _, content = content_of(api, document_id)
    assert content.startswith(b"%PDF")
    assert meta["size"] == len(content)
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    assert meta["pages"] == len(PdfReader(io.BytesIO(content)).pages) == 1
    invoice = api.get(f"{INVOICES}/{invoice_id}").json()
    assert invoice["previewInvoiceDocumentId"] == document_id


def test_unchanged_invoice_reuses_the_latest_preview(api, invoice_id, request_preview):
    first = preview_id(request_preview(invoice_id))
    again = preview_id(request_preview(invoice_id))
    assert again == first
    assert Document.objects.filter(invoice_id=invoice_id, kind=DocumentKind.PREVIEW).count() == 1


def test_changed_invoice_gets_a_new_preview_and_earlier_ones_are_kept(
    api, invoice_id, seed_body, request_preview, tmp_path
):
    first = preview_id(request_preview(invoice_id))
    response = api.put(f"{INVOICES}/{invoice_id}", put_body(seed_body, downPayment=100000))
    assert response.status_code == 200, response.json()
    second = preview_id(request_preview(invoice_id))
    response = api.put(f"{INVOICES}/{invoice_id}", put_body(seed_body, downPayment=0))
    assert response.status_code == 200, response.json()
    third = preview_id(request_preview(invoice_id))

    assert len({first, second, third}) == 3
    previews = Document.objects.filter(invoice_id=invoice_id, kind=DocumentKind.PREVIEW)
    assert previews.count() == 3
    assert set(previews.values_list("status", flat=True)) == {DocumentStatus.READY}
    assert len(stored_files(tmp_path)) == 3
    assert api.get(f"{INVOICES}/{invoice_id}").json()["previewInvoiceDocumentId"] == third
    # the earlier previews still answer, with their own content
    _, old = content_of(api, first)
    _, new = content_of(api, third)
    assert old != new


def test_preview_after_a_change_back_is_rendered_anew(api, invoice_id, seed_body, request_preview):
    """Reuse is of the latest preview only: going back to earlier content renders again."""
    first = preview_id(request_preview(invoice_id))
    api.put(f"{INVOICES}/{invoice_id}", put_body(seed_body, downPayment=100000))
    preview_id(request_preview(invoice_id))
    api.put(f"{INVOICES}/{invoice_id}", put_body(seed_body))
    latest = preview_id(request_preview(invoice_id))
    assert latest != first


# --- the final document --------------------------------------------------------------------------


def test_approval_renders_exactly_one_final_document(
    api, approver, invoice_id, django_capture_on_commit_callbacks, tmp_path
):
    approver_api = Api(approver)
    for action in ("LOCK", "APPROVE"):
        with django_capture_on_commit_callbacks(execute=True):
            response = approver_api.post(
                f"{INVOICES}/{invoice_id}/actions", {"actionTypeCode": action}
            )
        assert response.status_code == 200, response.json()
    final_id = api.get(f"{INVOICES}/{invoice_id}").json()["invoiceDocumentId"]
    meta = api.get(f"{DOCUMENTS}/{final_id}").json()
    assert meta["statusCode"] == "READY", meta
    assert meta["documentTypeCode"] == "FINAL"
    invoice = Invoice.objects.get(pk=invoice_id)
    assert meta["fileName"] == f"invoice-{invoice.invoice_number}.pdf"
    _, content = content_of(api, final_id)
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert invoice.invoice_number in text
    assert "ESIKATSELU" not in text

    # the task delivered twice (acks_late): still one row, one file, same content
    assert render_document.apply(args=[final_id]).get() == DocumentStatus.READY
    finals = Document.objects.filter(invoice_id=invoice_id, kind=DocumentKind.FINAL)
    assert finals.count() == 1
    assert finals.get().sha256 == meta["sha256"]
    assert len(stored_files(tmp_path)) == 1

    # even when the second delivery finds it unfinished (a worker died mid-way)
    finals.update(status=DocumentStatus.PENDING)
    assert render_document.apply(args=[final_id]).get() == DocumentStatus.READY
    assert Document.objects.filter(invoice_id=invoice_id, kind=DocumentKind.FINAL).count() == 1
    assert len(stored_files(tmp_path)) == 1
    _, again = content_of(api, final_id)
    assert hashlib.sha256(again).hexdigest() == finals.get().sha256


def test_final_document_is_created_once_even_if_approval_logic_runs_twice(
    approver, invoice_id, django_capture_on_commit_callbacks
):
    approver_api = Api(approver)
    approver_api.post(f"{INVOICES}/{invoice_id}/actions", {"actionTypeCode": "LOCK"})
    with django_capture_on_commit_callbacks(execute=True):
        approver_api.post(f"{INVOICES}/{invoice_id}/actions", {"actionTypeCode": "APPROVE"})
    invoice = Invoice.objects.get(pk=invoice_id)
    with django_capture_on_commit_callbacks(execute=True):
        again = documents.final_document_create(invoice)
    assert str(again.id) == str(invoice.invoice_document_id)
    assert Document.objects.filter(invoice_id=invoice_id, kind=DocumentKind.FINAL).count() == 1


# --- content -------------------------------------------------------------------------------------


def test_content_is_a_pdf_with_a_filename(api, invoice_id, request_preview):
    document_id = preview_id(request_preview(invoice_id))
    meta = api.get(f"{DOCUMENTS}/{document_id}").json()

    response, content = content_of(api, document_id)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{meta["fileName"]}"'
    assert response["ETag"] == f'"{meta["sha256"]}"'
    assert content.startswith(b"%PDF")

    response = api.get(f"{DOCUMENTS}/{document_id}/content", {"download": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert meta["fileName"] in response["Content-Disposition"]


def test_content_of_a_pending_document_is_409(api, invoice_id):
    # the render is enqueued on commit, and the test transaction never commits
    response = api.post(f"{INVOICES}/{invoice_id}/previewDocument")
    document_id = preview_id(response)
    assert api.get(f"{DOCUMENTS}/{document_id}").json()["statusCode"] == "PENDING"
    body = assert_error(api.get(f"{DOCUMENTS}/{document_id}/content"), 409, "INVALID_STATE")
    assert "PENDING" in body["message"] + body["description"]


def test_another_office_cannot_see_the_document(api, invoice_id, request_preview, other_clerk):
    document_id = preview_id(request_preview(invoice_id))
    outsider = Api(other_clerk)
    assert_error(outsider.get(f"{DOCUMENTS}/{document_id}"), 404, "NOT_FOUND")
    assert_error(outsider.get(f"{DOCUMENTS}/{document_id}/content"), 404, "NOT_FOUND")
    assert_error(outsider.post(f"{INVOICES}/{invoice_id}/previewDocument"), 404, "NOT_FOUND")


def test_unknown_document_is_404(api):
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(api.get(f"{DOCUMENTS}/{missing}"), 404, "NOT_FOUND")
    assert_error(api.get(f"{DOCUMENTS}/{missing}/content"), 404, "NOT_FOUND")


# --- failures ------------------------------------------------------------------------------------
#
# Eagerly (no Redis) a retry re-runs the task at once (the task retries with throw=False), so
# the same scenarios hold in the project's eager mode and with a worker-like configuration.


@pytest.fixture
def worker_like_retries(monkeypatch):
    """Eager tasks whose retries re-run at once, as apply() does when errors do not propagate."""
    monkeypatch.setitem(render_document.app.conf, "task_eager_propagates", False)


def test_render_that_keeps_failing_ends_failed_in_the_project_eager_mode(
    api, invoice_id, request_preview, monkeypatch
):
    monkeypatch.setattr(documents, "render_pdf", _raise)
    document_id = preview_id(request_preview(invoice_id))
    document = Document.objects.get(pk=document_id)
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == MAX_RENDER_RETRIES + 1


def test_render_that_fails_once_ends_ready_in_the_project_eager_mode(
    api, invoice_id, request_preview, monkeypatch
):
    monkeypatch.setattr(documents, "render_pdf", _fail_first_call())
    document_id = preview_id(request_preview(invoice_id))
    assert Document.objects.get(pk=document_id).status == DocumentStatus.READY


def _raise(context):
    raise RuntimeError("font file unreadable")


def _fail_first_call():
    calls = []

    def flaky(context):
        calls.append(context)
        if len(calls) == 1:
            raise OSError("storage hiccup")
        return real_render_pdf(context)

    return flaky


def test_render_that_keeps_failing_ends_failed_with_the_reason(
    api, invoice_id, request_preview, monkeypatch, worker_like_retries
):
    calls = []

    def broken(context):
        calls.append(context)
        raise RuntimeError("font file unreadable")

    monkeypatch.setattr(documents, "render_pdf", broken)
    document_id = preview_id(request_preview(invoice_id))

    document = Document.objects.get(pk=document_id)
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == MAX_RENDER_RETRIES + 1 == len(calls)
    assert document.failure_reason == "RuntimeError: font file unreadable"
    meta = api.get(f"{DOCUMENTS}/{document_id}").json()
    assert meta["statusCode"] == "FAILED"
    assert meta["failureReason"] == "RuntimeError: font file unreadable"
    body = assert_error(api.get(f"{DOCUMENTS}/{document_id}/content"), 409, "INVALID_STATE")
    assert "font file unreadable" in body["message"] + body["description"]

    # a failed preview is not reused: asking again renders anew (and now succeeds)
    monkeypatch.setattr(documents, "render_pdf", real_render_pdf)
    retried = preview_id(request_preview(invoice_id))
    assert retried != document_id
    assert api.get(f"{DOCUMENTS}/{retried}").json()["statusCode"] == "READY"


def test_render_that_fails_once_then_succeeds_ends_ready(
    api, invoice_id, request_preview, monkeypatch, worker_like_retries
):
    calls = []

    def flaky(context):
        calls.append(context)
        if len(calls) == 1:
            raise OSError("storage hiccup")
        return real_render_pdf(context)

    monkeypatch.setattr(documents, "render_pdf", flaky)
    document_id = preview_id(request_preview(invoice_id))
    document = Document.objects.get(pk=document_id)
    assert document.status == DocumentStatus.READY
    assert document.attempts == 2 == len(calls)
    assert document.failure_reason == ""
    _, content = content_of(api, document_id)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
