"""``POST /compat/accounteer/invoices``: Accounteer's create-invoice call.

201 with the seed's invoice object (money in major units: ``221``, ``182.64``). Errors are
``{"error": {"status", "type", "message", "errors": [{"field", "message"}]}}``.
"""

from decimal import Decimal

from django.utils import timezone
from rest_framework.response import Response

from invoices.choices import InvoiceStatus
from invoices.models import Invoice
from invoices.money import to_minor
from invoices.selectors import invoice_get
from invoices.services import invoice_totals
from invoices.tax import LineInput, line_amounts
from invoicing_project.errors import NotFound

from .. import services as compat
from ..choices import System
from ..errors import Problem
from ..models import GlAccount, TaxRate
from ..views import CompatView
from . import services
from .serializers import BodyInput

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
    500: "api_error",
}
TARGETS = {
    "invoice.invoicedParties": "invoice.client_id",
    "invoice.terms.invoicing": "invoice.client_id",
    "invoice.billingAddress": "invoice.client_id",
    "invoice.paymentAccounts": "invoice.organization_id",
    "invoice.costs": "invoice.items",
    "invoice.dueDate": "invoice.date_due",
    "invoice.issueDate": "invoice.date_issued",
    "invoice.invoicingDate": "invoice.date_issued",
}


def accounteer_error(problem: Problem) -> Response:
    status = 400 if problem.code == "INVALID_STATE" else problem.status
    body = {
        "error": {
            "status": status,
            "type": ERROR_TYPES.get(
                status, "api_error" if status >= 500 else "invalid_request_error"
            ),
            "message": problem.message,
            "errors": [{"field": e.target, "message": e.message} for e in problem.errors],
        }
    }
    return Response(body, status=status)


def _gl_account(account: GlAccount | None) -> dict | None:
    if account is None:
        return None
    return {
        "id": account.account_id,
        "code": account.code,
        "title": account.title,
        "description": account.description or None,
    }


def accounteer_invoice_out(invoice: Invoice, data: dict) -> dict:
    currency = invoice.currency_code
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice, lines)
    item_refs = data.get("items", [])
    rates = {
        r.tax_id: r for r in TaxRate.objects.filter(tax_id__in={i["tax_id"] for i in item_refs})
    }
    accounts = {
        a.account_id: a
        for a in GlAccount.objects.filter(account_id__in={i["gl_account_id"] for i in item_refs})
    }
    by_code = {
        a.code: a for a in GlAccount.objects.filter(code__in={ln.account_code for ln in lines})
    }
    items = []
    for index, (line, amounts) in enumerate(zip(lines, totals.lines, strict=False)):
        ref = item_refs[index] if index < len(item_refs) else {}
        rate = rates.get(ref.get("tax_id"))
        price = to_minor(line.unit_amount.amount, currency)
        # The VAT-excluded unit price, rounded per line by the tax module (one unit).
        unit_base = line_amounts(
            LineInput(Decimal(price), line.vat_percentage, includes_vat=line.includes_vat)
        ).vat_excluded
        items.append(
            {
                "id": str(line.pk),
                "title": line.name,
                "description": line.description or None,
                "quantity": compat.number(line.quantity),
                "item_base_amount": services.unrounded_base_amount(
                    price, line.vat_percentage, line.includes_vat
                ),
                "tax_id": ref.get("tax_id"),
                "tax_name": rate.name if rate else None,
                "tax_percentage": compat.number(line.vat_percentage),
                "line_base_amount": compat.major(amounts.vat_excluded, currency),
                "line_tax_amount": compat.major(amounts.vat, currency),
                "line_total_amount": compat.major(amounts.vat_included, currency),
                "tax_included": line.includes_vat,
                "price": compat.major(unit_base, currency),
                "gl_account": _gl_account(
                    accounts.get(ref.get("gl_account_id")) or by_code.get(line.account_code)
                ),
            }
        )
    approved = invoice.status_code in (InvoiceStatus.APPROVED, InvoiceStatus.CREDITED)
    return {
        "id": str(invoice.pk),
        "organization_id": str(invoice.agency_office_id),
        "document_number": invoice.invoice_number or "-",
        "client_id": data.get("client_id"),
        "template_id": data.get("template_id"),
        "total_amount": compat.major(totals.vat_included, currency),
        "total_base_amount": compat.major(totals.vat_excluded, currency),
        "total_tax_amount": compat.major(totals.vat, currency),
        "currency": currency,
        "date_issued": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "date_due": invoice.due_date.isoformat() if invoice.due_date else None,
        "date_created": timezone.localdate(invoice.created_at).isoformat(),
        "date_updated": timezone.localdate(invoice.modified_at).isoformat(),
        "status": "approved" if approved else "draft",
        "reference": invoice.customer_reference or None,
        "items": items,
    }


class AccounteerView(CompatView):
    target_renames = TARGETS

    def render_problem(self, problem: Problem) -> Response:
        return accounteer_error(problem)


class AccounteerInvoicesView(AccounteerView):
    def post(self, request):
        raw = self.validated(BodyInput)["invoice"]
        data = services.AccounteerInvoice(
            client_id=raw["client_id"],
            date_issued=raw["date_issued"],
            date_due=raw["date_due"],
            template_id=raw["template_id"],
            reference=raw["reference"],
            status=raw["status"],
            items=[
                services.AccounteerItem(
                    title=item["title"],
                    description=item.get("description"),
                    quantity=item["quantity"],
                    price=item["price"],
                    tax_id=item["tax_id"],
                    tax_included=item["tax_included"],
                    gl_account_id=item["gl_account_id"],
                )
                for item in raw["items"]
            ],
        )
        invoice = services.accounteer_invoice_create(actor=request.user, data=data)
        invoice = invoice_get(agent=request.user, invoice_id=invoice.pk)
        mapping = compat.invoice_mapping(system=System.ACCOUNTEER, invoice_id=invoice.pk)
        response = Response(
            accounteer_invoice_out(invoice, mapping.data if mapping else {}), status=201
        )
        response["Location"] = f"/compat/accounteer/invoices/{invoice.pk}"
        return response


class AccounteerInvoiceView(AccounteerView):
    def get(self, request, invoice_id):
        invoice = invoice_get(agent=request.user, invoice_id=invoice_id)
        mapping = compat.invoice_mapping(system=System.ACCOUNTEER, invoice_id=invoice.pk)
        if mapping is None:
            raise NotFound(f"Invoice {invoice_id} was not created through this API.")
        return Response(accounteer_invoice_out(invoice, mapping.data))
