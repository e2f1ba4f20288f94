"""Merchant supplier-invoice request shape (``POST /compat/merchant/invoice``).

On an update (an ``id`` given) an absent or null field keeps its current value, so the
service needs to know what was sent: fields have no defaults here.
"""

from django.conf import settings
from rest_framework import serializers

from invoicing_project.api.fields import StrictCharField, StrictDateField, StrictIntegerField

from ..fields import NumberField

MAX_ID = 2**53  # JavaScript-safe integers


def _id(**kwargs) -> StrictIntegerField:
    return StrictIntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, **kwargs
    )


def _text(max_length: int) -> StrictCharField:
    return StrictCharField(max_length=max_length, required=False, allow_blank=True, allow_null=True)


class MerchantItemInput(serializers.Serializer):
    barcode = _text(50)
    note = _text(500)
    name = _text(200)
    price = NumberField(allow_string=True, min_value=0)
    vatPercentage = NumberField(min_value=0, max_value=100, max_decimals=2)
    quantity = StrictIntegerField(min_value=1, max_value=10**9, required=False)
    productId = _id()
    accountId = _id()


class MerchantInvoiceInput(serializers.Serializer):
    id = _id()
    supplierId = _id()
    storeId = _id()
    supplierStoreId = _id()
    reference = _text(100)
    completeDate = StrictDateField(required=False, allow_null=True)
    note = _text(2000)
    invoiceItems = MerchantItemInput(
        many=True, required=False, allow_null=True, max_length=settings.INVOICING_MAX_LINES
    )


class MerchantBodyInput(serializers.Serializer):
    invoices = MerchantInvoiceInput(many=True, allow_empty=False)
