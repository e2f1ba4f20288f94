"""Invoice endpoints of the primary seed: create, search, get, replace, delete."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from invoicing_project.api.views import PAGING_PARAMETERS, ApiView, created, page_params
from invoicing_project.errors import ValidationFailed

from .. import selectors, services
from ..filters import InvoiceFilter
from ..search import TOTAL_COUNT_CAPPED, TOTAL_COUNT_CAPPED_HEADER, search_items
from .serializers import (
    InvoiceCreateInput,
    InvoiceDetailOutput,
    InvoiceIdOutput,
    InvoiceSearchOutput,
    InvoiceUpdateInput,
    invoice_data,
)

SEARCH_PARAMETERS = [
    OpenApiParameter(
        name,
        str,
        many=name
        in {
            "statusCode",
            "invoiceTypeCode",
            "invoicingReasonCode",
            "agencyOfficeId",
            "sort",
            "direction",
        },
    )
    for name in InvoiceFilter.base_filters
] + PAGING_PARAMETERS


class InvoiceCollectionView(ApiView):
    @extend_schema(
        operation_id="searchInvoices",
        parameters=[*SEARCH_PARAMETERS, TOTAL_COUNT_CAPPED_HEADER],
        responses=InvoiceSearchOutput,
    )
    def get(self, request):
        """``totalCount`` is exact up to ``INVOICING_SEARCH_COUNT_CAP``; above it, it is the cap
        and the response has ``Total-Count-Capped: true`` (docs/api.md). The items are built
        from plain rows exactly as ``InvoiceSearchOutput`` renders them (``invoices.search``)."""
        start, size = page_params(request)
        queryset = selectors.invoice_search(agent=request.user, params=request.query_params)
        page = selectors.invoice_search_page(queryset, start=start, size=size)
        response = Response({"totalCount": page.total, "invoices": search_items(page.ids)})
        if page.capped:
            response[TOTAL_COUNT_CAPPED] = "true"
        return response

    @extend_schema(
        operation_id="createInvoice", request=InvoiceCreateInput, responses={201: InvoiceIdOutput}
    )
    def post(self, request):
        data = invoice_data(self.validated(InvoiceCreateInput))
        invoice = services.invoice_create(actor=request.user, data=data)
        return created(
            Response({"invoiceId": str(invoice.id)}, status=status.HTTP_201_CREATED),
            f"/api/v1/invoices/{invoice.id}",
        )


class InvoiceDetailView(ApiView):
    @extend_schema(operation_id="getInvoice", responses=InvoiceDetailOutput)
    def get(self, request, invoice_id):
        invoice = selectors.invoice_get(agent=request.user, invoice_id=invoice_id)
        response = Response(InvoiceDetailOutput(invoice).data)
        response["ETag"] = selectors.invoice_etag(invoice)
        return response

    @extend_schema(operation_id="updateInvoice", request=InvoiceUpdateInput, responses={200: dict})
    def put(self, request, invoice_id):
        current = selectors.invoice_get(agent=request.user, invoice_id=invoice_id)
        validated = self.validated(InvoiceUpdateInput)
        if validated["invoice_type_code"] != current.invoice_type_code:
            raise ValidationFailed.field(
                "invoiceTypeCode",
                f"invoiceTypeCode must be {current.invoice_type_code} for this invoice",
            )
        invoice = services.invoice_update(
            actor=request.user,
            invoice_id=invoice_id,
            data=invoice_data(validated, current=current),
            if_match=request.headers.get("If-Match"),
        )
        response = Response({})
        response["ETag"] = selectors.invoice_etag(invoice)
        return response

    @extend_schema(operation_id="deleteInvoice", responses={204: None})
    def delete(self, request, invoice_id):
        services.invoice_delete(actor=request.user, invoice_id=invoice_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
