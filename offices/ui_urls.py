"""Clerk UI URLs for accounts (``/accounts/...``) and office settings (``/offices/...``)."""

from django.urls import path

from . import views

app_name = "offices_ui"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", views.language_switch, name="language"),
    path("offices/", views.office_index, name="index"),
    path("offices/<uuid:office_id>/settings/", views.office_settings, name="settings"),
]
