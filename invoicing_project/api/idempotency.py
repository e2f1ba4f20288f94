"""``Idempotency-Key`` for every POST of the API.

The first request with a key stores a record (committed at once, so concurrent duplicates see
it), runs the handler and stores the answer in the handler's transaction. A retry with the same
key and the same request gets the stored status and body again with ``Idempotent-Replayed:
true`` and nothing happens twice; a concurrent duplicate waits for the first to finish and is
replayed; the same key with another request is 409 CONFLICT. Keys are per agent and expire
after 24 hours.
"""

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from invoicing_project.errors import Conflict, DomainError, FieldError
from offices.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
WAIT_SECONDS = 10.0
STALE_AFTER = timedelta(seconds=120)  # an unfinished record older than this was abandoned


class KeyReused(Conflict):
    default_description = "This Idempotency-Key was used with a different request."


class Replayed(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request._request.body)  # read before DRF parses, so it stays readable
    return digest.hexdigest()


def begin(request) -> IdempotencyRecord | None:
    """The record for this request, or ``None`` without a key; raises ``Replayed`` when an
    earlier request with the key has answered already."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            errors=[FieldError(HEADER, "INVALID_VALUE", f"{HEADER} must be 1-255 characters")]
        )
    request_hash = _request_hash(request)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    agent=request.user,
                    key=key,
                    method=request.method,
                    path=request.path,
                    request_hash=request_hash,
                )
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(agent=request.user, key=key).first()
        if existing is None:
            continue  # deleted meanwhile (expired or abandoned): try to take the key
        now = timezone.now()
        if existing.created_at < now - settings.INVOICING_IDEMPOTENCY_TTL:
            existing.delete()
            continue
        if existing.request_hash != request_hash:
            raise KeyReused(
                errors=[
                    FieldError(
                        HEADER,
                        "INVALID_VALUE",
                        f"{HEADER} {key!r} was first used for another request "
                        f"({existing.method} {existing.path})",
                    )
                ]
            )
        if existing.status_code is not None:
            raise Replayed(existing)
        if existing.created_at < now - STALE_AFTER:
            existing.delete()  # the first request died without answering
            continue
        if time.monotonic() > deadline:
            raise Conflict(f"A request with {HEADER} {key!r} is still being processed; retry.")
        time.sleep(0.05)


def complete(record: IdempotencyRecord, response) -> None:
    """Store the answer (not for 5xx: those may be retried for real)."""
    if response.status_code >= 500:
        abandon(record)
        return
    headers = {name: response[name] for name in ("Location",) if response.has_header(name)}
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        response_body=getattr(response, "data", None),
        response_headers=headers,
        completed_at=timezone.now(),
    )


def abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def cleanup(now=None) -> int:
    """Delete expired keys; returns how many."""
    cutoff = (now or timezone.now()) - settings.INVOICING_IDEMPOTENCY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
