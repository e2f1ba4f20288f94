"""Writes for invoices: create, replace and delete drafts.

Every service is keyword-only, runs in one transaction, checks the business rules, and raises
the domain errors of ``invoicing_project.errors``; the API, the clerk UI, the admin and the
management commands all call these. Amounts arrive in minor units (``int``) and are stored as
exact django-money values; the totals come from the pure ``invoices.tax`` module.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from invoicing_project.errors import FieldError, InvalidState, PreconditionFailed, ValidationFailed
from offices.choices import Permission, payment_terms_days
from offices.models import AgencyOffice, Agent, OfficeMembership, OfficePaymentAccount
from offices.selectors import office_with_accounts, require_permission
from parties.models import Party

from . import tax
from .audit import record_event
from .choices import (
    REASON_ID_FIELD,
    REASON_REQUIRED_ID,
    ActionType,
    CostType,
    Direction,
    InvoiceStatus,
    InvoicingMethod,
)
from .locks import lock_invoice
from .models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount
from .money import to_major, to_minor
from .selectors import etag_matches, invoice_etag, invoice_get


@dataclass
class CostData:
    amount: int
    vat_percentage: Decimal
    includes_vat: bool = False
    cost_type_code: str = CostType.OTHER
    description: str = ""
    included_in_commission: bool = False
    reverse_charge: bool = False
    quantity: Decimal = Decimal(1)
    name: str = ""
    item_code: str = ""
    discount: int = 0
    barcode: str = ""
    product_code: str = ""
    account_code: str = ""


@dataclass
class DiscountData:
    amount: int
    vat_percentage: Decimal
    includes_vat: bool = True
    description: str = ""


@dataclass
class PaymentAccountData:
    iban: str
    bic: str = ""
    bank_name: str = ""
    account_holder: str = ""


@dataclass
class InvoiceData:
    """The client-settable content of an invoice (server-owned fields are not here)."""

    agency_office_id: UUID
    invoicing_reason_code: str
    responsible_agent_id: UUID | None = None
    currency_code: str = "EUR"
    assignment_id: UUID | None = None
    trade_settlement_id: UUID | None = None
    rental_settlement_id: UUID | None = None
    realty_id: UUID | None = None
    commission_id: UUID | None = None
    invoicing_date: date | None = None
    issue_date: date | None = None
    due_date: date | None = None
    discount: DiscountData | None = None
    costs: list[CostData] = field(default_factory=list)
    party_ids: list[UUID] = field(default_factory=list)
    primary_party_id: UUID | None = None
    source_system_code: str = ""
    source_system_creation_time: datetime | None = None
    payment_accounts: list[PaymentAccountData] | None = None
    payment_terms_code: str | None = None
    other_payment_terms_description: str = ""
    late_payment_fee_percentage: Decimal | None = None
    notice_period: int | None = None
    invoicing_method_code: str | None = None
    e_invoicing_address: str = ""
    e_invoicing_operator_id: str = ""
    e_invoicing_operator_name: str = ""
    down_payment: int = 0
    deduction: int = 0
    billing_recipient: str | None = None
    billing_street_address: str = ""
    billing_postcode: str = ""
    billing_postal_area: str = ""
    billing_country_code: str = ""
    direction: str = Direction.SALES
    customer_reference: str = ""
    note: str = ""


# The largest sum of amounts on one invoice, in minor units: with VAT up to 100 % every stored
# figure stays well inside the money columns (16 integer digits).
MAX_INVOICE_MINOR = 10**15

# Targets of field errors use the API's camelCase paths, which the UI maps to its form fields.


def _check_rules(data: InvoiceData, office: AgencyOffice) -> tuple[dict[UUID, Party], UUID | None]:
    """Business rules that need the database; all violations reported together."""
    errors: list[FieldError] = []
    required = REASON_REQUIRED_ID.get(data.invoicing_reason_code)
    if required and getattr(data, REASON_ID_FIELD[required]) is None:
        errors.append(
            FieldError(
                required,
                "VALUE_REQUIRED",
                f"Mandatory request parameter {required} is missing "
                f"(invoicingReasonCode {data.invoicing_reason_code} needs it)",
            )
        )
    if (
        data.responsible_agent_id is not None
        and not OfficeMembership.objects.filter(
            office=office, agent_id=data.responsible_agent_id, agent__is_active=True
        ).exists()
    ):
        errors.append(
            FieldError(
                "invoice.responsibleAgentId",
                "INVALID_VALUE",
                "invoice.responsibleAgentId must be an agent of the agency office",
            )
        )
    parties = {p.id: p for p in Party.objects.filter(id__in=data.party_ids, office=office)}
    seen: set[UUID] = set()
    for index, party_id in enumerate(data.party_ids):
        target = f"invoice.invoicedParties.parties[{index}].partyId"
        if party_id not in parties:
            errors.append(
                FieldError(
                    target, "INVALID_VALUE", f"Party {party_id} does not exist in the agency office"
                )
            )
        elif party_id in seen:
            errors.append(FieldError(target, "INVALID_VALUE", f"Party {party_id} is listed twice"))
        seen.add(party_id)
    primary = data.primary_party_id
    if primary is not None and primary not in data.party_ids:
        errors.append(
            FieldError(
                "invoice.invoicedParties.primaryId",
                "INVALID_VALUE",
                "Request parameter invoice.invoicedParties.primaryId must be one of the parties",
            )
        )
    if primary is None and data.party_ids:
        primary = data.party_ids[0]
    if data.issue_date and data.due_date and data.due_date < data.issue_date:
        errors.append(
            FieldError(
                "invoice.dueDate", "INVALID_VALUE", "The due date cannot be before the issue date"
            )
        )
    gross = sum(abs(c.amount) for c in data.costs) + (
        abs(data.discount.amount) if data.discount else 0
    )
    if gross + data.down_payment + data.deduction > MAX_INVOICE_MINOR:
        errors.append(
            FieldError(
                "invoice.costs",
                "INVALID_VALUE",
                f"The amounts of one invoice may add up to at most {MAX_INVOICE_MINOR} minor units",
            )
        )
    if len(data.costs) > settings.INVOICING_MAX_LINES:
        errors.append(
            FieldError(
                "invoice.costs",
                "INVALID_VALUE",
                f"An invoice can have at most {settings.INVOICING_MAX_LINES} cost lines",
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    return parties, primary


def _apply(
    invoice: Invoice,
    data: InvoiceData,
    *,
    actor: Agent,
    office: AgencyOffice,
    office_accounts: Sequence[OfficePaymentAccount],
) -> None:
    """Write *data* onto *invoice* (saved) and replace its lines, parties and accounts.

    Without payment accounts in *data* the invoice gets the office's, *office_accounts*."""
    parties, primary_id = _check_rules(data, office)
    currency = data.currency_code
    primary = parties.get(primary_id) if primary_id else None

    invoice.agency_office = office
    invoice.direction = data.direction
    invoice.invoicing_reason_code = data.invoicing_reason_code
    for attr in (*REASON_ID_FIELD.values(), "commission_id"):
        setattr(invoice, attr, getattr(data, attr))
    invoice.responsible_agent_id = data.responsible_agent_id or actor.id
    invoice.currency_code = currency

    today = timezone.localdate()
    terms_code = data.payment_terms_code or office.default_payment_terms_code
    invoice.payment_terms_code = terms_code
    invoice.other_payment_terms_description = data.other_payment_terms_description
    invoice.invoicing_date = data.invoicing_date or data.issue_date or today
    invoice.issue_date = data.issue_date or invoice.invoicing_date
    invoice.due_date = data.due_date or invoice.issue_date + timedelta(
        days=payment_terms_days(terms_code)
    )
    invoice.late_payment_fee_percentage = (
        data.late_payment_fee_percentage
        if data.late_payment_fee_percentage is not None
        else office.default_late_payment_fee_percentage
    )
    invoice.notice_period = (
        data.notice_period if data.notice_period is not None else office.default_notice_period
    )

    method = data.invoicing_method_code
    e_address, operator_id, operator_name = (
        data.e_invoicing_address,
        data.e_invoicing_operator_id,
        data.e_invoicing_operator_name,
    )
    if method is None and primary is not None:
        # The party's own channel: an e-invoicing address wins, then e-mail, then paper.
        if primary.e_invoicing_address:
            method = InvoicingMethod.EINVOICING
            e_address = primary.e_invoicing_address
            operator_id = primary.e_invoicing_operator_id
            operator_name = primary.e_invoicing_operator_name
        elif primary.email:
            method = InvoicingMethod.EMAIL
        else:
            method = InvoicingMethod.PAPER
    invoice.invoicing_method_code = method or ""
    invoice.e_invoicing_address = e_address if method == InvoicingMethod.EINVOICING else ""
    invoice.e_invoicing_operator_id = operator_id if method == InvoicingMethod.EINVOICING else ""
    invoice.e_invoicing_operator_name = (
        operator_name if method == InvoicingMethod.EINVOICING else ""
    )

    if data.billing_recipient is None and primary is not None:
        invoice.billing_recipient = primary.name
        invoice.billing_street_address = primary.street_address
        invoice.billing_postcode = primary.postcode
        invoice.billing_postal_area = primary.postal_area
        invoice.billing_country_code = primary.country_code
    else:
        invoice.billing_recipient = data.billing_recipient or ""
        invoice.billing_street_address = data.billing_street_address
        invoice.billing_postcode = data.billing_postcode
        invoice.billing_postal_area = data.billing_postal_area
        invoice.billing_country_code = data.billing_country_code

    invoice.customer_reference = data.customer_reference
    invoice.note = data.note
    invoice.source_system_code = data.source_system_code
    invoice.source_system_creation_time = data.source_system_creation_time
    invoice.down_payment = Money(to_major(data.down_payment, currency), currency)
    invoice.deduction = Money(to_major(data.deduction, currency), currency)
    if data.discount is not None:
        invoice.discount_amount = Money(to_major(data.discount.amount, currency), currency)
        invoice.discount_vat_percentage = data.discount.vat_percentage
        invoice.discount_includes_vat = data.discount.includes_vat
        invoice.discount_description = data.discount.description
    else:
        invoice.discount_amount = None
        invoice.discount_vat_percentage = None
        invoice.discount_includes_vat = True
        invoice.discount_description = ""

    lines = [
        InvoiceLine(
            invoice=invoice,
            position=index,
            cost_type_code=cost.cost_type_code,
            name=cost.name,
            description=cost.description,
            item_code=cost.item_code,
            quantity=cost.quantity,
            unit_amount=Money(to_major(cost.amount, currency), currency),
            includes_vat=cost.includes_vat,
            vat_percentage=cost.vat_percentage,
            reverse_charge=cost.reverse_charge,
            included_in_commission=cost.included_in_commission,
            # Every money field shares the line's currency column; give each its currency,
            # or a field's EUR default would overwrite the column.
            vat_excluded=Money(0, currency),
            vat=Money(0, currency),
            vat_included=Money(0, currency),
            discount_amount=Money(to_major(cost.discount, currency), currency),
            barcode=cost.barcode,
            product_code=cost.product_code,
            account_code=cost.account_code,
        )
        for index, cost in enumerate(data.costs)
    ]
    _set_totals(invoice, lines)
    if invoice.created_by_id is None:
        invoice.created_by = actor
    replacing = not invoice._state.adding  # a new invoice has nothing to replace
    invoice.save()
    if replacing:
        invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(lines)

    if replacing:
        invoice.invoiced_parties.all().delete()
    InvoiceParty.objects.bulk_create(
        InvoiceParty(
            invoice=invoice, party_id=party_id, is_primary=party_id == primary_id, position=i
        )
        for i, party_id in enumerate(data.party_ids)
    )

    accounts = data.payment_accounts
    if accounts is None:
        accounts = [
            PaymentAccountData(
                iban=a.iban, bic=a.bic, bank_name=a.bank_name, account_holder=a.account_holder
            )
            for a in office_accounts
        ]
    if replacing:
        invoice.payment_accounts.all().delete()
    InvoicePaymentAccount.objects.bulk_create(
        InvoicePaymentAccount(
            invoice=invoice,
            position=i,
            iban=a.iban,
            bic=a.bic,
            bank_name=a.bank_name,
            account_holder=a.account_holder,
        )
        for i, a in enumerate(accounts)
    )


def line_input(line: InvoiceLine, currency: str) -> tax.LineInput:
    return tax.LineInput(
        unit_amount=Decimal(to_minor(line.unit_amount.amount, currency)),
        vat_percentage=line.vat_percentage,
        includes_vat=line.includes_vat,
        quantity=line.quantity,
        reverse_charge=line.reverse_charge,
        discount=Decimal(to_minor(line.discount_amount.amount, currency)),
    )


def invoice_tax_lines(invoice: Invoice, lines: Sequence[InvoiceLine]) -> list[tax.LineInput]:
    """The tax module's view of an invoice: its lines, then the discount as a negative line."""
    inputs = [line_input(line, invoice.currency_code) for line in lines]
    if invoice.discount_amount is not None:
        inputs.append(
            tax.discount_line(
                Decimal(to_minor(invoice.discount_amount.amount, invoice.currency_code)),
                invoice.discount_vat_percentage or Decimal(0),
                invoice.discount_includes_vat,
            )
        )
    return inputs


def invoice_totals(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> tax.Totals:
    """The invoice's totals from the tax module (lines from the prefetch cache if given)."""
    if lines is None:
        lines = list(invoice.lines.all())
    currency = invoice.currency_code
    return tax.invoice_totals(
        invoice_tax_lines(invoice, lines),
        down_payment=Decimal(to_minor(invoice.down_payment.amount, currency)),
        deduction=Decimal(to_minor(invoice.deduction.amount, currency)),
    )


def _set_totals(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """Put the per-line figures on *lines* and the totals on *invoice* (neither saved)."""
    currency = invoice.currency_code
    totals = invoice_totals(invoice, lines)
    for line, amounts in zip(lines, totals.lines, strict=False):
        line.vat_excluded = Money(to_major(amounts.vat_excluded, currency), currency)
        line.vat = Money(to_major(amounts.vat, currency), currency)
        line.vat_included = Money(to_major(amounts.vat_included, currency), currency)
    invoice.total_vat_excluded = Money(to_major(totals.vat_excluded, currency), currency)
    invoice.total_vat = Money(to_major(totals.vat, currency), currency)
    invoice.total_vat_included = Money(to_major(totals.vat_included, currency), currency)
    invoice.amount_due = Money(to_major(totals.amount_due, currency), currency)


@transaction.atomic
def invoice_create(*, actor: Agent, data: InvoiceData) -> Invoice:
    require_permission(
        actor, data.agency_office_id, Permission.DRAFT, action="create invoices", conceal=False
    )
    office, office_accounts = office_with_accounts(data.agency_office_id)
    if office is None:  # only a superuser gets here with an unknown office
        raise ValidationFailed.field(
            "invoice.agencyOfficeId", f"Agency office {data.agency_office_id} does not exist"
        )
    invoice = Invoice()
    _apply(invoice, data, actor=actor, office=office, office_accounts=office_accounts)
    record_event(invoice, ActionType.CREATE, from_status="", agent=actor)
    return invoice


@transaction.atomic
def invoice_update(
    *, actor: Agent, invoice_id: UUID, data: InvoiceData, if_match: str | None = None
) -> Invoice:
    """Replace the details of a DRAFT invoice (PUT semantics). With *if_match* (an If-Match
    header) the invoice must still have that ETag, checked under the row lock."""
    current = invoice_get(agent=actor, invoice_id=invoice_id)
    require_permission(actor, current.agency_office_id, Permission.DRAFT, action="edit invoices")
    invoice = lock_invoice(invoice_id)
    if if_match is not None and not etag_matches(if_match, invoice_etag(invoice)):
        raise PreconditionFailed()
    if invoice.status_code != InvoiceStatus.DRAFT:
        raise InvalidState(
            f"Only a DRAFT invoice can be updated; this invoice is {invoice.status_code}."
        )
    if invoice.is_credit_note:
        raise InvalidState(
            "A credit note is a negated copy of its invoice and cannot be edited; "
            "lock and reject it, then create a new one."
        )
    if data.agency_office_id != invoice.agency_office_id:
        raise ValidationFailed.field(
            "invoice.agencyOfficeId", "The agency office of an existing invoice cannot change"
        )
    office, office_accounts = office_with_accounts(invoice.agency_office_id)
    _apply(invoice, data, actor=actor, office=office, office_accounts=office_accounts)
    return invoice


@transaction.atomic
def invoice_delete(*, actor: Agent, invoice_id: UUID) -> None:
    """Delete a DRAFT that has never been numbered (a numbered invoice is never deleted)."""
    current = invoice_get(agent=actor, invoice_id=invoice_id)
    require_permission(actor, current.agency_office_id, Permission.DRAFT, action="delete invoices")
    invoice = lock_invoice(invoice_id)
    if invoice.status_code != InvoiceStatus.DRAFT:
        raise InvalidState(
            f"Only a DRAFT invoice can be deleted; this invoice is {invoice.status_code}."
        )
    if invoice.invoice_number or invoice.reference_number:
        raise InvalidState(
            f"Invoice {invoice.invoice_number} has been numbered and can never be deleted."
        )
    # Only previews can exist for a never-numbered draft; they go with it, files included.
    for document in invoice.documents.all():
        if document.file:
            document.file.delete(save=False)
        document.delete()
    invoice.delete()


@transaction.atomic
def invoice_recalculate_totals(*, invoice_id: UUID) -> Invoice:
    """Recompute per-line figures and totals from the stored lines (after an admin edit)."""
    invoice = lock_invoice(invoice_id)
    lines = list(invoice.lines.all())
    _set_totals(invoice, lines)
    InvoiceLine.objects.bulk_update(lines, ["vat_excluded", "vat", "vat_included"])
    invoice.save(
        update_fields=[
            "total_vat_excluded",
            "total_vat",
            "total_vat_included",
            "amount_due",
            "modified_at",
        ]
    )
    return invoice
