"""Clerk UI URLs for parties (under ``/parties/``)."""

from django.urls import path

from . import views

app_name = "parties_ui"

urlpatterns = [
    path("", views.party_list_view, name="list"),
    path("new/", views.party_create_view, name="new"),
    path("<uuid:party_id>/edit/", views.party_edit_view, name="edit"),
]
