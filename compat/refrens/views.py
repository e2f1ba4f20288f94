"""Refrens endpoints: create and find invoices of a business (``urlKey``), and get one (the
share links are ``share_views``).

Errors are Feathers errors, as the seed's 401:
``{name, message, code, className, data, errors}`` (``NotAuthenticated``, ``BadRequest``,
``Forbidden``, ``NotFound``, ``Conflict``, ``TooManyRequests`` ...). Money is in major units
(rupees) as JSON numbers; date-times are UTC with milliseconds and ``Z``.
"""

from decimal import Decimal

from rest_framework.response import Response

from invoices.choices import InvoiceStatus
from invoices.models import Invoice
from invoices.money import to_minor
from invoices.selectors import invoice_queryset
from invoices.services import invoice_totals
from invoicing_project.errors import ValidationFailed

from .. import services as compat
from ..choices import System
from ..errors import Problem
from ..models import ExternalId
from ..views import CompatView
from . import selectors, services, share
from .selectors import SORT_FIELDS
from .serializers import InvoiceInput

FEATHERS = {
    400: ("BadRequest", "bad-request"),
    401: ("NotAuthenticated", "not-authenticated"),
    403: ("Forbidden", "forbidden"),
    404: ("NotFound", "not-found"),
    405: ("MethodNotAllowed", "method-not-allowed"),
    406: ("NotAcceptable", "not-acceptable"),
    409: ("Conflict", "conflict"),
    410: ("Gone", "gone"),
    413: ("PayloadTooLarge", "payload-too-large"),
    415: ("UnsupportedMediaType", "unsupported-media-type"),
    422: ("Unprocessable", "unprocessable"),
    429: ("TooManyRequests", "too-many-requests"),
    500: ("GeneralError", "general-error"),
    503: ("Unavailable", "unavailable"),
}
TARGETS = {
    "invoice.invoicedParties": "billedTo",
    "invoice.billingAddress": "billedTo",
    "invoice.terms.invoicing": "billedTo.email",
    "invoice.paymentAccounts": "billedBy",
    "invoice.costs": "items",
    "invoice.dueDate": "dueDate",
    "invoice.issueDate": "invoiceDate",
    "invoice.invoicingDate": "invoiceDate",
}
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_SKIP = 10**9


def feathers_error(status: int, message: str, errors: dict | None = None) -> dict:
    name, class_name = FEATHERS.get(status, FEATHERS[400 if status < 500 else 500])
    data = {"message": message} if status == 401 else {}
    return {
        "name": name,
        "message": message,
        "code": status,
        "className": class_name,
        "data": data,
        "errors": errors or {},
    }


def refrens_error(problem: Problem) -> Response:
    status = problem.status
    if problem.code == "INVALID_STATE":  # an invoice that cannot be issued: what it lacks
        status = 400
    if status == 401:
        message = "Token expired" if problem.code == "TOKEN_EXPIRED" else "Invalid login"
        return Response(feathers_error(401, message), status=401)
    errors: dict[str, str] = {}
    for error in problem.errors:
        errors[error.target] = (
            f"{errors[error.target]}; {error.message}" if error.target in errors else error.message
        )
    return Response(feathers_error(status, problem.message, errors), status=status)


# --- output -------------------------------------------------------------------------------------


def _status(invoice: Invoice) -> str:
    if invoice.status_code == InvoiceStatus.CREDITED:
        return "CANCELLED"
    if invoice.status_code == InvoiceStatus.APPROVED:
        return "PAID" if invoice.is_paid else "UNPAID"
    return "DRAFT"


def _gst(amount: Decimal, currency: str) -> dict:
    cgst, sgst = services.gst_split(amount)
    return {
        "igst": compat.major(amount, currency),
        "cgst": compat.major(cgst, currency),
        "sgst": compat.major(sgst, currency),
    }


def refrens_invoice_out(mapping: ExternalId, invoice: Invoice, base_url: str) -> dict:
    """The seed's invoice shape from our invoice and its Refrens record."""
    currency = invoice.currency_code
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice, lines)
    data = mapping.data
    items, cgst_total, sgst_total = [], Decimal(0), Decimal(0)
    for line, amounts in zip(lines, totals.lines, strict=False):
        cgst, sgst = services.gst_split(amounts.vat)
        cgst_total += cgst
        sgst_total += sgst
        gross = amounts.vat_excluded + to_minor(line.discount_amount.amount, currency)
        items.append(
            {
                "discount": {"discountType": "PERCENTAGE"},
                "images": [],
                "_id": f"{invoice.pk}-{line.position}",
                "rate": compat.money_out(line.unit_amount),
                "quantity": compat.number(line.quantity),
                "gstRate": compat.number(line.vat_percentage),
                "name": line.name,
                **_gst(amounts.vat, currency),
                "subTotal": compat.major(gross, currency),
                "amount": compat.major(amounts.vat_excluded, currency),
                "total": compat.major(amounts.vat_included, currency),
            }
        )
    primary = next((p for p in invoice.invoiced_parties.all() if p.is_primary), None)
    created = invoice.created_at
    body = {
        "_id": str(invoice.pk),
        "invoiceNumber": mapping.external_id,
        "invoiceDate": data.get("invoiceDate"),
        "dueDate": data.get("dueDate")
        or (services.iso_z(services.utc_datetime(invoice.due_date)) if invoice.due_date else None),
        "currency": currency,
        "billType": data.get("billType", "INVOICE"),
        "status": _status(invoice),
        "billedBy": data.get("billedBy", {}),
        "billedTo": data.get("billedTo", {}),
        "invoiceTitle": data.get("invoiceTitle", "Invoice"),
        "discount": {"discountType": "PERCENTAGE"},
        "items": items,
        "client": str(primary.party_id) if primary else None,
        "igst": bool(data.get("igst")),
        "createdAt": services.iso_z(created),
        "updatedAt": services.iso_z(invoice.modified_at or created),
        "finalTotal": {
            "total": compat.major(totals.vat_included, currency),
            "amount": compat.major(totals.vat_excluded, currency),
            "subTotal": compat.major(totals.vat_excluded, currency),
            "igst": compat.major(totals.vat, currency),
            "cgst": compat.major(cgst_total, currency),
            "sgst": compat.major(sgst_total, currency),
            "discount": 0,
        },
        "share": share.share_urls(invoice.pk, base_url),
        "terms": [],
        "attachments": [],
        "isExpenditure": False,
        "taxType": "INDIA",
        "locale": "en-IN",
        "tags": [],
    }
    if data.get("invoiceSubTitle"):
        body["invoiceSubTitle"] = data["invoiceSubTitle"]
    if data.get("contact"):
        body["contact"] = data["contact"]
    return body


# --- API views ----------------------------------------------------------------------------------


class RefrensView(CompatView):
    target_renames = TARGETS

    def render_problem(self, problem: Problem) -> Response:
        return refrens_error(problem)

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/").rstrip("/")


def _party(raw: dict | None) -> services.RefrensParty | None:
    if raw is None:
        return None
    return services.RefrensParty(
        name=raw["name"],
        country=raw["country"],
        street=raw["street"],
        city=raw["city"],
        pincode=raw["pincode"],
        gst_state=raw.get("gstState", ""),
        state=raw["state"],
        pan_number=raw["panNumber"],
        gstin=raw["gstin"],
        phone=raw["phone"],
        email=raw["email"],
    )


def _query_int(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValidationFailed.field(name, f"{name} must be an integer", "INVALID_TYPE") from exc
    if value < low or value > MAX_SKIP:
        raise ValidationFailed.field(name, f"{name} must be between {low} and {MAX_SKIP}")
    return min(value, high)


def find_params(params) -> tuple[int, int, list[str]]:
    """``$limit`` (default 10, at most 100), ``$skip`` and ``$sort[field]=1|-1`` (in the order
    given; ties broken by creation time and id)."""
    limit = _query_int(params, "$limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
    skip = _query_int(params, "$skip", 0, 0, MAX_SKIP)
    order = []
    for key in params:
        if not key.startswith("$sort"):
            continue
        name = key[len("$sort[") : -1] if key.startswith("$sort[") and key.endswith("]") else ""
        if name not in SORT_FIELDS:
            raise ValidationFailed.field(
                key, f"{key}: sort on one of {', '.join(f'$sort[{n}]' for n in SORT_FIELDS)}"
            )
        direction = params.get(key)
        if direction not in ("1", "-1"):
            raise ValidationFailed.field(key, f"{key} must be 1 (ascending) or -1 (descending)")
        order.append(("-" if direction == "-1" else "") + SORT_FIELDS[name])
    if not order:
        return limit, skip, ["-created_at", "-id"]  # newest first
    return limit, skip, [*order, "created_at", "id"]


class RefrensInvoicesView(RefrensView):
    def get(self, request, url_key):
        office, _ = compat.office_for_url_key(
            agent=request.user, system=System.REFRENS, url_key=url_key
        )
        limit, skip, order = find_params(request.query_params)
        total, page = selectors.refrens_invoice_find(
            agent=request.user, office=office, limit=limit, skip=skip, order=order
        )
        base = self.base_url()
        return Response(
            {
                "total": total,
                "limit": limit,
                "skip": skip,
                "data": [refrens_invoice_out(record, invoice, base) for record, invoice in page],
            }
        )

    def post(self, request, url_key):
        raw = self.validated(InvoiceInput)
        email = raw["email"]
        data = services.RefrensInvoice(
            billed_to=_party(raw["billedTo"]),
            billed_by=_party(raw["billedBy"]),
            items=[
                services.RefrensItem(
                    name=item["name"],
                    rate=item["rate"],
                    quantity=item["quantity"],
                    gst_rate=item.get("gstRate")
                    if item.get("gstRate") is not None
                    else item.get("taxRate"),
                )
                for item in raw["items"]
            ],
            invoice_number=raw["invoiceNumber"],
            invoice_date=raw["invoiceDate"],
            due_date=raw["dueDate"],
            bill_type=raw["invoiceType"],
            currency=raw["currency"],
            invoice_title=raw["invoiceTitle"],
            invoice_sub_title=raw["invoiceSubTitle"],
            contact={k: v for k, v in (raw["contact"] or {}).items() if v},
            email_to=services.Recipient(**email["to"]) if email else None,
            email_cc=[services.Recipient(**r) for r in email["cc"]] if email else [],
        )
        base = self.base_url()
        mapping = services.refrens_invoice_create(
            actor=request.user, url_key=url_key, data=data, share_base_url=base
        )
        invoice = invoice_queryset(agent=request.user).get(pk=mapping.object_id)
        return Response(refrens_invoice_out(mapping, invoice, base))


class RefrensInvoiceView(RefrensView):
    def get(self, request, url_key, invoice_id):
        office, _ = compat.office_for_url_key(
            agent=request.user, system=System.REFRENS, url_key=url_key
        )
        record, invoice = selectors.refrens_invoice_get(
            agent=request.user, office=office, invoice_id=invoice_id
        )
        return Response(refrens_invoice_out(record, invoice, self.base_url()))
