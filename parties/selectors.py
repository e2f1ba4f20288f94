"""Reads for parties, scoped to the caller's offices."""

from uuid import UUID

from django.db.models import Q, QuerySet

from invoicing_project.errors import NotFound
from offices.models import Agent
from offices.selectors import scope_to_offices

from .models import Party


def party_list(
    *, agent: Agent, office_ids: list[UUID] | None = None, query: str | None = None
) -> QuerySet[Party]:
    parties = scope_to_offices(Party.objects.all(), agent, field="office_id")
    if office_ids:
        parties = parties.filter(office_id__in=office_ids)
    if query:
        parties = parties.filter(
            Q(name__icontains=query) | Q(business_id__icontains=query) | Q(email__icontains=query)
        )
    return parties.order_by("name", "id")


def party_get(*, agent: Agent, party_id: UUID) -> Party:
    party = party_list(agent=agent).filter(id=party_id).first()
    if party is None:
        raise NotFound(f"Party {party_id} was not found.")
    return party
