"""``POST /compat/merchant/invoice``: insert or update supplier (purchase) invoices.

Success is 201 with ``{id: 206, statusCode: 201, title, details, invoices: [...]}``; an error
is ``{id, statusCode, title, details, message, errors: [{field, message}]}`` with the id and
HTTP status of the merchant catalogue (908, 911, 913, 904, 912, 919, 899). The status is also
sent as a ``statusCode`` response header, as the seed lists it among the headers.
"""

from django.conf import settings
from rest_framework.response import Response

from invoices.money import to_minor
from invoices.selectors import invoice_get
from invoices.services import invoice_totals
from invoicing_project.errors import FieldError

from .. import services as compat
from ..choices import IdKind, System
from ..errors import Problem
from ..models import ExternalId
from ..views import CompatView
from . import services
from .serializers import MerchantBodyInput
from .services import CATALOGUE, CREATED, MerchantError

SUPPORTED_VERSIONS = ("2",)
LATEST_VERSION = "2"
VERSION_HEADER = "x-accept-version"

# Our problems -> the merchant catalogue.
CODE_MAP = {
    "UNAUTHORIZED": 908,
    "TOKEN_EXPIRED": 908,
    "FORBIDDEN": 904,
    "NOT_FOUND": 912,
    "INVALID_STATE": 912,
    "CONFLICT": 912,
    "TOO_MANY_REQUESTS": 919,
    "INTERNAL_ERROR": 899,
}
TARGETS = {"invoice.costs": "invoiceItems", "invoice.dueDate": "completeDate"}


def merchant_error(problem: Problem) -> Response:
    catalogue_id = int(problem.code) if problem.code.isdigit() else None
    if catalogue_id not in CATALOGUE:
        catalogue_id = CODE_MAP.get(problem.code, 899 if problem.status >= 500 else 913)
    status, title, details = CATALOGUE[catalogue_id]
    body = {
        "id": catalogue_id,
        "statusCode": status,
        "title": title,
        "details": details,
        "message": problem.message,
        "errors": [{"field": e.target, "message": e.message} for e in problem.errors],
    }
    response = Response(body, status=status)
    response["statusCode"] = str(status)
    return response


def _item_out(line, currency: str) -> dict:
    def integer(code: str):
        return int(code) if code.isdigit() else None

    return {
        "barcode": line.barcode,
        "note": line.description,
        "name": line.name,
        "price": compat.major_text(to_minor(line.unit_amount.amount, currency), currency),
        "vatPercentage": compat.number(line.vat_percentage),
        "quantity": int(line.quantity),
        "productId": integer(line.product_code),
        "accountId": integer(line.account_code),
    }


def merchant_invoice_out(mapping: ExternalId, invoice) -> dict:
    primary = next((p for p in invoice.invoiced_parties.all() if p.is_primary), None)
    supplier = (
        compat.foreign_id_of(
            system=System.MERCHANT,
            kind=IdKind.SUPPLIER,
            office_id=invoice.agency_office_id,
            object_id=primary.party_id,
        )
        if primary
        else ""
    )
    totals = invoice_totals(invoice)
    currency = invoice.currency_code
    return {
        "id": mapping.pk,
        "supplierId": int(supplier) if supplier.isdigit() else None,
        "storeId": services.store_id_of(invoice.agency_office),
        "supplierStoreId": mapping.data.get("supplierStoreId"),
        "reference": invoice.customer_reference,
        "completeDate": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "note": invoice.note,
        "invoiceItems": [_item_out(line, currency) for line in invoice.lines.all()],
        # Extensions: our invoice id (GET /api/v1/invoices/{invoiceId}) and its totals.
        "invoiceId": str(invoice.pk),
        "statusCode": invoice.status_code,
        "currency": currency,
        "totalExcludingVat": compat.major_text(totals.vat_excluded, currency),
        "totalVat": compat.major_text(totals.vat, currency),
        "totalIncludingVat": compat.major_text(totals.vat_included, currency),
    }


class MerchantView(CompatView):
    target_renames = TARGETS

    def render_problem(self, problem: Problem) -> Response:
        return merchant_error(problem)

    def perform_authentication(self, request):
        """911 for a missing or malformed ``Authorization`` header, before the token check
        (whose failures are 908)."""
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise MerchantError(911, "The Authorization header must be 'Bearer <access_token>'.")
        super().perform_authentication(request)


def _version(request) -> str:
    version = request.headers.get(VERSION_HEADER, LATEST_VERSION).strip()
    if version not in SUPPORTED_VERSIONS:
        raise MerchantError(
            913,
            f"{VERSION_HEADER} {version!r} is not a supported version; supported: "
            f"{', '.join(SUPPORTED_VERSIONS)} (latest {LATEST_VERSION})",
            [FieldError(VERSION_HEADER, "INVALID_VALUE", f"unsupported: {version!r}")],
        )
    return version


def _too_many(data) -> None:
    """919 before the shape check, so that a huge body is refused cheaply (and as 919)."""
    invoices = data.get("invoices") if isinstance(data, dict) else None
    if not isinstance(invoices, list):
        return
    if len(invoices) > services.MAX_INVOICES_PER_REQUEST:
        raise MerchantError(
            919,
            f"At most {services.MAX_INVOICES_PER_REQUEST} invoices can be sent in one request",
        )
    for index, invoice in enumerate(invoices):
        items = invoice.get("invoiceItems") if isinstance(invoice, dict) else None
        if isinstance(items, list) and len(items) > settings.INVOICING_MAX_LINES:
            raise MerchantError(
                919,
                f"invoices[{index}] has {len(items)} items; at most "
                f"{settings.INVOICING_MAX_LINES} are allowed",
            )


class MerchantInvoiceView(MerchantView):
    def post(self, request):
        version = _version(request)
        _too_many(request.data)
        validated = self.validated(MerchantBodyInput)
        invoices = [
            services.MerchantInvoice(
                id=raw.get("id"),
                supplier_id=raw.get("supplierId"),
                store_id=raw.get("storeId"),
                supplier_store_id=raw.get("supplierStoreId"),
                reference=raw.get("reference"),
                complete_date=raw.get("completeDate"),
                note=raw.get("note"),
                items=None
                if raw.get("invoiceItems") is None
                else [
                    services.MerchantItem(
                        price=item["price"],
                        vat_percentage=item["vatPercentage"],
                        quantity=item.get("quantity") or 1,
                        name=item.get("name") or "",
                        note=item.get("note") or "",
                        barcode=item.get("barcode") or "",
                        product_id=item.get("productId"),
                        account_id=item.get("accountId"),
                    )
                    for item in raw["invoiceItems"]
                ],
            )
            for raw in validated["invoices"]
        ]
        mappings = services.merchant_invoices_save(actor=request.user, invoices=invoices)
        catalogue_id, status, title, details = CREATED
        body = {
            "id": catalogue_id,
            "statusCode": status,
            "title": title,
            "details": details,
            "invoices": [
                merchant_invoice_out(m, invoice_get(agent=request.user, invoice_id=m.object_id))
                for m in mappings
            ],
        }
        response = Response(body, status=status)
        response["statusCode"] = str(status)
        response[VERSION_HEADER] = version
        return response
