"""Services shared by the compatibility APIs: foreign ids, offices, money at the edge, issuing.

Every figure still comes from ``invoices.tax`` through ``invoices.services``; what is here only
translates between a foreign system's terms and ours: its ids to our parties, offices and
invoices (scoped to the caller's offices, so the office walls hold), its major-unit decimal
amounts to our integer minor units (exactly, never rounding silently), and "issue" (LOCK then
APPROVE through ``invoices.lifecycle``, the only way an invoice's state changes).
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from invoices.choices import InvoicingReason
from invoices.lifecycle import invoice_action
from invoices.models import Invoice
from invoices.money import is_known_currency, minor_unit_exponent, to_major, to_minor
from invoices.services import CostData, InvoiceData, invoice_create
from invoicing_project.errors import Conflict, NotFound, ValidationFailed
from offices.choices import Permission
from offices.models import AgencyOffice, Agent
from offices.selectors import require_permission, visible_office_ids
from parties.models import Party
from parties.services import PARTY_FIELDS, party_create

from .choices import IdKind
from .models import ExternalId, OfficeUrlKey

# --- money at the edge --------------------------------------------------------------------------


def currency_check(currency: str, target: str) -> str:
    """*currency* if the product accepts it (``settings.CURRENCIES``), else a 400 on *target*."""
    if not is_known_currency(currency) or currency not in settings.CURRENCIES:
        raise ValidationFailed.field(
            target,
            f"{target} {currency!r} is not supported; use one of {', '.join(settings.CURRENCIES)}",
        )
    return currency


def minor(value: Decimal, currency: str, target: str) -> int:
    """A major-unit decimal amount (``182.64``) as minor units (``18264``), exactly: more
    decimals than the currency has is a 400 on *target*, never a silent rounding."""
    exponent = minor_unit_exponent(currency)
    value = Decimal(value)
    if value != value.quantize(Decimal(1).scaleb(-exponent)):
        raise ValidationFailed.field(
            target, f"{target} {value} has more decimals than {currency} allows ({exponent})"
        )
    return to_minor(value, currency)


def major(minor_units: int | Decimal, currency: str) -> int | Decimal:
    """Minor units as a major-unit number for JSON: ``22100`` -> ``221``, ``18264`` ->
    ``Decimal('182.64')`` (exact; the JSON renderer writes it as a number)."""
    value = to_major(minor_units, currency)
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def major_text(minor_units: int | Decimal, currency: str) -> str:
    """Minor units as a major-unit string with the currency's decimals: ``1250`` -> ``'12.50'``."""
    return str(to_major(minor_units, currency))


def money_out(money) -> int | Decimal:
    """A stored djmoney ``Money`` (whole minor units) as a major-unit number for JSON."""
    currency = str(money.currency)
    return major(to_minor(money.amount, currency), currency)


def number(value: Decimal) -> int | Decimal:
    """A percentage or quantity for JSON: ``Decimal('21.00')`` -> ``21``, ``'25.50'`` -> 25.5."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


# --- offices and parties ------------------------------------------------------------------------


def office_for_url_key(*, agent: Agent, system: str, url_key: str) -> tuple[AgencyOffice, Any]:
    """The office a URL key names, if the agent may see it; else ``NotFound`` (an office of
    someone else is indistinguishable from an unknown key)."""
    key = OfficeUrlKey.objects.select_related("office").filter(system=system, url_key=url_key)
    record = key.first()
    visible = visible_office_ids(agent)
    if record is None or (visible is not None and record.office_id not in visible):
        raise NotFound(f"No business with urlKey {url_key!r} was found.")
    return record.office, record


def drafting_offices(agent: Agent) -> list[uuid.UUID] | None:
    """Offices where *agent* may draft invoices (``None``: every office, a superuser)."""
    return visible_office_ids(agent, Permission.DRAFT)


def party_for_foreign_id(
    *,
    agent: Agent,
    system: str,
    kind: str,
    foreign_id: str,
    target: str,
    office_id: uuid.UUID | None = None,
) -> Party:
    """The party a foreign customer id names in the agent's offices (or in *office_id*).

    First the mapping (``ExternalId``), then our own party UUID. Unknown, or in an office the
    agent cannot draft in: 400 on *target* (an id in a body, as in the primary API).
    """
    offices = drafting_offices(agent)
    mappings = ExternalId.objects.filter(system=system, kind=kind, external_id=foreign_id)
    if offices is not None:
        mappings = mappings.filter(office_id__in=offices)
    if office_id is not None:
        mappings = mappings.filter(office_id=office_id)
    found = list(mappings[:2])
    if len(found) > 1:
        raise ValidationFailed.field(
            target,
            f"{target} {foreign_id!r} names customers in several of your offices; "
            "send our party id (a UUID) instead",
        )
    parties = Party.objects.select_related("office")
    if found:
        party = parties.filter(pk=found[0].object_id, office_id=found[0].office_id).first()
    else:
        party = None
        try:
            party_uuid = uuid.UUID(foreign_id)
        except ValueError:
            party_uuid = None
        if party_uuid is not None:
            candidates = parties.filter(pk=party_uuid)
            if offices is not None:
                candidates = candidates.filter(office_id__in=offices)
            if office_id is not None:
                candidates = candidates.filter(office_id=office_id)
            party = candidates.first()
    if party is None:
        raise ValidationFailed.field(target, f"{target} {foreign_id!r} is not a known customer")
    return party


def party_create_mapped(
    *,
    actor: Agent,
    office_id: uuid.UUID,
    system: str,
    kind: str,
    foreign_id: str,
    fields: dict[str, Any],
) -> Party:
    """A new party (``parties.services.party_create``) mapped to a foreign id; when a
    concurrent request mapped the id first, that party (and no second one)."""
    try:
        with transaction.atomic():
            party = party_create(actor=actor, office_id=office_id, fields=fields)
            state_code = fields.get("state_code", "")
            if state_code and "state_code" not in PARTY_FIELDS:
                # parties.services does not take state_code (yet): a column of the new row.
                Party.objects.filter(pk=party.pk).update(state_code=state_code)
                party.state_code = state_code
            ExternalId.objects.create(
                system=system,
                kind=kind,
                office_id=office_id,
                external_id=foreign_id,
                object_id=party.pk,
            )
    except IntegrityError:
        existing = mapped_party(
            system=system, kind=kind, office_id=office_id, foreign_id=foreign_id
        )
        if existing is None:
            raise
        return existing
    return party


def mapped_party(*, system: str, kind: str, office_id: uuid.UUID, foreign_id: str) -> Party | None:
    mapping = ExternalId.objects.filter(
        system=system, kind=kind, office_id=office_id, external_id=foreign_id
    ).first()
    if mapping is None:
        return None
    return Party.objects.filter(pk=mapping.object_id, office_id=office_id).first()


def foreign_id_of(*, system: str, kind: str, office_id: uuid.UUID, object_id: uuid.UUID) -> str:
    mapping = (
        ExternalId.objects.filter(
            system=system, kind=kind, office_id=office_id, object_id=object_id
        )
        .order_by("created_at", "id")
        .first()
    )
    return mapping.external_id if mapping else ""


def external_id_create(
    *,
    system: str,
    kind: str,
    office_id: uuid.UUID,
    external_id: str,
    object_id: uuid.UUID,
    data: dict | None = None,
) -> ExternalId:
    """Record a foreign id; an id the office has already is a ``Conflict``."""
    try:
        with transaction.atomic():
            return ExternalId.objects.create(
                system=system,
                kind=kind,
                office_id=office_id,
                external_id=external_id,
                object_id=object_id,
                data=data or {},
            )
    except IntegrityError as exc:
        raise Conflict(f"{external_id} is already in use in this office.") from exc


def invoice_mapping(*, system: str, invoice_id: uuid.UUID) -> ExternalId | None:
    return ExternalId.objects.filter(
        system=system, kind=IdKind.INVOICE, object_id=invoice_id
    ).first()


# --- invoices -----------------------------------------------------------------------------------


def invoice_create_mapped(
    *,
    actor: Agent,
    system: str,
    party: Party,
    currency: str,
    issue_date: date | None,
    costs: list[CostData],
    source_system_code: str,
    external_id: str | None = None,
    mapping_data: dict | None = None,
    **fields: Any,
) -> tuple[Invoice, ExternalId]:
    """A DRAFT invoice to one party (``invoices.services.invoice_create``: invoicing reason
    OTHER, the issue date also the invoicing date, *fields* for the rest of ``InvoiceData``)
    and its ``ExternalId`` of *system* (*external_id*, else our invoice id)."""
    invoice = invoice_create(
        actor=actor,
        data=InvoiceData(
            agency_office_id=party.office_id,
            invoicing_reason_code=InvoicingReason.OTHER,
            currency_code=currency,
            invoicing_date=issue_date,
            issue_date=issue_date,
            costs=costs,
            party_ids=[party.pk],
            primary_party_id=party.pk,
            source_system_code=source_system_code,
            **fields,
        ),
    )
    mapping = external_id_create(
        system=system,
        kind=IdKind.INVOICE,
        office_id=party.office_id,
        external_id=external_id or str(invoice.pk),
        object_id=invoice.pk,
        data=mapping_data,
    )
    return invoice, mapping


# --- lifecycle ----------------------------------------------------------------------------------


def require_issuing(actor: Agent, office_id: uuid.UUID, *, action: str) -> None:
    """403 (``Forbidden``) unless the agent may approve in the office: issuing an invoice is
    LOCK + APPROVE, and a clerk may only draft and lock."""
    require_permission(actor, office_id, Permission.APPROVE, action=action, conceal=False)


def invoice_issue(*, actor: Agent, invoice_id: uuid.UUID) -> None:
    """LOCK (numbering) then APPROVE (final document, rendered after commit) in the caller's
    transaction: if either fails, the invoice is not created at all."""
    invoice_action(actor=actor, invoice_id=invoice_id, action="LOCK")
    invoice_action(actor=actor, invoice_id=invoice_id, action="APPROVE")
