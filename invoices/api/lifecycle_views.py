"""Lifecycle endpoints: actions, history, credit notes, final status, numbering."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from invoicing_project.api.views import ApiView, created, office_id_param

from .. import lifecycle, numbering
from .serializers import (
    ActionInput,
    CreditNoteInput,
    FinalStatusInput,
    HistoryOutput,
    InvoiceIdOutput,
    NumberingOutput,
    NumberingResetInput,
)

OFFICE_QUERY = OpenApiParameter("agencyOfficeId", str, required=True)


class InvoiceActionView(ApiView):
    @extend_schema(operation_id="createInvoiceAction", request=ActionInput, responses={200: dict})
    def post(self, request, invoice_id):
        data = self.validated(ActionInput)
        lifecycle.invoice_action(
            actor=request.user,
            invoice_id=invoice_id,
            action=data["action_type_code"],
            paid_date=data.get("paid_date"),
        )
        return Response({})


class InvoiceHistoryView(ApiView):
    @extend_schema(operation_id="getInvoiceHistory", responses=HistoryOutput)
    def get(self, request, invoice_id):
        events = lifecycle.history(agent=request.user, invoice_id=invoice_id)
        return Response(HistoryOutput({"events": events}).data)


class CreditNoteView(ApiView):
    @extend_schema(
        operation_id="createCreditNote", request=CreditNoteInput, responses={201: InvoiceIdOutput}
    )
    def post(self, request, invoice_id):
        data = self.validated(CreditNoteInput)
        invoicing = data["invoicing"]
        e_invoicing = invoicing.get("e_invoicing", {})
        credit_note = lifecycle.credit_note_create(
            actor=request.user,
            invoice_id=invoice_id,
            invoicing_date=data["invoicing_date"],
            issue_date=data["issue_date"],
            due_date=data["due_date"],
            reason=data["reason"],
            payment_terms_description=data.get("payment_terms_description", ""),
            invoicing_method_code=invoicing["invoicing_method_code"],
            e_invoicing_address=e_invoicing.get("e_invoicing_address", ""),
            e_invoicing_operator_id=e_invoicing.get("e_invoicing_operator_id", ""),
            e_invoicing_operator_name=e_invoicing.get("e_invoicing_operator_name", ""),
        )
        return created(
            Response({"invoiceId": str(credit_note.id)}, status=status.HTTP_201_CREATED),
            f"/api/v1/invoices/{credit_note.id}",
        )


class FinalStatusView(ApiView):
    @extend_schema(
        operation_id="overrideFinalStatus", request=FinalStatusInput, responses={200: dict}
    )
    def put(self, request, invoice_id):
        data = self.validated(FinalStatusInput)
        block = data["invoice"]
        lifecycle.invoice_final_status_override(
            actor=request.user,
            invoice_id=invoice_id,
            invoice_type_code=data["invoice_type_code"],
            status_code=block["status_code"],
            invoice_number=block["invoice_number"],
            reference_number=block["reference_number"],
            is_paid=block["is_paid"],
            paid_date=block.get("paid_date"),
            approved_date=block.get("approved_date"),
            issue_date=block.get("issue_date"),
            invoice_document_id=block.get("invoice_document_id"),
        )
        return Response({})


class NumberingView(ApiView):
    @extend_schema(
        operation_id="getInvoiceNumbering", parameters=[OFFICE_QUERY], responses=NumberingOutput
    )
    def get(self, request):
        result = numbering.numbering_get(agent=request.user, office_id=office_id_param(request))
        return Response(NumberingOutput(result).data)


class NumberingResetView(ApiView):
    @extend_schema(
        operation_id="resetInvoiceNumbering",
        parameters=[OpenApiParameter("agencyOfficeId", str)],
        request=NumberingResetInput,
        responses=NumberingOutput,
    )
    def post(self, request):
        data = self.validated(NumberingResetInput, data=request.data or {})
        result = numbering.numbering_reset(
            actor=request.user,
            office_id=office_id_param(request, data.get("agency_office_id")),
            next_sequence_number=data["next_sequence_number"],
        )
        return Response(NumberingOutput(result).data)
