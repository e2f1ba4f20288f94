"""Invoiced parties: the people and organisations an office invoices (or buys from)."""

import uuid

from django.db import models

from offices.models import AgencyOffice, PostalAddress
from offices.validators import validate_business_id, validate_vat_number

from .choices import Language, PartyType


class Party(PostalAddress):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey(AgencyOffice, on_delete=models.PROTECT, related_name="parties")
    party_type = models.CharField(
        max_length=20, choices=PartyType.choices, default=PartyType.PERSON
    )
    name = models.CharField(max_length=200, db_index=True)
    business_id = models.CharField(max_length=9, blank=True, validators=[validate_business_id])
    vat_number = models.CharField(max_length=20, blank=True, validators=[validate_vat_number])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FI)
    state_code = models.CharField(
        max_length=10, blank=True, help_text="State or province code (e.g. an Indian GST state)."
    )
    e_invoicing_address = models.CharField(max_length=35, blank=True)
    e_invoicing_operator_id = models.CharField(max_length=35, blank=True)
    e_invoicing_operator_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "parties"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
