"""Row locks in one place: re-read rows under ``select_for_update()`` in a fixed order."""

from uuid import UUID

from django.db import transaction

from offices.models import AgencyOffice

from .models import Invoice


def lock_invoice(invoice_id: UUID) -> Invoice:
    """The invoice row, locked until the surrounding transaction ends (no-op on SQLite)."""
    assert transaction.get_connection().in_atomic_block, "lock_invoice needs transaction.atomic"
    return Invoice.objects.select_for_update().get(pk=invoice_id)


def lock_office(office_id: UUID) -> AgencyOffice:
    """The office row (it holds the numbering counter). Lock an invoice first, then its office."""
    assert transaction.get_connection().in_atomic_block, "lock_office needs transaction.atomic"
    return AgencyOffice.objects.select_for_update().get(pk=office_id)
