"""The invoice page and what is done from it: lifecycle actions, credit notes, deleting a
never-numbered draft, preview PDFs, and the document view that streams a PDF to the browser.

Buttons are offered from ``lifecycle.available_actions`` (state and role); the services check
again, so a forged POST answers with the 403 page (``Forbidden``) or a message
(``InvalidState``), never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from invoicing_project.errors import InvalidState, ValidationFailed
from offices.choices import Permission
from offices.selectors import has_permission

from .. import documents
from ..choices import ActionType, DocumentStatus, InvoiceStatus, InvoicingReason
from ..commission import commission_summary
from ..delivery import delivery_resend
from ..forms import ActionForm, CreditNoteForm
from ..lifecycle import available_actions, credit_note_create, invoice_action, lock_blockers
from ..models import FINAL_STATES, Document, Invoice
from ..payments import format_iban
from ..references import format_finnish, is_valid_finnish_reference, rf_reference
from ..selectors import invoice_get
from ..services import invoice_delete, invoice_totals
from .display import (
    ACTION_LABELS,
    BLOCKER_LABELS,
    COST_TYPE_LABELS,
    DOCUMENT_STATUS_LABELS,
    EVENT_LABELS,
    METHOD_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    TERMS_LABELS,
    TYPE_LABELS,
    Amount,
    agent_name,
    format_percentage,
    label,
    money_amount,
    totals_display,
)

PDF_CSP = {
    "default-src": [CSP.NONE],
    "object-src": [CSP.SELF],
    "style-src": [CSP.UNSAFE_INLINE],
    "frame-ancestors": [CSP.NONE],
}

ENTITY_LABELS = {
    "assignment_id": gettext_lazy("Assignment id"),
    "trade_settlement_id": gettext_lazy("Trade settlement id"),
    "rental_settlement_id": gettext_lazy("Rental settlement id"),
    "realty_id": gettext_lazy("Realty id"),
}


def _active_credit_note(credit_notes: list[Invoice]) -> Invoice | None:
    return next((cn for cn in credit_notes if cn.status_code != InvoiceStatus.REJECTED), None)


def _documents(invoice: Invoice) -> dict[str, Document | None]:
    ids = [i for i in (invoice.preview_invoice_document_id, invoice.invoice_document_id) if i]
    found = {d.id: d for d in Document.objects.filter(id__in=ids)} if ids else {}
    return {
        "preview": found.get(invoice.preview_invoice_document_id),
        "final": found.get(invoice.invoice_document_id),
    }


def _blocker_messages(errors) -> list[str]:
    return [str(BLOCKER_LABELS.get(e.target, e.message)) for e in errors]


def detail_context(request, invoice: Invoice, *, credit_form: CreditNoteForm | None = None):
    agent = request.user
    prefetch_related_objects([invoice], "invoiced_parties__party")
    currency = invoice.currency_code
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice, lines)
    commission = commission_summary(invoice)
    actions = available_actions(invoice, agent)
    can_draft = has_permission(agent, invoice.agency_office_id, Permission.DRAFT)
    credit_notes = list(
        Invoice.objects.filter(credited_invoice=invoice).order_by("created_at", "id")
    )
    active_credit = _active_credit_note(credit_notes)
    can_credit = (
        can_draft
        and invoice.status_code == InvoiceStatus.APPROVED
        and not invoice.is_credit_note
        and active_credit is None
    )
    if can_credit and credit_form is None:
        credit_form = CreditNoteForm(initial=CreditNoteForm.initial_for(invoice))
    events = [
        {
            "event": event,
            "label": label(EVENT_LABELS, event.action_type_code),
            "from": label(STATUS_LABELS, event.from_status_code) if event.from_status_code else "",
            "to": label(STATUS_LABELS, event.to_status_code),
            "agent": agent_name(event.agent),
        }
        for event in invoice.events.select_related("agent").order_by("time", "id")
    ]
    reference = invoice.reference_number or ""
    entity = [
        (text, getattr(invoice, field))
        for field, text in ENTITY_LABELS.items()
        if getattr(invoice, field)
    ]
    return {
        "invoice": invoice,
        "nav": "invoices",
        "status": label(STATUS_LABELS, invoice.status_code),
        "type": label(TYPE_LABELS, invoice.invoice_type_code),
        "reason": label(REASON_LABELS, invoice.invoicing_reason_code),
        "reason_is_other": invoice.invoicing_reason_code == InvoicingReason.OTHER,
        "entity_ids": entity,
        "terms": label(TERMS_LABELS, invoice.payment_terms_code),
        "method": label(METHOD_LABELS, invoice.invoicing_method_code),
        "late_fee": format_percentage(invoice.late_payment_fee_percentage),
        "reference": format_finnish(reference)
        if is_valid_finnish_reference(reference)
        else reference,
        "reference_rf": rf_reference(reference) if is_valid_finnish_reference(reference) else "",
        "parties": [
            {"party": link.party, "primary": link.is_primary}
            for link in invoice.invoiced_parties.all()
        ],
        "lines": [
            {
                "line": line,
                "type": label(COST_TYPE_LABELS, line.cost_type_code),
                "unit_amount": money_amount(line.unit_amount, currency),
                "vat_percentage": format_percentage(line.vat_percentage),
                "vat_excluded": Amount(int(amounts.vat_excluded), currency),
                "vat": Amount(int(amounts.vat), currency),
                "vat_included": Amount(int(amounts.vat_included), currency),
            }
            for line, amounts in zip(lines, totals.lines, strict=False)
        ],
        "discount": {
            "amount": money_amount(invoice.discount_amount, currency),
            "vat_percentage": format_percentage(invoice.discount_vat_percentage),
            "line": Amount(int(totals.lines[-1].vat_included), currency),
        }
        if invoice.discount_amount is not None
        else None,
        "totals": totals_display(totals, currency),
        "commission": {
            "base": Amount(commission.commission_base.vat_excluded, currency),
            "base_incl": Amount(commission.commission_base.vat_included, currency),
            "others": Amount(commission.non_commission_costs.vat_excluded, currency),
            "others_incl": Amount(commission.non_commission_costs.vat_included, currency),
            "royalty": Amount(commission.royalty_base.vat_excluded, currency),
            "royalty_incl": Amount(commission.royalty_base.vat_included, currency),
            "included": commission.non_commission_costs_included_in_commission,
            "royalty_others": commission.non_commission_costs_subject_to_royalty,
        },
        "accounts": [
            {"account": a, "iban": format_iban(a.iban)} for a in invoice.payment_accounts.all()
        ],
        "events": events,
        "deliveries": list(invoice.deliveries.order_by("created_at", "id")),
        "reminders": list(invoice.reminders.order_by("period")),
        "can_resend": invoice.status_code in FINAL_STATES
        and invoice.direction == "SALES"
        and has_permission(agent, invoice.agency_office_id, Permission.APPROVE),
        "actions": [
            {"code": code, "label": ACTION_LABELS[code], "primary": code == ActionType.APPROVE}
            for code in actions
            if code != ActionType.MARK_AS_PAID
        ],
        "can_mark_paid": ActionType.MARK_AS_PAID in actions,
        "today": timezone.localdate(),
        "blockers": _blocker_messages(lock_blockers(invoice)) if ActionType.LOCK in actions else [],
        "can_edit": can_draft
        and invoice.status_code == InvoiceStatus.DRAFT
        and not invoice.is_credit_note,
        "can_delete": can_draft
        and invoice.status_code == InvoiceStatus.DRAFT
        and not invoice.invoice_number
        and not invoice.reference_number,
        "can_preview": True,
        "credit_form": credit_form if can_credit else None,
        "credit_notes": [
            {"note": cn, "status": label(STATUS_LABELS, cn.status_code)} for cn in credit_notes
        ],
        "documents": _documents(invoice),
        "document_status": DOCUMENT_STATUS_LABELS,
    }


@login_required
def invoice_detail(request, invoice_id):
    invoice = invoice_get(agent=request.user, invoice_id=invoice_id)
    return render(request, "ui/invoices/detail.html", detail_context(request, invoice))


SUCCESS = {
    ActionType.LOCK: gettext_lazy("The invoice was locked and waits for approval."),
    ActionType.UNLOCK: gettext_lazy("The invoice was unlocked and is a draft again."),
    ActionType.APPROVE: gettext_lazy("The invoice was approved."),
    ActionType.REJECT: gettext_lazy("The invoice was rejected."),
    ActionType.MARK_AS_PAID: gettext_lazy("The invoice was marked as paid."),
    ActionType.MARK_AS_UNPAID: gettext_lazy("The invoice was marked as unpaid."),
}


@login_required
@require_POST
def invoice_action_view(request, invoice_id):
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("invoices_ui:detail", invoice_id=invoice_id)
    action = form.cleaned_data["action"]
    try:
        invoice_action(
            actor=request.user,
            invoice_id=invoice_id,
            action=action,
            paid_date=form.cleaned_data.get("paid_date"),
        )
    except InvalidState as exc:
        blockers = [e for e in exc.errors if e.error_code == "VALUE_REQUIRED"]
        if blockers:
            messages.error(request, _("The invoice cannot be locked yet:"))
            for text in _blocker_messages(blockers):
                messages.error(request, text)
        else:
            messages.error(request, exc.description)
    except ValidationFailed as exc:
        for error in exc.errors or [exc]:
            messages.error(request, getattr(error, "message", exc.description))
    else:
        messages.success(request, str(SUCCESS[action]))
    return redirect("invoices_ui:detail", invoice_id=invoice_id)


@login_required
@require_POST
def credit_note_view(request, invoice_id):
    invoice = invoice_get(agent=request.user, invoice_id=invoice_id)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            credit_note = credit_note_create(
                actor=request.user,
                invoice_id=invoice.id,
                invoicing_date=data["issue_date"],
                issue_date=data["issue_date"],
                due_date=data["due_date"],
                reason=data["reason"],
                payment_terms_description=data.get("payment_terms_description") or "",
                invoicing_method_code=data.get("invoicing_method_code") or None,
            )
        except ValidationFailed as exc:
            for error in exc.errors:
                field = {"dueDate": "due_date", "issueDate": "issue_date"}.get(error.target)
                message = (
                    _("The due date cannot be before the issue date.")
                    if field == "due_date"
                    else error.message
                )
                form.add_error(field, message)
        except InvalidState as exc:
            messages.error(request, exc.description)
            return redirect("invoices_ui:detail", invoice_id=invoice.id)
        else:
            messages.success(
                request,
                _("Credit note %(number)s was created as a draft.")
                % {"number": credit_note.invoice_number},
            )
            return redirect("invoices_ui:detail", invoice_id=credit_note.id)
    messages.error(request, _("The credit note was not created. Check the fields marked below."))
    context = detail_context(request, invoice, credit_form=form)
    return render(request, "ui/invoices/detail.html", context, status=400)


@login_required
@require_POST
def invoice_delete_view(request, invoice_id):
    invoice = invoice_get(agent=request.user, invoice_id=invoice_id)
    try:
        invoice_delete(actor=request.user, invoice_id=invoice.id)
    except InvalidState as exc:
        messages.error(request, exc.description)
        return redirect("invoices_ui:detail", invoice_id=invoice.id)
    messages.success(request, _("The draft was deleted."))
    return redirect("invoices_ui:list")


@login_required
@require_POST
def resend_view(request, invoice_id):
    """Send an approved invoice again in its channel (approvers)."""
    invoice = invoice_get(agent=request.user, invoice_id=invoice_id)
    try:
        delivery_resend(actor=request.user, invoice_id=invoice.id)
    except InvalidState as exc:
        messages.error(request, exc.description)
    else:
        messages.success(request, _("The invoice is being sent again."))
    return redirect("invoices_ui:detail", invoice_id=invoice.id)


@login_required
@require_POST
def preview_view(request, invoice_id):
    """Ask for a preview PDF; go to the document, which streams it or shows "rendering…"."""
    document = documents.preview_request(actor=request.user, invoice_id=invoice_id)
    url = reverse("invoices_ui:document", kwargs={"document_id": document.id})
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
def document_view(request, document_id):
    """The PDF inline (session auth, office walls); while it renders, a page that polls."""
    document = documents.document_get(agent=request.user, document_id=document_id)
    url = reverse("invoices_ui:document", kwargs={"document_id": document.id})
    if document.status == DocumentStatus.READY:
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect(url)
        response = FileResponse(
            default_storage.open(document.file.name, "rb"), content_type=document.content_type
        )
        response["Content-Disposition"] = f'inline; filename="{document.filename}"'
        # The site's policy has object-src 'none', which can stop a browser's built-in PDF
        # viewer; a PDF gets a policy of its own that still allows no scripts or framing.
        response._csp_config = PDF_CSP
        return response
    context = {"document": document, "url": url, "invoice": document.invoice, "nav": "invoices"}
    if getattr(request, "htmx", None):
        return render(request, "ui/documents/_status.html", context)
    return render(request, "ui/documents/pending.html", context)
