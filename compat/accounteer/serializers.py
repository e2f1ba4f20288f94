"""Accounteer request shape: ``POST /compat/accounteer/invoices`` with ``{"invoice": {...}}``."""

from django.conf import settings
from rest_framework import serializers

from invoicing_project.api.fields import StrictCharField, StrictDateField

from ..fields import IdField, NumberField


class TaxIncludedField(serializers.Field):
    """``tax_included``: a JSON boolean, or 1 / 0 as the seed's text describes."""

    default_error_messages = {"invalid_type": "must be true, false, 1 or 0"}

    def to_internal_value(self, data) -> bool:
        if isinstance(data, bool):
            return data
        if isinstance(data, int) and data in (0, 1):
            return bool(data)
        if isinstance(data, str) and data in ("0", "1"):
            return data == "1"
        self.fail("invalid_type")

    def to_representation(self, value):
        return value


class ItemInput(serializers.Serializer):
    title = StrictCharField(max_length=200)
    description = StrictCharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    quantity = NumberField(min_value=0, max_decimals=4)
    price = NumberField()
    tax_id = IdField(max_length=64)
    tax_included = TaxIncludedField(required=False, default=False)
    gl_account_id = IdField(max_length=64)


class InvoiceInput(serializers.Serializer):
    client_id = IdField()
    date_issued = StrictDateField(required=False, allow_null=True, default=None)
    date_due = StrictDateField(required=False, allow_null=True, default=None)
    template_id = IdField(max_length=64, required=False, allow_null=True, default=None)
    reference = StrictCharField(
        max_length=100, required=False, allow_blank=True, allow_null=True, default=None
    )
    status = StrictCharField(max_length=10, required=False, default="draft")
    items = ItemInput(many=True, allow_empty=False, max_length=settings.INVOICING_MAX_LINES)

    def validate_status(self, value: str) -> str:
        if value.lower() not in ("draft", "approved"):
            raise serializers.ValidationError('must be "draft" or "approved"', code="invalid")
        return value.lower()


class BodyInput(serializers.Serializer):
    invoice = InvoiceInput()
