"""Clerk UI URLs for invoices: the dashboard at ``/``, ``/invoices/...`` and ``/documents/...``."""

from django.urls import path

from .ui import dashboard, detail, editor, lists

app_name = "invoices_ui"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("invoices/", lists.invoice_list, name="list"),
    path("invoices/export.csv", lists.invoice_export, name="export"),
    path("invoices/new/", editor.invoice_new, name="new"),
    path("invoices/editor/cost-row/", editor.cost_row, name="editor-cost-row"),
    path("invoices/editor/totals/", editor.totals, name="editor-totals"),
    path("invoices/editor/parties/", editor.party_search, name="editor-party-search"),
    path("invoices/editor/party/", editor.party_chip, name="editor-party-chip"),
    path("invoices/editor/due-date/", editor.due_date, name="editor-due-date"),
    path("invoices/editor/office/", editor.office_defaults, name="editor-office"),
    path("invoices/<uuid:invoice_id>/", detail.invoice_detail, name="detail"),
    path("invoices/<uuid:invoice_id>/edit/", editor.invoice_edit, name="edit"),
    path("invoices/<uuid:invoice_id>/action/", detail.invoice_action_view, name="action"),
    path("invoices/<uuid:invoice_id>/credit-note/", detail.credit_note_view, name="credit-note"),
    path("invoices/<uuid:invoice_id>/delete/", detail.invoice_delete_view, name="delete"),
    path("invoices/<uuid:invoice_id>/preview/", detail.preview_view, name="preview"),
    path("invoices/<uuid:invoice_id>/resend/", detail.resend_view, name="resend"),
    path("documents/<uuid:document_id>/", detail.document_view, name="document"),
]
