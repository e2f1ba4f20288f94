"""Periodic housekeeping (Celery beat)."""

from celery import shared_task

from invoicing_project.api import idempotency


@shared_task(name="offices.cleanup_idempotency_keys")
def cleanup_idempotency_keys() -> int:
    """Delete ``Idempotency-Key`` records older than 24 hours."""
    return idempotency.cleanup()
