"""``POST /compat/okappy/invoices``: Okappy's raise-an-invoice call on our invoices.

Status codes are Okappy's: 200 (the created invoice), 400, 401, 415, 429. Okappy has no 403,
404 or 409: a role that may not raise invoices is its 401 (unauthorised), and an unknown
customer or an invoice that cannot be issued is its 400. Errors are
``{status, error, message, errors: [{field, message}]}``.
"""

from http import HTTPStatus

from rest_framework.response import Response

from invoices.choices import InvoiceStatus
from invoices.models import Invoice
from invoices.selectors import invoice_get
from invoices.services import invoice_totals

from .. import services as compat
from ..choices import System
from ..errors import Problem
from ..views import CompatView
from . import services
from .serializers import OkappyInvoiceInput

# Okappy's own codes: what ours become.
STATUS_MAP = {403: 401, 404: 400, 409: 400, 422: 400}
TARGETS = {
    "invoice.invoicedParties": "connectTo",
    "invoice.billingAddress": "invoiceAddress",
    "invoice.terms.invoicing": "connectTo",
    "invoice.paymentAccounts": "connectTo",
    "invoice.costs": "invoiceItems",
    "invoice.invoicingDate": "taxDate",
    "invoice.issueDate": "taxDate",
    "invoice.dueDate": "taxDate",
}


def okappy_error(problem: Problem) -> Response:
    status = STATUS_MAP.get(problem.status, problem.status)
    message = problem.message
    if problem.status == 403:
        message = f"Unauthorised: {problem.message}"
    body = {
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "errors": [{"field": e.target, "message": e.message} for e in problem.errors],
    }
    return Response(body, status=status)


def okappy_invoice_out(invoice: Invoice, mapping_data: dict) -> dict:
    currency = invoice.currency_code
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice, lines)
    positions = mapping_data.get("costPositions", {})
    cost_lines = {position: name for name, position in positions.items()}
    costs = {name: 0 for name, _, _ in services.COSTS}
    descriptions = {name: "" for name in costs}
    items = []
    for index, (line, amounts) in enumerate(zip(lines, totals.lines, strict=False)):
        if index in cost_lines:
            costs[cost_lines[index]] = amounts.vat_excluded
            descriptions[cost_lines[index]] = line.description
            continue
        items.append(
            {
                "item": line.name,
                "description": line.description,
                "quantity": compat.number(line.quantity),
                "unitPrice": compat.money_out(line.unit_amount),
                "discount": compat.money_out(line.discount_amount),
                "vat": compat.major(amounts.vat, currency),
                "vatRate": compat.number(line.vat_percentage),
                "netAmount": compat.major(amounts.vat_excluded, currency),
                "vatReverse": line.reverse_charge,
                "itemCode": line.item_code,
            }
        )
    tax_time = (
        invoice.source_system_creation_time.astimezone(services.UK)
        if invoice.source_system_creation_time
        else None
    )
    return {
        "id": str(invoice.pk),
        "invoiceNumber": invoice.invoice_number,
        "invoiceType": "draft" if invoice.status_code == InvoiceStatus.DRAFT else "raised",
        "statusCode": invoice.status_code,
        "connectTo": mapping_data.get("connectTo"),
        "customerReference": invoice.customer_reference,
        "companyName": invoice.billing_recipient,
        "invoiceAddress": invoice.billing_street_address,
        "taxDate": f"{tax_time:%Y-%m-%d} {tax_time.hour}:{tax_time:%M}" if tax_time else None,
        "currency": currency,
        **{f"{name}Description": text for name, text in descriptions.items()},
        **{name: compat.major(amount, currency) for name, amount in costs.items()},
        "netAmountCustomer": compat.major(totals.vat_excluded, currency),
        "vatAmount": compat.major(totals.vat, currency),
        "grossAmount": compat.major(totals.vat_included, currency),
        "deduction": compat.major(totals.deduction, currency),
        "amountDue": compat.major(totals.amount_due, currency),
        "invoiceDocumentId": str(invoice.invoice_document_id)
        if invoice.invoice_document_id
        else None,
        "invoiceItems": items,
    }


class OkappyView(CompatView):
    target_renames = TARGETS

    def render_problem(self, problem: Problem) -> Response:
        return okappy_error(problem)


class OkappyInvoicesView(OkappyView):
    def post(self, request):
        validated = self.validated(OkappyInvoiceInput)
        data = services.OkappyInvoice(
            connect_to=validated["connectTo"],
            invoice_type=validated["invoiceType"],
            tax_date=validated["taxDate"],
            net_amount_customer=validated["netAmountCustomer"],
            vat_amount=validated["vatAmount"],
            customer_reference=validated["customerReference"],
            company_name=validated["companyName"],
            invoice_address=validated["invoiceAddress"],
            deduction=validated["deduction"] or 0,
            costs=[
                services.OkappyCost(
                    field=name,
                    amount=validated[name],
                    description=validated[f"{name}Description"],
                )
                for name, _, _ in services.COSTS
            ],
            items=[
                services.OkappyItem(
                    name=item["item"],
                    description=item["description"],
                    quantity=item["quantity"],
                    unit_price=item["unitPrice"],
                    vat=item["vat"],
                    net_amount=item["netAmount"],
                    discount=item["discount"],
                    vat_reverse=item["vatReverse"],
                    item_code=item["itemCode"],
                )
                for item in validated["invoiceItems"]
            ],
        )
        invoice = services.okappy_invoice_create(actor=request.user, data=data)
        invoice = invoice_get(agent=request.user, invoice_id=invoice.pk)
        mapping = compat.invoice_mapping(system=System.OKAPPY, invoice_id=invoice.pk)
        return Response(okappy_invoice_out(invoice, mapping.data if mapping else {}))
