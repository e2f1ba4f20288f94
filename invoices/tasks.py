"""Celery tasks. They take ids, call services, and are safe to run twice."""

import logging

from celery import shared_task

from . import documents
from .models import Document

logger = logging.getLogger(__name__)

MAX_RENDER_RETRIES = 3


@shared_task(
    bind=True, max_retries=MAX_RENDER_RETRIES, acks_late=True, name="invoices.render_document"
)
def render_document(self, document_id: str) -> str:
    """Render a document's PDF; retries with back-off, then marks the document FAILED."""
    try:
        document = documents.document_render(document_id=document_id)
    except Document.DoesNotExist:
        logger.warning("Document %s no longer exists; nothing to render", document_id)
        return "MISSING"
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("Rendering document %s failed for good", document_id)
            documents.document_mark_failed(
                document_id=document_id, reason=f"{type(exc).__name__}: {exc}"
            )
            return "FAILED"
        countdown = min(2 ** (self.request.retries + 1), 60)
        logger.warning(
            "Rendering document %s failed (%s); retry in %ss", document_id, exc, countdown
        )
        # throw=False: the retry is scheduled (or, eagerly, run at once) without raising out of
        # this call, so a failing render never turns into an error of the request that asked.
        return self.retry(exc=exc, countdown=countdown, throw=False)
    return document.status
