"""Celery tasks of invoice delivery and payment reminders (ids in, services called, safe to
run twice). Imported through ``CELERY_IMPORTS``; the names are explicit."""

import logging
from collections.abc import Callable

from celery import shared_task

from . import delivery, reminders
from .models import Delivery, Reminder

logger = logging.getLogger(__name__)

MAX_DELIVERY_RETRIES = 6
MAX_REMINDER_RETRIES = 4


def _countdown(retries: int) -> int:
    """Back-off: 10, 20, 40 ... seconds, at most ten minutes."""
    return min(10 * 2**retries, 600)


def _attempt(
    task,
    object_id: str,
    *,
    send: Callable,
    mark_failed: Callable,
    permanent: type[Exception],
    missing: type[Exception],
) -> str:
    """One attempt: the service's status, or FAILED for good (permanent error, or the retries
    are used up), or the next attempt after a back-off."""
    try:
        return send(object_id).status
    except missing:
        logger.warning("%s %s no longer exists; nothing to send", task.name, object_id)
        return "MISSING"
    except permanent as exc:
        logger.error("%s %s cannot be sent: %s", task.name, object_id, exc)
        mark_failed(object_id, str(exc))
        return "FAILED"
    except Exception as exc:
        if task.request.retries >= task.max_retries:
            logger.exception("%s %s failed for good", task.name, object_id)
            mark_failed(object_id, f"{type(exc).__name__}: {exc}")
            return "FAILED"
        logger.warning("%s %s: %s; retrying", task.name, object_id, exc)
        if task.request.is_eager:
            # Without a broker (the laptop run, the tests) Celery would raise the retry to the
            # caller (task_eager_propagates), so the next attempt runs here and now.
            return task.apply(args=(object_id,), retries=task.request.retries + 1).result
        raise task.retry(exc=exc, countdown=_countdown(task.request.retries)) from exc


@shared_task(
    bind=True, max_retries=MAX_DELIVERY_RETRIES, acks_late=True, name="invoices.deliver_invoice"
)
def deliver_invoice(self, delivery_id: str) -> str:
    """Send one delivery; retries with back-off (also while the PDF is being rendered), then
    marks it FAILED with the last error."""
    return _attempt(
        self,
        delivery_id,
        send=lambda pk: delivery.delivery_send(delivery_id=pk),
        mark_failed=lambda pk, reason: delivery.delivery_mark_failed(delivery_id=pk, reason=reason),
        permanent=delivery.PermanentDeliveryError,
        missing=Delivery.DoesNotExist,
    )


@shared_task(name="invoices.send_payment_reminders")
def send_payment_reminders() -> int:
    """Daily (Celery beat): create the reminders that are due today; each is sent by
    ``send_reminder``. Running it twice a day creates nothing the second time."""
    return len(reminders.reminders_create_due())


@shared_task(
    bind=True, max_retries=MAX_REMINDER_RETRIES, acks_late=True, name="invoices.send_reminder"
)
def send_reminder(self, reminder_id: str) -> str:
    """Render and send one payment reminder; retries with back-off, then FAILED."""
    return _attempt(
        self,
        reminder_id,
        send=lambda pk: reminders.reminder_send(reminder_id=pk),
        mark_failed=lambda pk, reason: reminders.reminder_mark_failed(
            reminder_id=pk, reason=reason
        ),
        permanent=reminders.PermanentReminderError,
        missing=Reminder.DoesNotExist,
    )
