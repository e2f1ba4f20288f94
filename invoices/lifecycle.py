"""The invoice lifecycle: actions, credit notes and the migration override.

Each service locks the invoice row, checks permission and state, runs the django-fsm transition,
saves, and records the audit event, all in one transaction. State rules live in the model's
transitions; everything else (completeness, numbering, dates, credit-note rules) is here.
"""

from datetime import date
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed
from djmoney.money import Money

from invoicing_project.errors import Conflict, FieldError, InvalidState, ValidationFailed
from offices.choices import Permission
from offices.models import Agent
from offices.selectors import permissions_in, require_permission

from .audit import record_event
from .choices import (
    REASON_ID_FIELD,
    REASON_REQUIRED_ID,
    ActionType,
    Direction,
    InvoiceStatus,
    InvoiceType,
    InvoicingMethod,
)
from .delivery import schedule_delivery
from .documents import final_document_create
from .locks import lock_invoice
from .models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount
from .numbering import assign_number, is_future_number
from .references import is_valid_reference
from .selectors import invoice_get

ACTION_PERMISSION = {
    ActionType.LOCK: Permission.DRAFT,
    ActionType.UNLOCK: Permission.DRAFT,
    ActionType.APPROVE: Permission.APPROVE,
    ActionType.REJECT: Permission.APPROVE,
    ActionType.MARK_AS_PAID: Permission.APPROVE,
    ActionType.MARK_AS_UNPAID: Permission.APPROVE,
}

_TRANSITIONS = {
    ActionType.LOCK: "lock",
    ActionType.UNLOCK: "unlock",
    ActionType.APPROVE: "approve",
    ActionType.REJECT: "reject",
}


def allowed_actions(invoice: Invoice) -> list[str]:
    """The actions the invoice's state allows (whoever asks)."""
    actions = [
        action for action, method in _TRANSITIONS.items() if can_proceed(getattr(invoice, method))
    ]
    if invoice.status_code == InvoiceStatus.APPROVED:
        actions.append(ActionType.MARK_AS_UNPAID if invoice.is_paid else ActionType.MARK_AS_PAID)
    return actions


def available_actions(invoice: Invoice, agent: Agent) -> list[str]:
    """The actions *agent* may take on *invoice* now (state and role): what the UI offers."""
    perms = permissions_in(agent, invoice.agency_office_id)
    return [a for a in allowed_actions(invoice) if ACTION_PERMISSION[a] in perms]


def lock_blockers(invoice: Invoice) -> list[FieldError]:
    """What an invoice lacks before it can be locked (an empty list means complete)."""
    missing: list[FieldError] = []

    def need(target: str, message: str) -> None:
        missing.append(FieldError(target, "VALUE_REQUIRED", message))

    required_id = REASON_REQUIRED_ID.get(invoice.invoicing_reason_code)
    if required_id and getattr(invoice, REASON_ID_FIELD[required_id]) is None:
        need(required_id, f"{invoice.invoicing_reason_code} invoices need {required_id}")
    lines = list(invoice.lines.all())
    parties = list(invoice.invoiced_parties.all())
    if not lines:
        need("invoice.costs", "The invoice has no cost lines")
    if not parties:
        need("invoice.invoicedParties", "The invoice has no invoiced parties")
    elif not any(p.is_primary for p in parties):
        need("invoice.invoicedParties.primaryId", "The invoice has no primary party")
    for name, value in (
        ("invoicingDate", invoice.invoicing_date),
        ("issueDate", invoice.issue_date),
        ("dueDate", invoice.due_date),
    ):
        if value is None:
            need(f"invoice.{name}", f"The invoice has no {name}")
    if invoice.direction == Direction.PURCHASE:
        return missing  # a received invoice is paid by us: no accounts or channel of ours
    if invoice.amount_due.amount > 0 and not invoice.payment_accounts.exists():
        need("invoice.paymentAccounts", "Money is due but the invoice has no payment account")
    if not invoice.invoicing_method_code:
        need("invoice.terms.invoicing.invoicingMethodCode", "The invoice has no invoicing method")
    elif invoice.invoicing_method_code == InvoicingMethod.EINVOICING and not (
        invoice.e_invoicing_address and invoice.e_invoicing_operator_id
    ):
        need(
            "invoice.terms.invoicing.eInvoicing",
            "E-invoicing needs an e-invoicing address and an operator id",
        )
    if invoice.invoicing_method_code == InvoicingMethod.PAPER and not (
        invoice.billing_recipient and invoice.billing_street_address and invoice.billing_postcode
    ):
        need("invoice.billingAddress", "A paper invoice needs a full billing address")
    return missing


def _check_credit_note(credit_note: Invoice, action: str) -> None:
    """A credit note moves forward only while its original is still APPROVED and uncredited."""
    if not credit_note.is_credit_note or action not in (
        ActionType.LOCK,
        ActionType.APPROVE,
        ActionType.UNLOCK,
    ):
        return
    original = credit_note.credited_invoice
    if original.status_code != InvoiceStatus.APPROVED:
        raise InvalidState(
            f"The credited invoice {original.invoice_number} is {original.status_code}, "
            "so this credit note cannot proceed."
        )
    if (
        action == ActionType.UNLOCK
        and _active_credit_notes(original).exclude(pk=credit_note.pk).exists()
    ):
        raise InvalidState("The credited invoice already has another active credit note.")


def _active_credit_notes(original: Invoice):
    return Invoice.objects.filter(credited_invoice=original).exclude(
        status_code=InvoiceStatus.REJECTED
    )


def _state_error(invoice: Invoice, action: str) -> InvalidState:
    allowed = ", ".join(allowed_actions(invoice)) or "none"
    paid = " and paid" if invoice.status_code == InvoiceStatus.APPROVED and invoice.is_paid else ""
    description = (
        f"Action {action} is not allowed when the invoice is {invoice.status_code}{paid}. "
        f"Allowed actions: {allowed}."
    )
    return InvalidState(
        description,
        [FieldError("actionTypeCode", "INVALID_STATE", description)],
    )


@transaction.atomic
def invoice_action(
    *, actor: Agent, invoice_id: UUID, action: str, paid_date: date | None = None
) -> Invoice:
    """Run one action of the seed's actions endpoint (LOCK, UNLOCK, APPROVE, REJECT,
    MARK_AS_PAID, MARK_AS_UNPAID)."""
    current = invoice_get(agent=actor, invoice_id=invoice_id)
    require_permission(
        actor, current.agency_office_id, ACTION_PERMISSION[action], action=f"{action} invoices"
    )
    invoice = lock_invoice(invoice_id)
    if action not in allowed_actions(invoice):
        raise _state_error(invoice, action)
    _check_credit_note(invoice, action)
    from_status = invoice.status_code
    details: dict = {}

    if action == ActionType.LOCK:
        blockers = lock_blockers(invoice)
        if blockers:
            raise InvalidState("The invoice is incomplete and cannot be locked.", blockers)
        assign_number(invoice)
        details = {
            "invoiceNumber": invoice.invoice_number,
            "referenceNumber": invoice.reference_number,
        }
    if action in _TRANSITIONS:
        getattr(invoice, _TRANSITIONS[action])()
    if action == ActionType.APPROVE:
        invoice.approved_date = timezone.localdate()
        final_document_create(invoice)
        schedule_delivery(invoice)
    elif action == ActionType.MARK_AS_PAID:
        invoice.is_paid = True
        invoice.paid_date = paid_date or timezone.localdate()
        details = {"paidDate": invoice.paid_date.isoformat()}
    elif action == ActionType.MARK_AS_UNPAID:
        invoice.is_paid = False
        invoice.paid_date = None

    try:
        invoice.save()
    except ConcurrentTransition as exc:  # pragma: no cover - the row lock prevents it
        raise Conflict("The invoice changed meanwhile; try again.") from exc
    record_event(invoice, action, from_status=from_status, agent=actor, details=details)

    if action == ActionType.APPROVE and invoice.is_credit_note:
        _credit_original(invoice, actor)
    return invoice


def _credit_original(credit_note: Invoice, actor: Agent) -> None:
    original = lock_invoice(credit_note.credited_invoice_id)
    if original.status_code != InvoiceStatus.APPROVED:
        raise InvalidState(f"The credited invoice is {original.status_code}, not APPROVED.")
    from_status = original.status_code
    original.mark_credited()
    original.save()
    record_event(
        original,
        ActionType.CREDIT,
        from_status=from_status,
        agent=actor,
        details={
            "creditNoteId": str(credit_note.id),
            "creditNoteNumber": credit_note.invoice_number,
        },
    )


@transaction.atomic
def credit_note_create(
    *,
    actor: Agent,
    invoice_id: UUID,
    invoicing_date: date,
    issue_date: date,
    due_date: date,
    reason: str,
    payment_terms_description: str = "",
    invoicing_method_code: str | None = None,
    e_invoicing_address: str = "",
    e_invoicing_operator_id: str = "",
    e_invoicing_operator_name: str = "",
) -> Invoice:
    """A whole credit note for an APPROVED invoice: the lines negated, its own number.

    Only once per invoice: a credit note counts unless it was rejected.
    """
    current = invoice_get(agent=actor, invoice_id=invoice_id)
    require_permission(
        actor, current.agency_office_id, Permission.DRAFT, action="create credit notes"
    )
    original = lock_invoice(invoice_id)
    if original.is_credit_note:
        raise InvalidState("A credit note cannot be credited.")
    if original.status_code != InvoiceStatus.APPROVED:
        raise InvalidState(
            f"Only an APPROVED invoice can be credited; this invoice is {original.status_code}."
        )
    existing = _active_credit_notes(original).first()
    if existing is not None:
        raise InvalidState(
            f"The invoice already has credit note {existing.invoice_number} "
            f"({existing.status_code})."
        )
    if due_date < issue_date:
        raise ValidationFailed.field("dueDate", "The due date cannot be before the issue date")

    def negated(money: Money | None) -> Money | None:
        return None if money is None else Money(-money.amount, money.currency)

    credit_note = Invoice(
        agency_office_id=original.agency_office_id,
        direction=original.direction,
        invoice_type_code=InvoiceType.CREDIT_NOTE,
        invoicing_reason_code=original.invoicing_reason_code,
        assignment_id=original.assignment_id,
        trade_settlement_id=original.trade_settlement_id,
        rental_settlement_id=original.rental_settlement_id,
        realty_id=original.realty_id,
        commission_id=original.commission_id,
        responsible_agent_id=original.responsible_agent_id,
        currency_code=original.currency_code,
        invoicing_date=invoicing_date,
        issue_date=issue_date,
        due_date=due_date,
        discount_amount=negated(original.discount_amount),
        discount_includes_vat=original.discount_includes_vat,
        discount_vat_percentage=original.discount_vat_percentage,
        discount_description=original.discount_description,
        source_system_code=original.source_system_code,
        payment_terms_code=original.payment_terms_code,
        other_payment_terms_description=payment_terms_description,
        late_payment_fee_percentage=original.late_payment_fee_percentage,
        notice_period=original.notice_period,
        invoicing_method_code=invoicing_method_code or original.invoicing_method_code,
        e_invoicing_address=e_invoicing_address
        if invoicing_method_code
        else original.e_invoicing_address,
        e_invoicing_operator_id=(
            e_invoicing_operator_id if invoicing_method_code else original.e_invoicing_operator_id
        ),
        e_invoicing_operator_name=(
            e_invoicing_operator_name
            if invoicing_method_code
            else original.e_invoicing_operator_name
        ),
        down_payment=negated(original.down_payment),
        deduction=negated(original.deduction),
        billing_recipient=original.billing_recipient,
        billing_street_address=original.billing_street_address,
        billing_postcode=original.billing_postcode,
        billing_postal_area=original.billing_postal_area,
        billing_country_code=original.billing_country_code,
        credited_invoice=original,
        credit_note_reason=reason,
        customer_reference=original.customer_reference,
        total_vat_excluded=negated(original.total_vat_excluded),
        total_vat=negated(original.total_vat),
        total_vat_included=negated(original.total_vat_included),
        amount_due=negated(original.amount_due),
        created_by=actor,
    )
    assign_number(credit_note)
    credit_note.save()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=credit_note,
            position=line.position,
            cost_type_code=line.cost_type_code,
            name=line.name,
            description=line.description,
            item_code=line.item_code,
            quantity=line.quantity,
            unit_amount=negated(line.unit_amount),
            includes_vat=line.includes_vat,
            vat_percentage=line.vat_percentage,
            reverse_charge=line.reverse_charge,
            included_in_commission=line.included_in_commission,
            vat_excluded=negated(line.vat_excluded),
            vat=negated(line.vat),
            vat_included=negated(line.vat_included),
            discount_amount=negated(line.discount_amount),
            barcode=line.barcode,
            product_code=line.product_code,
            account_code=line.account_code,
        )
        for line in original.lines.all()
    )
    InvoiceParty.objects.bulk_create(
        InvoiceParty(
            invoice=credit_note, party_id=p.party_id, is_primary=p.is_primary, position=p.position
        )
        for p in original.invoiced_parties.all()
    )
    InvoicePaymentAccount.objects.bulk_create(
        InvoicePaymentAccount(
            invoice=credit_note,
            position=a.position,
            iban=a.iban,
            bic=a.bic,
            bank_name=a.bank_name,
            account_holder=a.account_holder,
        )
        for a in original.payment_accounts.all()
    )
    record_event(
        credit_note,
        ActionType.CREATE,
        from_status="",
        agent=actor,
        details={
            "creditedInvoiceId": str(original.id),
            "invoiceNumber": credit_note.invoice_number,
        },
    )
    return credit_note


@transaction.atomic
def invoice_final_status_override(
    *,
    actor: Agent,
    invoice_id: UUID,
    invoice_type_code: str,
    status_code: str,
    invoice_number: str,
    reference_number: str,
    is_paid: bool = False,
    paid_date: date | None = None,
    approved_date: date | None = None,
    issue_date: date | None = None,
    invoice_document_id: UUID | None = None,
) -> Invoice:
    """Migration: put an invoice brought over from another system into its final status."""
    current = invoice_get(agent=actor, invoice_id=invoice_id)
    require_permission(
        actor, current.agency_office_id, Permission.MIGRATE, action="override invoice status"
    )
    invoice = lock_invoice(invoice_id)
    errors: list[FieldError] = []
    if invoice_type_code != invoice.invoice_type_code:
        errors.append(
            FieldError(
                "invoiceTypeCode",
                "INVALID_VALUE",
                f"invoiceTypeCode must be {invoice.invoice_type_code}",
            )
        )
    if not is_valid_reference(reference_number):
        errors.append(
            FieldError(
                "invoice.referenceNumber",
                "INVALID_VALUE",
                f"{reference_number} is not a valid Finnish or RF reference (check digit)",
            )
        )
    if is_paid and paid_date is None:
        errors.append(
            FieldError("invoice.paidDate", "VALUE_REQUIRED", "A paid invoice needs its paidDate")
        )
    if not is_paid and paid_date is not None:
        errors.append(
            FieldError("invoice.paidDate", "INVALID_VALUE", "paidDate given for an unpaid invoice")
        )
    if errors:
        raise ValidationFailed(errors=errors)
    if not can_proceed(invoice.override_final_status, status_code):
        raise InvalidState(f"The invoice is already {invoice.status_code}; its status is final.")
    duplicate = (
        Invoice.objects.filter(
            agency_office_id=invoice.agency_office_id, invoice_number=invoice_number
        )
        .exclude(pk=invoice.pk)
        .exists()
    )
    if duplicate:
        raise Conflict(f"Invoice number {invoice_number} is already in use in this agency office.")
    if is_future_number(invoice.agency_office, invoice_number):
        raise Conflict(
            f"Invoice number {invoice_number} is one the office's own sequence will issue; "
            "reset the numbering past it first (POST /invoiceNumbering/reset)."
        )
    if invoice.is_credit_note and status_code != InvoiceStatus.APPROVED:
        raise ValidationFailed.field(
            "invoice.statusCode", "A credit note's final status is APPROVED"
        )
    from_status = invoice.status_code
    previous = {
        "invoiceNumber": invoice.invoice_number,
        "referenceNumber": invoice.reference_number,
    }
    invoice.override_final_status(status_code)
    invoice.invoice_number = invoice_number
    invoice.reference_number = reference_number.replace(" ", "").upper()
    invoice.is_paid = is_paid
    invoice.paid_date = paid_date
    invoice.approved_date = (
        approved_date or invoice.approved_date or issue_date or timezone.localdate()
    )
    if issue_date is not None:
        invoice.issue_date = issue_date
    if invoice_document_id is not None:
        invoice.invoice_document_id = invoice_document_id
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError as exc:
        raise Conflict(
            f"Invoice number {invoice_number} is already in use in this agency office."
        ) from exc
    record_event(
        invoice,
        ActionType.FINAL_STATUS_OVERRIDE,
        from_status=from_status,
        agent=actor,
        details={
            "invoiceNumber": invoice_number,
            "referenceNumber": invoice.reference_number,
            "isPaid": is_paid,
            "previous": previous,
        },
    )
    if invoice.is_credit_note:
        _credit_original(invoice, actor)  # as approving it would: the original is CREDITED
    return invoice


def history(*, agent: Agent, invoice_id: UUID):
    invoice = invoice_get(agent=agent, invoice_id=invoice_id)
    return list(invoice.events.order_by("time", "id"))
