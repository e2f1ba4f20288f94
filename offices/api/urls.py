from django.urls import path

from . import views

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("me", views.MeView.as_view(), name="me"),
    path("agencyOffices", views.OfficeCollectionView.as_view(), name="office-collection"),
    path("agencyOffices/<uuid:office_id>", views.OfficeDetailView.as_view(), name="office-detail"),
    path("invoiceSettings", views.InvoiceSettingsView.as_view(), name="invoice-settings"),
]
