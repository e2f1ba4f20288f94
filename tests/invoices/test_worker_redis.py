"""A real Celery worker process against the real Redis renders a document end to end.

Runs in CI (PostgreSQL + Redis); skipped where either is missing, with the reason.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from invoices import documents
from invoices.choices import DocumentStatus
from invoices.models import Document
from invoicing_project.celery import app

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


@pytest.fixture
def worker(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.MEDIA_ROOT = tmp_path
    process = _start_worker(queue, tmp_path)
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield process
    app.conf.task_default_queue = previous_queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_for(document_id, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document = Document.objects.get(pk=document_id)
        if document.status != DocumentStatus.PENDING:
            return document
        time.sleep(0.25)
    return Document.objects.get(pk=document_id)


@pytest.mark.django_db(transaction=True)
def test_real_worker_renders_a_preview_through_redis(worker, clerk, seed_body, api):
    invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
    response = api.post(f"/api/v1/invoices/{invoice_id}/previewDocument")
    assert response.status_code == 200
    document = _wait_for(response.json()["previewInvoiceDocumentId"])
    assert worker.poll() is None, "the worker died"
    assert document.status == DocumentStatus.READY, document.failure_reason
    assert document.file.read(4) == b"%PDF"
    assert documents.document_render(document_id=document.id).sha256 == document.sha256


def _start_worker(queue, media, **extra_env):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "invoicing_project.settings",
        "CELERY_VISIBILITY_TIMEOUT_SECONDS": "3",
        **extra_env,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "invoicing_project",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leaves_exactly_one_document(
    tmp_path, settings, clerk, seed_body, api
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need a database shared with the test: PostgreSQL")
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    settings.MEDIA_ROOT = tmp_path
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    slow = _start_worker(queue, tmp_path, INVOICING_RENDER_DELAY_SECONDS="30")
    second = None
    try:
        invoice_id = api.post("/api/v1/invoices", seed_body).json()["invoiceId"]
        document_id = api.post(f"/api/v1/invoices/{invoice_id}/previewDocument").json()[
            "previewInvoiceDocumentId"
        ]
        deadline = time.monotonic() + 60
        while Document.objects.get(pk=document_id).attempts < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert Document.objects.get(pk=document_id).attempts == 1, "the render never started"
        slow.kill()  # SIGKILL in the middle of the render: no ack, no cleanup
        slow.wait(timeout=10)
        killed_at = time.monotonic()
        second = _start_worker(queue, tmp_path)
        document = _wait_for(document_id, seconds=90)
        assert document.status == DocumentStatus.READY, document.failure_reason
        # The visibility timeout (3 s here) and one restore sweep (1 s), plus the worker's
        # start: with kombu's default sweep it took up to ~100 s (settings.py).
        assert time.monotonic() - killed_at < 45
        assert document.attempts == 2
        assert Document.objects.filter(invoice_id=invoice_id).count() == 1
        files = [p for p in Path(tmp_path).rglob("*.pdf")]
        assert len(files) == 1, files
    finally:
        app.conf.task_default_queue = previous_queue
        for process in (slow, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
