"""Gap-free invoice numbering, one sequence per office.

The counter is ``AgencyOffice.next_sequence_number``. A number is taken inside the transaction
that locks the invoice, with the office row locked (``SELECT ... FOR UPDATE`` on PostgreSQL), so
concurrent LOCKs queue on the office row and a rolled-back transaction gives its number back:
no gaps, no duplicates. The unique constraint (office, invoice_number) is the last line of
defence. Format: ``{year}{officeIdentifier}{sequence:05d}``, e.g. ``20260100042``, with the
year in which the number is issued.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from invoicing_project.errors import Conflict
from offices.choices import Permission
from offices.models import AgencyOffice, Agent
from offices.selectors import office_get, require_permission

from .locks import lock_office
from .models import Invoice
from .references import reference_from_invoice_number

NUMBER_FORMAT = "{year}{office}{sequence:05d}"


def format_number(*, year: int, office_identifier: str, sequence: int) -> str:
    return NUMBER_FORMAT.format(year=year, office=office_identifier, sequence=sequence)


def assign_number(invoice: Invoice) -> None:
    """Give *invoice* the office's next number and its reference (caller holds the invoice lock
    and saves the invoice in the same transaction)."""
    if invoice.invoice_number:
        return
    office = lock_office(invoice.agency_office_id)
    sequence = office.next_sequence_number
    number = format_number(
        year=timezone.localdate().year,
        office_identifier=office.office_identifier,
        sequence=sequence,
    )
    if Invoice.objects.filter(agency_office_id=office.pk, invoice_number=number).exists():
        # Only a migrated invoice can hold a number the sequence has not issued yet; the
        # override refuses those, so this is a guard, never a silent skip (which would gap).
        raise Conflict(
            f"Invoice number {number} is taken already; reset the office's numbering past it."
        )
    invoice.sequence_number = sequence
    invoice.invoice_number = number
    invoice.reference_number = reference_from_invoice_number(invoice.invoice_number)
    office.next_sequence_number = sequence + 1
    office.save(update_fields=["next_sequence_number", "modified_at"])


@dataclass(frozen=True)
class Numbering:
    agency_office_id: UUID
    office_identifier: str
    next_sequence_number: int


def numbering_get(*, agent: Agent, office_id: UUID) -> Numbering:
    office = office_get(agent=agent, office_id=office_id)
    return Numbering(office.id, office.office_identifier, office.next_sequence_number)


@transaction.atomic
def numbering_reset(*, actor: Agent, office_id: UUID, next_sequence_number: int = 1) -> Numbering:
    """Set the office's next sequence number; 409 when a number it would issue exists already.

    The numbers to come this year are ``format(year, identifier, n)`` for ``n >= next``; if any
    invoice of the office already has one of them the reset would reissue it.
    """
    require_permission(actor, office_id, Permission.MANAGE_OFFICE, action="reset the numbering")
    office_get(agent=actor, office_id=office_id)  # 404 for an unknown office (superusers too)
    office: AgencyOffice = lock_office(office_id)
    prefix = f"{timezone.localdate().year}{office.office_identifier}"
    # Our own numbers and migrated ones in our format both count.
    issued = Invoice.objects.filter(
        agency_office=office, invoice_number__startswith=prefix
    ).values_list("invoice_number", flat=True)
    clashes = sorted(
        (int(number[len(prefix) :]), number)
        for number in issued
        if number[len(prefix) :].isdigit() and int(number[len(prefix) :]) >= next_sequence_number
    )
    clash = clashes[0][1] if clashes else None
    if clash is not None:
        raise Conflict(
            f"Resetting to {next_sequence_number} would reissue invoice number {clash}; "
            f"the next free sequence number is {office.next_sequence_number}."
        )
    office.next_sequence_number = next_sequence_number
    office.save(update_fields=["next_sequence_number", "modified_at"])
    return Numbering(office.id, office.office_identifier, office.next_sequence_number)


def is_future_number(office: AgencyOffice, number: str) -> bool:
    """Whether *number* is one the office's own sequence will still issue (this year)."""
    prefix = f"{timezone.localdate().year}{office.office_identifier}"
    rest = number[len(prefix) :]
    return (
        number.startswith(prefix)
        and len(rest) >= 5
        and rest.isdigit()
        and int(rest) >= office.next_sequence_number
    )
