"""Party API serializers (camelCase)."""

from rest_framework import serializers

from invoicing_project.api.fields import (
    StrictCharField,
    StrictChoiceField,
    StrictUUIDField,
    UtcDateTimeField,
)
from invoicing_project.api.serializers import AddressSerializer, BusinessIdField, VatNumberField

from ..choices import Language, PartyType


class PartyEInvoicingSerializer(serializers.Serializer):
    eInvoicingAddress = StrictCharField(
        source="e_invoicing_address", max_length=35, allow_blank=True
    )
    operatorId = StrictCharField(
        source="e_invoicing_operator_id", max_length=35, required=False, allow_blank=True
    )
    operatorName = StrictCharField(
        source="e_invoicing_operator_name", max_length=100, required=False, allow_blank=True
    )


class PartySerializer(serializers.Serializer):
    """A party, in (create / update) and out."""

    partyId = serializers.UUIDField(source="id", read_only=True)
    agencyOfficeId = StrictUUIDField(source="office_id")
    partyTypeCode = StrictChoiceField(
        source="party_type", choices=PartyType.choices, required=False
    )
    name = StrictCharField(max_length=200)
    businessId = BusinessIdField(
        source="business_id", max_length=20, required=False, allow_blank=True
    )
    vatNumber = VatNumberField(source="vat_number", max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = StrictCharField(max_length=40, required=False, allow_blank=True)
    languageCode = StrictChoiceField(source="language", choices=Language.choices, required=False)
    address = AddressSerializer(source="*", required=False)
    eInvoicing = PartyEInvoicingSerializer(source="*", required=False)
    creationTime = UtcDateTimeField(source="created_at", read_only=True)
    modificationTime = UtcDateTimeField(source="modified_at", read_only=True)


class PartyListOutput(serializers.Serializer):
    totalCount = serializers.IntegerField()
    parties = PartySerializer(many=True)
