"""Preview PDFs and the Document API."""

import json

from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response

from invoicing_project.api.fields import UtcDateTimeField
from invoicing_project.api.views import ApiView
from invoicing_project.errors import InvalidState

from .. import documents
from ..choices import DocumentStatus


class PreviewOutput(serializers.Serializer):
    previewInvoiceDocumentId = serializers.UUIDField()


class DocumentOutput(serializers.Serializer):
    documentId = serializers.UUIDField(source="id")
    invoiceId = serializers.UUIDField(source="invoice_id")
    documentTypeCode = serializers.CharField(source="kind")
    statusCode = serializers.CharField(source="status")
    contentType = serializers.CharField(source="content_type")
    fileName = serializers.CharField(source="filename")
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    pages = serializers.IntegerField(allow_null=True)
    failureReason = serializers.CharField(source="failure_reason", allow_blank=True)
    createdAt = UtcDateTimeField(source="created_at")
    renderedAt = UtcDateTimeField(source="rendered_at", allow_null=True)


class PdfRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``application/pdf``; errors still leave as JSON bytes."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class PreviewDocumentView(ApiView):
    @extend_schema(operation_id="createPreviewDocument", request=None, responses=PreviewOutput)
    def post(self, request, invoice_id):
        document = documents.preview_request(actor=request.user, invoice_id=invoice_id)
        return Response({"previewInvoiceDocumentId": str(document.id)})


class DocumentView(ApiView):
    @extend_schema(operation_id="getDocument", responses=DocumentOutput)
    def get(self, request, document_id):
        document = documents.document_get(agent=request.user, document_id=document_id)
        return Response(DocumentOutput(document).data)


class DocumentContentView(ApiView):
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="getDocumentContent",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, document_id):
        document = documents.document_get(agent=request.user, document_id=document_id)
        if document.status != DocumentStatus.READY:
            reason = f": {document.failure_reason}" if document.failure_reason else ""
            raise InvalidState(f"The document is {document.status}{reason}; no content yet.")
        response = FileResponse(
            default_storage.open(document.file.name, "rb"),
            content_type=document.content_type,
            as_attachment=request.query_params.get("download") == "1",
            filename=document.filename,
        )
        if request.query_params.get("download") != "1":
            response["Content-Disposition"] = f'inline; filename="{document.filename}"'
        response["ETag"] = f'"{document.sha256}"'
        return response
