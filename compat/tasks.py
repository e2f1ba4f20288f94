"""Celery tasks of the compat app. They take ids, call services, and are safe to run twice."""

import logging

from celery import shared_task

from .models import ExternalId
from .refrens.email import refrens_invoice_email_send

logger = logging.getLogger(__name__)

MAX_EMAIL_RETRIES = 5


@shared_task(
    bind=True,
    max_retries=MAX_EMAIL_RETRIES,
    acks_late=True,
    name="compat.send_refrens_invoice_email",
)
def send_refrens_invoice_email(self, mapping_id: int) -> str:
    """E-mail a Refrens invoice with its PDF (once; retried with back-off on failure)."""
    try:
        return refrens_invoice_email_send(mapping_id=mapping_id)
    except ExternalId.DoesNotExist:
        logger.warning("Refrens invoice record %s no longer exists; no e-mail", mapping_id)
        return "MISSING"
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("Sending the e-mail of Refrens invoice %s failed for good", mapping_id)
            return "FAILED"
        countdown = min(2 ** (self.request.retries + 1), 60)
        logger.warning(
            "Sending the e-mail of Refrens invoice %s failed (%s); retry in %ss",
            mapping_id,
            exc,
            countdown,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
