"""Writes for parties."""

from typing import Any
from uuid import UUID

from django.db import transaction

from invoicing_project.errors import ValidationFailed
from offices.choices import Permission
from offices.models import AgencyOffice, Agent
from offices.selectors import require_permission

from .models import Party
from .selectors import party_get

PARTY_FIELDS = {
    "party_type",
    "name",
    "business_id",
    "vat_number",
    "email",
    "phone",
    "language",
    "state_code",
    "street_address",
    "postcode",
    "postal_area",
    "country_code",
    "e_invoicing_address",
    "e_invoicing_operator_id",
    "e_invoicing_operator_name",
}


@transaction.atomic
def party_create(*, actor: Agent, office_id: UUID, fields: dict[str, Any]) -> Party:
    require_permission(actor, office_id, Permission.DRAFT, action="add parties", conceal=False)
    if not AgencyOffice.objects.filter(pk=office_id).exists():  # a superuser's unknown office
        raise ValidationFailed.field("agencyOfficeId", f"Agency office {office_id} does not exist")
    party = Party(office_id=office_id, **{k: v for k, v in fields.items() if k in PARTY_FIELDS})
    party.save()
    return party


@transaction.atomic
def party_update(*, actor: Agent, party_id: UUID, fields: dict[str, Any]) -> Party:
    party = party_get(agent=actor, party_id=party_id)
    require_permission(actor, party.office_id, Permission.DRAFT, action="change parties")
    party = Party.objects.select_for_update().get(pk=party.pk)
    for key, value in fields.items():
        if key in PARTY_FIELDS:
            setattr(party, key, value)
    party.save()
    return party
