"""Offices, auth and /me API serializers (camelCase)."""

from rest_framework import serializers

from invoicing_project.api.fields import (
    PercentageField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    StrictUUIDField,
    UtcDateTimeField,
)
from invoicing_project.api.serializers import (
    AddressSerializer,
    BusinessIdField,
    PaymentAccountSerializer,
    VatNumberField,
)

from ..choices import PaymentTermsCode


class TokenInput(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=256, trim_whitespace=False)


class TokenOutput(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()


class MeOfficeOutput(serializers.Serializer):
    agencyOfficeId = serializers.UUIDField()
    name = serializers.CharField()
    officeIdentifier = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class MeOutput(serializers.Serializer):
    agentId = serializers.UUIDField()
    username = serializers.CharField()
    firstName = serializers.CharField()
    lastName = serializers.CharField()
    email = serializers.CharField()
    isSuperuser = serializers.BooleanField()
    offices = MeOfficeOutput(many=True)


class DefaultPaymentTermsSerializer(serializers.Serializer):
    paymentTermsCode = StrictChoiceField(
        source="default_payment_terms_code", choices=PaymentTermsCode.choices, required=False
    )
    latePaymentFeePercentage = PercentageField(
        source="default_late_payment_fee_percentage", required=False, allow_null=True
    )
    noticePeriod = StrictIntegerField(
        source="default_notice_period", min_value=0, max_value=365, required=False
    )


class NonCommissionCostsSerializer(serializers.Serializer):
    includedInCommission = StrictBooleanField(source="non_commission_costs_included_in_commission")
    subjectToRoyalty = StrictBooleanField(source="non_commission_costs_subject_to_royalty")
    separateLinesToInvoicePdf = StrictBooleanField(
        source="non_commission_costs_separate_lines_to_pdf"
    )


class InvoiceSettingsSerializer(serializers.Serializer):
    nonCommissionCosts = NonCommissionCostsSerializer(source="*")


class OfficeSerializer(serializers.Serializer):
    """An agency office, in (create / full update) and out."""

    agencyOfficeId = serializers.UUIDField(source="id", read_only=True)
    name = StrictCharField(max_length=200)
    officeIdentifier = StrictCharField(source="office_identifier", max_length=10)
    businessId = BusinessIdField(source="business_id", max_length=20)
    vatNumber = VatNumberField(source="vat_number", max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = StrictCharField(max_length=40, required=False, allow_blank=True)
    address = AddressSerializer(source="*", required=False)
    paymentAccounts = PaymentAccountSerializer(
        source="payment_accounts", many=True, required=False, max_length=5
    )
    defaultPaymentTerms = DefaultPaymentTermsSerializer(source="*", required=False)
    invoiceSettings = InvoiceSettingsSerializer(source="*", required=False)
    nextSequenceNumberToBeIssued = serializers.IntegerField(
        source="next_sequence_number", read_only=True
    )
    creationTime = UtcDateTimeField(source="created_at", read_only=True)
    modificationTime = UtcDateTimeField(source="modified_at", read_only=True)

    def validate_officeIdentifier(self, value: str) -> str:
        if not (value.isascii() and value.isdigit()):
            raise serializers.ValidationError("must contain digits only", code="invalid")
        return value


class OfficeListOutput(serializers.Serializer):
    totalCount = serializers.IntegerField()
    agencyOffices = OfficeSerializer(many=True)


class OfficeInvoiceSettingsSerializer(serializers.Serializer):
    """``{agencyOfficeId, invoiceSettings: {nonCommissionCosts: {...}}}`` of the seed."""

    agencyOfficeId = StrictUUIDField(source="id")
    invoiceSettings = InvoiceSettingsSerializer(source="*")
