from django.urls import path

from . import document_views, einvoice_views, lifecycle_views, views

urlpatterns = [
    path("invoices", views.InvoiceCollectionView.as_view(), name="invoice-collection"),
    path("invoices/<uuid:invoice_id>", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path(
        "invoices/<uuid:invoice_id>/actions",
        lifecycle_views.InvoiceActionView.as_view(),
        name="invoice-actions",
    ),
    path(
        "invoices/<uuid:invoice_id>/history",
        lifecycle_views.InvoiceHistoryView.as_view(),
        name="invoice-history",
    ),
    path(
        "invoices/<uuid:invoice_id>/creditNotes",
        lifecycle_views.CreditNoteView.as_view(),
        name="invoice-credit-notes",
    ),
    path(
        "invoices/<uuid:invoice_id>/finalStatus",
        lifecycle_views.FinalStatusView.as_view(),
        name="invoice-final-status",
    ),
    path("invoiceNumbering", lifecycle_views.NumberingView.as_view(), name="invoice-numbering"),
    path(
        "invoiceNumbering/reset",
        lifecycle_views.NumberingResetView.as_view(),
        name="invoice-numbering-reset",
    ),
    path(
        "invoices/<uuid:invoice_id>/previewDocument",
        document_views.PreviewDocumentView.as_view(),
        name="invoice-preview-document",
    ),
    path(
        "invoices/<uuid:invoice_id>/einvoice",
        einvoice_views.EInvoiceView.as_view(),
        name="invoice-einvoice",
    ),
    path(
        "invoices/<uuid:invoice_id>/deliveries",
        einvoice_views.DeliveryCollectionView.as_view(),
        name="invoice-deliveries",
    ),
    path(
        "invoices/<uuid:invoice_id>/reminders",
        einvoice_views.ReminderCollectionView.as_view(),
        name="invoice-reminders",
    ),
    path("documents/<uuid:document_id>", document_views.DocumentView.as_view(), name="document"),
    path(
        "documents/<uuid:document_id>/content",
        document_views.DocumentContentView.as_view(),
        name="document-content",
    ),
]
