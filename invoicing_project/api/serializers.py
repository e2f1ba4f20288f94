"""Serializer building blocks shared by the apps' API packages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban

from invoices.money import to_minor
from offices.validators import clean_bic, clean_business_id, clean_iban, clean_vat_number

from .fields import StrictCharField


@extend_schema_field(OpenApiTypes.INT)
class MinorUnitsOut(serializers.Field):
    """A djmoney ``Money`` read out as an integer in the currency's minor unit."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return to_minor(value.amount, str(value.currency))


class CanonicalCharField(StrictCharField):
    """A string validated and canonicalised by one of ``offices.validators.clean_*``."""

    cleaner = staticmethod(lambda value: value)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return value
        try:
            return type(self).cleaner(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from exc


class IbanField(CanonicalCharField):
    cleaner = staticmethod(clean_iban)

    def to_representation(self, value):
        return stdnum_iban.compact(value)


class BicField(CanonicalCharField):
    cleaner = staticmethod(clean_bic)

    def to_representation(self, value):
        return stdnum_bic.compact(value) if value else value


class BusinessIdField(CanonicalCharField):
    cleaner = staticmethod(clean_business_id)


class VatNumberField(CanonicalCharField):
    cleaner = staticmethod(clean_vat_number)


class OmitNullMixin:
    """Leave out the listed keys when their value is null, as the seed's examples do."""

    omit_if_null: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for key in self.omit_if_null:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class PaymentAccountSerializer(serializers.Serializer):
    """A payment account, in and out (the same four fields everywhere in the seed)."""

    bankName = StrictCharField(source="bank_name", max_length=100, required=False, allow_blank=True)
    bic = BicField(max_length=11, required=False, allow_blank=True)
    iban = IbanField(max_length=42)
    accountHolder = StrictCharField(
        source="account_holder", max_length=200, required=False, allow_blank=True
    )


class AddressSerializer(serializers.Serializer):
    streetAddress = StrictCharField(
        source="street_address", max_length=200, required=False, allow_blank=True
    )
    postcode = StrictCharField(max_length=20, required=False, allow_blank=True)
    postalArea = StrictCharField(
        source="postal_area", max_length=100, required=False, allow_blank=True
    )
    countryCode = StrictCharField(source="country_code", min_length=2, max_length=2, required=False)

    def validate_countryCode(self, value: str) -> str:
        if not value.isalpha():
            raise serializers.ValidationError("must be an ISO 3166-1 alpha-2 code", code="invalid")
        return value.upper()
