from django.urls import path

from . import views

urlpatterns = [
    path("parties", views.PartyCollectionView.as_view(), name="party-collection"),
    path("parties/<uuid:party_id>", views.PartyDetailView.as_view(), name="party-detail"),
]
