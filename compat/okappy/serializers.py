"""Okappy request shape (``POST /compat/okappy/invoices``): field names as in the seed."""

import re
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from invoicing_project.api.fields import StrictBooleanField, StrictCharField

from ..fields import IdField, NumberField

TAX_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2})$")
INVOICE_TYPES = ("raised", "draft")


def _amount(**kwargs) -> NumberField:
    """A money amount in pounds: a JSON number (or a numeric string), at least 0."""
    kwargs.setdefault("min_value", 0)
    return NumberField(allow_string=True, **kwargs)


def _text(max_length: int, **kwargs) -> StrictCharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", "")
    return StrictCharField(max_length=max_length, allow_blank=True, **kwargs)


class OkappyItemInput(serializers.Serializer):
    item = StrictCharField(max_length=200)
    description = StrictCharField(max_length=500, allow_blank=True)
    quantity = NumberField(allow_string=True, min_value=Decimal("0.0001"), max_decimals=4)
    unitPrice = _amount()
    discount = _amount(required=False, default=Decimal(0))
    vat = _amount()
    netAmount = _amount()
    vatReverse = StrictBooleanField(required=False, default=False)
    itemCode = _text(50)


class OkappyInvoiceInput(serializers.Serializer):
    connectTo = IdField()
    customerReference = _text(100)
    materialsCostDescription = _text(500)
    labourCostDescription = _text(500)
    otherCostDescription = _text(500)
    taxDate = StrictCharField(max_length=20)
    materialsCost = _amount(required=False, allow_null=True, default=None)
    labourCost = _amount(required=False, allow_null=True, default=None)
    otherCost = _amount(required=False, allow_null=True, default=None)
    netAmountCustomer = _amount()
    invoiceType = StrictCharField(max_length=10)
    companyName = _text(200)
    invoiceAddress = _text(200)
    vatAmount = _amount()
    deduction = _amount(required=False, allow_null=True, default=Decimal(0))
    invoiceItems = OkappyItemInput(
        many=True, required=False, default=list, max_length=settings.INVOICING_MAX_LINES
    )

    def validate_taxDate(self, value: str) -> datetime:
        match = TAX_DATE_RE.match(value.strip())
        try:
            if match is None:
                raise ValueError(value)
            year, month, day, hour, minute = (int(part) for part in match.groups())
            return datetime(year, month, day, hour, minute)
        except ValueError as exc:
            raise serializers.ValidationError(
                "must be a date and time in the format yyyy-mm-dd h:mm (e.g. 2024-02-17 9:30)",
                code="invalid",
            ) from exc

    def validate_invoiceType(self, value: str) -> str:
        if value.lower() not in INVOICE_TYPES:
            raise serializers.ValidationError('must be "raised" or "draft"', code="invalid")
        return value.lower()
