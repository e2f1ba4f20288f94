"""The draft editor (``/invoices/new/``, ``/invoices/<id>/edit/``) and its htmx endpoints.

The page is one ordinary form that posts to the save view; htmx only adds pieces in place:
a new cost row (``cost_row``), the party search and chosen-party chips (``party_search``,
``party_chip``), the due date when the issue date or terms change (``due_date``), the office's
defaults when the office changes (``office_defaults``), and the live totals (``totals``), which
the server computes with ``invoices.tax`` (no arithmetic in the browser).
"""

from datetime import date
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from invoicing_project.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from offices.choices import Permission
from offices.selectors import office_list, require_permission, visible_office_ids
from parties.selectors import party_get, party_list

from .. import tax
from ..choices import InvoiceStatus
from ..forms import (
    REASONS_BY_ID_FIELD,
    CostFormSet,
    InvoiceForm,
    apply_service_errors,
    due_date_for,
    editor_costs,
    editor_initial,
    editor_totals,
    invoice_data,
)
from ..selectors import invoice_get
from ..services import invoice_create, invoice_totals, invoice_update
from .display import totals_display

PARTY_RESULTS = 8


def draft_offices(agent) -> list:
    """The offices where *agent* may draft invoices (the editor's office choices)."""
    offices = office_list(agent=agent)
    office_ids = visible_office_ids(agent, Permission.DRAFT)
    if office_ids is not None:
        offices = offices.filter(id__in=office_ids)
    return list(offices)


def _uuid(value) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None


def _date(value) -> date | None:
    try:
        return forms.DateField().clean(value)
    except forms.ValidationError:
        return None


def _chosen_parties(agent, office_id, ids) -> list:
    """The chosen parties in the order chosen (unknown or other offices' ids dropped)."""
    ids = [i for i in (_uuid(v) for v in ids) if i is not None]
    if not ids or office_id is None:
        return []
    found = {p.id: p for p in party_list(agent=agent, office_ids=[office_id]).filter(id__in=ids)}
    return [found[i] for i in ids if i in found]


def _currency(request) -> str:
    code = (request.POST.get("currency_code") or request.GET.get("currency_code") or "EUR").upper()
    return code if code in settings.CURRENCIES else "EUR"


def _editable(request, invoice_id):
    """The draft to edit, or a redirect to its page when it cannot be edited (with a message)."""
    invoice = invoice_get(agent=request.user, invoice_id=invoice_id)
    require_permission(
        request.user, invoice.agency_office_id, Permission.DRAFT, action="edit invoices"
    )
    if invoice.is_credit_note:
        messages.info(request, _("A credit note cannot be edited."))
        return invoice, redirect("invoices_ui:detail", invoice_id=invoice.id)
    if invoice.status_code != InvoiceStatus.DRAFT:
        messages.info(request, _("Only a draft can be edited; unlock it first."))
        return invoice, redirect("invoices_ui:detail", invoice_id=invoice.id)
    return invoice, None


def _wire(form: InvoiceForm) -> InvoiceForm:
    """The htmx attributes of the editor's fields (presentation, so here and not in the form)."""
    due = {
        "hx-get": reverse("invoices_ui:editor-due-date"),
        "hx-trigger": "change",
        "hx-target": "#due-date-group",
        "hx-swap": "outerHTML",
        "hx-include": "[name='issue_date'],[name='payment_terms_code']",
    }
    form.fields["issue_date"].widget.attrs.update(due)
    form.fields["payment_terms_code"].widget.attrs.update(due)
    if not form.fields["agency_office"].disabled:
        form.fields["agency_office"].widget.attrs.update(
            {
                "hx-get": reverse("invoices_ui:editor-office"),
                "hx-trigger": "change",
                "hx-target": "#terms-group",
                "hx-swap": "outerHTML",
                "hx-include": "[name='agency_office'],[name='issue_date']",
            }
        )
    form.fields["invoicing_reason_code"].widget.attrs["data-entity-toggle"] = ""
    return form


def _render_editor(request, *, form, formset, invoice=None, offices=(), status=200):
    office_id = invoice.agency_office_id if invoice else _uuid(form["agency_office"].value())
    parties = _chosen_parties(request.user, office_id, form["parties"].value() or [])
    primary = _uuid(form["primary_party"].value())
    if parties and primary not in {p.id for p in parties}:
        primary = parties[0].id
    _wire(form)
    reason = form["invoicing_reason_code"].value()
    context = {
        "form": form,
        "formset": formset,
        "invoice": invoice,
        "parties": parties,
        "primary_id": primary,
        "entity_fields": [
            {"field": form[name], "reasons": " ".join(reasons), "visible": reason in reasons}
            for name, reasons in REASONS_BY_ID_FIELD.items()
        ],
        "totals": _totals_context(form, formset, invoice),
        "nav": "invoices",
    }
    return render(request, "ui/invoices/editor.html", context, status=status)


def _save(request, *, invoice, offices):
    currency = invoice.currency_code if invoice else _currency(request)
    initial = {"agency_office": str(invoice.agency_office_id)} if invoice else {}
    form = InvoiceForm(request.POST, initial=initial, offices=offices, editing=invoice is not None)
    formset = CostFormSet(request.POST, currency=currency)
    if form.is_valid() and formset.is_valid():
        costs = editor_costs(formset)
        data = invoice_data(form, costs, invoice=invoice)
        try:
            if invoice is None:
                saved = invoice_create(actor=request.user, data=data)
            else:
                saved = invoice_update(actor=request.user, invoice_id=invoice.id, data=data)
        except ValidationFailed as exc:
            apply_service_errors(form, formset, costs, exc.errors)
        except InvalidState as exc:
            messages.error(request, exc.description)
            return redirect("invoices_ui:detail", invoice_id=invoice.id)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("invoices_ui:detail", invoice_id=saved.id)
    messages.error(request, _("The draft was not saved. Check the fields marked below."))
    return _render_editor(
        request, form=form, formset=formset, invoice=invoice, offices=offices, status=400
    )


@login_required
def invoice_new(request):
    offices = draft_offices(request.user)
    if not offices:
        raise Forbidden(_("Your roles do not allow you to draft invoices."))
    if request.method == "POST":
        return _save(request, invoice=None, offices=offices)
    chosen = _uuid(request.GET.get("office"))
    office = next((o for o in offices if o.id == chosen), offices[0])
    initial, rows = editor_initial(None, office=office)
    form = InvoiceForm(initial=initial, offices=offices)
    formset = CostFormSet(initial=rows, currency="EUR")
    formset.extra = 1
    return _render_editor(request, form=form, formset=formset, offices=offices)


@login_required
def invoice_edit(request, invoice_id):
    invoice, refused = _editable(request, invoice_id)
    if refused:
        return refused
    offices = [invoice.agency_office]
    if request.method == "POST":
        return _save(request, invoice=invoice, offices=offices)
    initial, rows = editor_initial(invoice)
    form = InvoiceForm(initial=initial, offices=offices, editing=True)
    formset = CostFormSet(initial=rows, currency=invoice.currency_code)
    formset.extra = 0 if rows else 1
    return _render_editor(request, form=form, formset=formset, invoice=invoice, offices=offices)


# --- htmx endpoints ----------------------------------------------------------------------------


@login_required
@require_GET
def cost_row(request):
    """A new cost row for the formset, and the management form's new TOTAL_FORMS (out of band)."""
    try:
        index = int(request.GET.get("costs-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    formset = CostFormSet(currency=_currency(request))
    index = max(0, min(index, formset.max_num - 1))
    return render(
        request,
        "ui/invoices/_cost_row.html",
        {"cost": formset.new_row(index), "new_total": index + 1, "oob_total": True},
    )


def _totals_context(form, formset, invoice=None) -> dict:
    """The totals box: of the posted form, or (first render) of the draft as saved."""
    if form.is_bound:
        result = editor_totals(form, formset)
        totals, currency, skipped = result.totals, result.currency, result.skipped_rows
    elif invoice is not None:
        totals, currency, skipped = invoice_totals(invoice), invoice.currency_code, 0
    else:
        totals, currency, skipped = tax.invoice_totals([]), "EUR", 0
    return {
        **totals_display(totals, currency),
        "skipped_rows": skipped,
        "line_count": len(totals.lines),
    }


@login_required
@require_POST
def totals(request):
    """Live totals of the editor form as it is now (nothing is saved)."""
    form = InvoiceForm(request.POST, offices=draft_offices(request.user))
    formset = CostFormSet(request.POST, currency=_currency(request))
    return render(request, "ui/invoices/_totals.html", {"totals": _totals_context(form, formset)})


@login_required
@require_GET
def party_search(request):
    """Parties of the chosen office matching the search, minus those already chosen."""
    office_id = _uuid(request.GET.get("agency_office"))
    if office_id is None:
        return render(request, "ui/invoices/_party_results.html", {"results": [], "query": ""})
    require_permission(request.user, office_id, Permission.DRAFT, action="draft invoices")
    query = request.GET.get("party_q", "").strip()[:100]
    chosen = {i for i in (_uuid(v) for v in request.GET.getlist("parties")) if i}
    results = party_list(agent=request.user, office_ids=[office_id], query=query or None).exclude(
        id__in=chosen
    )[:PARTY_RESULTS]
    return render(request, "ui/invoices/_party_results.html", {"results": results, "query": query})


@login_required
@require_GET
def party_chip(request):
    """One chosen party (hidden input, primary radio, remove button); nothing if chosen already."""
    party_id = _uuid(request.GET.get("party"))
    if party_id is None:
        raise NotFound()
    party = party_get(agent=request.user, party_id=party_id)
    chosen = [i for i in (_uuid(v) for v in request.GET.getlist("parties")) if i]
    if party.id in chosen:
        return HttpResponse(status=204)
    return render(request, "ui/invoices/_party_chip.html", {"party": party, "primary": not chosen})


@login_required
@require_GET
def due_date(request):
    """The due date field for the issue date and payment terms now chosen."""
    issue = _date(request.GET.get("issue_date"))
    if issue is None:  # an unfinished date leaves the due date alone
        return HttpResponse(status=204)
    terms = request.GET.get("payment_terms_code")
    form = InvoiceForm(initial={"due_date": due_date_for(issue, terms)}, offices=())
    return render(request, "ui/invoices/_due_date.html", {"form": _wire(form)})


@login_required
@require_GET
def office_defaults(request):
    """The payment terms and due date of a newly chosen office (and an empty party list)."""
    offices = draft_offices(request.user)
    office_id = _uuid(request.GET.get("agency_office"))
    office = next((o for o in offices if o.id == office_id), None)
    if office is None:
        raise NotFound()
    issue = _date(request.GET.get("issue_date")) or timezone.localdate()
    terms = office.default_payment_terms_code
    initial_form = InvoiceForm(
        initial={
            "issue_date": issue,
            "payment_terms_code": terms,
            "due_date": due_date_for(issue, terms),
        },
        offices=offices,
    )
    return render(
        request,
        "ui/invoices/_office_defaults.html",
        {"form": _wire(initial_form), "clear_parties": True},
    )
