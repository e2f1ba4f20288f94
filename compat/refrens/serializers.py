"""Refrens request shapes (``/compat/refrens/businesses/{urlKey}/invoices``)."""

from datetime import date, datetime

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from invoicing_project.api.fields import StrictCharField

from ..fields import IdField, NumberField

BILL_TYPES = ("INVOICE", "BOS")


def _text(max_length: int, **kwargs) -> StrictCharField:
    return StrictCharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


class StrictEmailField(serializers.EmailField):
    default_error_messages = {"invalid_type": "must be a string (an e-mail address)"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class IsoDateField(serializers.Field):
    """An ISO 8601 date (``2021-06-18``) or date-time (``2021-06-18T12:08:38.000Z``)."""

    default_error_messages = {
        "invalid_type": "must be a string (an ISO 8601 date)",
        "invalid": "must be an ISO 8601 date or date-time",
    }

    def to_internal_value(self, data) -> date | datetime:
        if not isinstance(data, str):
            self.fail("invalid_type")
        try:
            value = parse_datetime(data) or parse_date(data)
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return value.isoformat()


class PartyInput(serializers.Serializer):
    name = StrictCharField(max_length=200)
    street = _text(200)
    city = _text(100)
    pincode = _text(20)
    gstState = IdField(max_length=10, required=False)
    state = _text(100)
    country = StrictCharField(min_length=2, max_length=2)
    panNumber = _text(20)
    gstin = _text(20)
    phone = _text(40)
    email = StrictEmailField(required=False, allow_blank=True, default="")

    def validate_country(self, value: str) -> str:
        if not value.isalpha():
            raise serializers.ValidationError("must be an ISO 3166-1 alpha-2 code", code="invalid")
        return value.upper()


class ItemInput(serializers.Serializer):
    name = StrictCharField(max_length=200)
    rate = NumberField(min_value=0)
    quantity = NumberField(min_value=0, max_decimals=4)
    gstRate = NumberField(
        min_value=0, max_value=100, max_decimals=2, required=False, allow_null=True
    )
    taxRate = NumberField(
        min_value=0, max_value=100, max_decimals=2, required=False, allow_null=True
    )

    def validate(self, attrs):
        gst, tax = attrs.get("gstRate"), attrs.get("taxRate")
        if gst is not None and tax is not None and gst != tax:
            raise serializers.ValidationError(
                {"taxRate": "gstRate and taxRate differ; send one of them"}
            )
        return attrs


class RecipientInput(serializers.Serializer):
    name = _text(200)
    email = StrictEmailField()


class EmailInput(serializers.Serializer):
    to = RecipientInput()
    cc = RecipientInput(many=True, required=False, default=list, max_length=20)


class ContactInput(serializers.Serializer):
    phone = _text(40)
    email = StrictEmailField(required=False, allow_blank=True, default="")


class InvoiceInput(serializers.Serializer):
    invoiceTitle = _text(100)
    invoiceSubTitle = _text(200)
    contact = ContactInput(required=False, allow_null=True, default=None)
    invoiceNumber = StrictCharField(max_length=100, required=False, allow_null=True, default=None)
    invoiceDate = IsoDateField(required=False, allow_null=True, default=None)
    dueDate = IsoDateField(required=False, allow_null=True, default=None)
    invoiceType = StrictCharField(max_length=10, required=False, default="INVOICE")
    currency = StrictCharField(min_length=3, max_length=3, required=False, default="INR")
    billedTo = PartyInput()
    billedBy = PartyInput(required=False, allow_null=True, default=None)
    items = ItemInput(many=True, allow_empty=False, max_length=settings.INVOICING_MAX_LINES)
    email = EmailInput(required=False, allow_null=True, default=None)

    def validate_invoiceType(self, value: str) -> str:
        if value.upper() not in BILL_TYPES:
            raise serializers.ValidationError(
                "must be INVOICE (tax invoice) or BOS (bill of supply)", code="invalid"
            )
        return value.upper()

    def validate_currency(self, value: str) -> str:
        return value.upper()
