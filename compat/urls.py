"""URLs of the compatibility APIs, one family per foreign system (mounted at ``/compat/``)."""

from django.urls import path

from . import views
from .accounteer import views as accounteer
from .merchant import views as merchant
from .okappy import views as okappy
from .refrens import share_views
from .refrens import views as refrens

urlpatterns = [
    path("okappy/invoices", okappy.OkappyInvoicesView.as_view(), name="compat-okappy-invoices"),
    path(
        "merchant/invoice", merchant.MerchantInvoiceView.as_view(), name="compat-merchant-invoice"
    ),
    path(
        "refrens/businesses/<str:url_key>/invoices",
        refrens.RefrensInvoicesView.as_view(),
        name="compat-refrens-invoices",
    ),
    path(
        "refrens/businesses/<str:url_key>/invoices/<str:invoice_id>",
        refrens.RefrensInvoiceView.as_view(),
        name="compat-refrens-invoice",
    ),
    path("refrens/share/<str:token>", share_views.share_view, name="compat-refrens-share"),
    path(
        "refrens/share/<str:token>/pdf", share_views.share_pdf_view, name="compat-refrens-share-pdf"
    ),
    path(
        "accounteer/invoices",
        accounteer.AccounteerInvoicesView.as_view(),
        name="compat-accounteer-invoices",
    ),
    path(
        "accounteer/invoices/<uuid:invoice_id>",
        accounteer.AccounteerInvoiceView.as_view(),
        name="compat-accounteer-invoice",
    ),
    path("ledger/journal-entries.csv", views.journal_csv_view, name="compat-journal-csv"),
]
