"""The invoice list (filters, sort, pagination, htmx table updates) and its CSV export.

Both read the same query string, named as the API's search parameters (``q`` is the free-text
search), and both go through ``invoices.selectors.invoice_search``, so what the table shows is
what the export contains, within the agent's offices only.
"""

import csv
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy

from invoicing_project.errors import ValidationFailed
from offices.selectors import office_list

from ..choices import InvoiceStatus, InvoiceType
from ..forms import FREE_TEXT_MIN, InvoiceFilterForm, search_params
from ..models import Invoice, InvoiceParty
from ..money import to_major, to_minor
from ..selectors import invoice_search
from .display import STATUS_LABELS, TYPE_LABELS, Amount, label, money_amount

PAGE_SIZE = 25
SORTABLE = {
    "invoiceNumber": gettext_lazy("Number"),
    "statusCode": gettext_lazy("Status"),
    "issueDate": gettext_lazy("Issue date"),
    "dueDate": gettext_lazy("Due date"),
}


def _query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(name, values)
    return query


def filtered_invoices(request):
    """(queryset, errors) of the list's filters; a bad filter yields no rows and its message."""
    try:
        invoices = invoice_search(agent=request.user, params=_query(search_params(request.GET)))
    except ValidationFailed as exc:
        return Invoice.objects.none(), [e.message for e in exc.errors]
    primary = Prefetch(
        "invoiced_parties",
        queryset=InvoiceParty.objects.filter(is_primary=True).select_related("party"),
        to_attr="primary_links",
    )
    return invoices.prefetch_related(None).prefetch_related(primary), []


def primary_party_name(invoice: Invoice) -> str:
    links = getattr(invoice, "primary_links", None)
    return links[0].party.name if links else ""


@dataclass
class Row:
    invoice: Invoice
    status: str
    type: str
    party: str
    vat_included: Amount
    amount_due: Amount
    overdue: bool


def _row(invoice: Invoice, today: date) -> Row:
    currency = invoice.currency_code
    return Row(
        invoice=invoice,
        status=label(STATUS_LABELS, invoice.status_code),
        type=label(TYPE_LABELS, invoice.invoice_type_code),
        party=primary_party_name(invoice),
        vat_included=money_amount(invoice.total_vat_included, currency),
        amount_due=money_amount(invoice.amount_due, currency),
        overdue=invoice.status_code == InvoiceStatus.APPROVED
        and not invoice.is_paid
        and invoice.invoice_type_code == InvoiceType.INVOICE
        and invoice.due_date is not None
        and invoice.due_date < today,
    )


def _sort_headers(request) -> dict[str, dict]:
    """Per sortable column: the link that toggles it, and its current ``aria-sort``."""
    current = request.GET.get("sort", "")
    headers = {}
    for field, text in SORTABLE.items():
        ascending = current == f"{field}|asc"
        descending = current == f"{field}|desc"
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"{field}|desc" if ascending else f"{field}|asc"
        headers[field] = {
            "label": text,
            "query": query.urlencode(),
            "aria": "ascending" if ascending else "descending" if descending else "",
        }
    return headers


@login_required
def invoice_list(request):
    invoices, errors = filtered_invoices(request)
    for error in errors:
        messages.error(request, error)
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    page_query = request.GET.copy()
    page_query.pop("page", None)
    export_query = page_query.copy()
    q = request.GET.get("q", "").strip()
    context = {
        "page": page,
        "rows": [_row(invoice, today) for invoice in page.object_list],
        "headers": _sort_headers(request),
        "page_query": page_query.urlencode(),
        "export_query": export_query.urlencode(),
        "query_too_short": 0 < len(q) < FREE_TEXT_MIN,
        "free_text_min": FREE_TEXT_MIN,
        "errors": errors,
        "nav": "invoices",
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "ui/invoices/_results.html", context)
    else:
        context["filters"] = InvoiceFilterForm(
            request.GET or None, offices=office_list(agent=request.user)
        )
        response = render(request, "ui/invoices/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


CSV_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Type"),
    gettext_lazy("Status"),
    gettext_lazy("Office"),
    gettext_lazy("Issue date"),
    gettext_lazy("Due date"),
    gettext_lazy("Primary party"),
    gettext_lazy("VAT excluded"),
    gettext_lazy("VAT"),
    gettext_lazy("VAT included"),
    gettext_lazy("Amount due"),
    gettext_lazy("Paid"),
    gettext_lazy("Reference"),
)


class _Echo:
    def write(self, value):
        return value


def _decimal_text(money, currency: str) -> str:
    """Major units with a dot (``109.41``), whatever the reader's language."""
    return str(to_major(to_minor(money.amount, currency), currency))


def _csv_rows(invoices):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(column) for column in CSV_COLUMNS])
    for invoice in invoices.iterator(chunk_size=500):
        currency = invoice.currency_code
        yield writer.writerow(
            [
                invoice.invoice_number or "",
                invoice.invoice_type_code,
                invoice.status_code,
                invoice.agency_office.name,
                invoice.issue_date.isoformat() if invoice.issue_date else "",
                invoice.due_date.isoformat() if invoice.due_date else "",
                primary_party_name(invoice),
                _decimal_text(invoice.total_vat_excluded, currency),
                _decimal_text(invoice.total_vat, currency),
                _decimal_text(invoice.total_vat_included, currency),
                _decimal_text(invoice.amount_due, currency),
                "true" if invoice.is_paid else "false",
                invoice.reference_number or "",
            ]
        )


@login_required
def invoice_export(request):
    invoices, _errors = filtered_invoices(request)
    response = StreamingHttpResponse(_csv_rows(invoices), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="invoices-{stamp}.csv"'
    return response
