"""E-invoice XML, deliveries (with the approvers' re-send) and payment reminders of an invoice."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings

from invoicing_project.api.fields import UtcDateTimeField
from invoicing_project.api.views import ApiView

from .. import delivery, reminders
from ..einvoice import CONTENT_TYPE, FORMATS


class XmlRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``application/xml``; errors still leave as JSON bytes."""

    media_type = "application/xml"
    format = "xml"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class EInvoiceNegotiation(DefaultContentNegotiation):
    """Here ``?format=`` names the e-invoice format (the issue's contract), not DRF's renderer
    override; the renderer comes from the Accept header only."""

    settings = _NoFormatOverride()


class DeliveryOutput(serializers.Serializer):
    deliveryId = serializers.UUIDField(source="id")
    invoiceId = serializers.UUIDField(source="invoice_id")
    deliveryTypeCode = serializers.CharField(source="kind")
    channelCode = serializers.CharField(source="channel")
    statusCode = serializers.CharField(source="status")
    recipient = serializers.CharField()
    fileName = serializers.CharField(source="filename")
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    requestedById = serializers.UUIDField(source="requested_by_id", allow_null=True)
    createdAt = UtcDateTimeField(source="created_at")
    sentAt = UtcDateTimeField(source="sent_at", allow_null=True)


class DeliveryListOutput(serializers.Serializer):
    deliveries = DeliveryOutput(many=True)


class ReminderOutput(serializers.Serializer):
    reminderId = serializers.UUIDField(source="id")
    invoiceId = serializers.UUIDField(source="invoice_id")
    period = serializers.IntegerField()
    periodStart = serializers.DateField(source="period_start")
    reminderDate = serializers.DateField(source="reminder_date")
    daysOverdue = serializers.IntegerField(source="days_overdue")
    interestRate = serializers.DecimalField(
        source="interest_rate", max_digits=6, decimal_places=3, coerce_to_string=False
    )
    interestRateBasis = serializers.CharField(source="interest_rate_basis")
    currencyCode = serializers.CharField(source="currency")
    principal = serializers.IntegerField()
    interest = serializers.IntegerField()
    fee = serializers.IntegerField()
    total = serializers.IntegerField()
    newDueDate = serializers.DateField(source="new_due_date")
    channelCode = serializers.CharField(source="channel")
    statusCode = serializers.CharField(source="status")
    recipient = serializers.CharField()
    documentId = serializers.UUIDField(source="document_id", allow_null=True)
    error = serializers.CharField()
    createdAt = UtcDateTimeField(source="created_at")
    sentAt = UtcDateTimeField(source="sent_at", allow_null=True)


class ReminderListOutput(serializers.Serializer):
    reminders = ReminderOutput(many=True)


class EInvoiceView(ApiView):
    """The e-invoice XML of an approved invoice or credit note: Finvoice 3.0 or Peppol BIS
    Billing 3.0 (UBL), with exactly the figures of its PDF."""

    renderer_classes = [renderers.JSONRenderer, XmlRenderer]
    content_negotiation_class = EInvoiceNegotiation

    @extend_schema(
        operation_id="getEInvoice",
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(FORMATS),
                default="finvoice",
                description="finvoice (Finvoice 3.0) or ubl (Peppol BIS Billing 3.0)",
            ),
            OpenApiParameter("download", str, enum=["1"], required=False),
        ],
        responses={(200, "application/xml"): OpenApiTypes.STR},
    )
    def get(self, request, invoice_id):
        fmt = request.query_params.get("format", "finvoice")
        content, filename = delivery.einvoice_get(
            agent=request.user, invoice_id=invoice_id, fmt=fmt
        )
        response = HttpResponse(content, content_type=f"{CONTENT_TYPE}; charset=utf-8")
        disposition = "attachment" if request.query_params.get("download") == "1" else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        return response


class DeliveryCollectionView(ApiView):
    """How the invoice was sent (e-invoice, e-mail, print), oldest first; approvers re-send."""

    @extend_schema(operation_id="listInvoiceDeliveries", responses=DeliveryListOutput)
    def get(self, request, invoice_id):
        items = delivery.deliveries_list(agent=request.user, invoice_id=invoice_id)
        return Response(DeliveryListOutput({"deliveries": items}).data)

    @extend_schema(
        operation_id="resendInvoice",
        request=None,
        responses={202: DeliveryOutput},
        description="Send the approved invoice again in its channel (approvers). The sending "
        "happens in the background; the delivery's status tells how it went.",
    )
    def post(self, request, invoice_id):
        sent = delivery.delivery_resend(actor=request.user, invoice_id=invoice_id)
        sent.refresh_from_db()  # without a broker the task has run on commit already
        response = Response(DeliveryOutput(sent).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = f"/api/v1/invoices/{invoice_id}/deliveries"
        return response


class ReminderCollectionView(ApiView):
    """The payment reminders of the invoice, with their interest figures (minor units)."""

    @extend_schema(operation_id="listInvoiceReminders", responses=ReminderListOutput)
    def get(self, request, invoice_id):
        items = reminders.reminders_list(agent=request.user, invoice_id=invoice_id)
        return Response(ReminderListOutput({"reminders": items}).data)
