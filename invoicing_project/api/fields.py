"""Strict JSON field types for the API serializers.

DRF's fields coerce: ``"12"`` becomes 12, ``1`` becomes ``True``, ``5`` becomes ``"5"``. An
invoicing API must not guess, so these fields accept only the JSON type they declare and fail
with the code ``invalid_type`` (mapped to ``INVALID_TYPE``) otherwise.
"""

from datetime import UTC
from decimal import Decimal

from rest_framework import serializers

MAX_MINOR_AMOUNT = 10**15  # a trillion euros in cents: far beyond any invoice, within 19 digits


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid_type": "must be an integer"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class MinorUnitsField(StrictIntegerField):
    """An amount in the currency's minor unit (EUR cents)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -MAX_MINOR_AMOUNT)
        kwargs.setdefault("max_value", MAX_MINOR_AMOUNT)
        super().__init__(**kwargs)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid_type": "must be a boolean"}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid_type")
        return data


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid_type": "must be a string"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class PercentageField(serializers.DecimalField):
    """A percentage as a JSON number (``25.5``), 0-100 with at most two decimals."""

    default_error_messages = {"invalid_type": "must be a number"}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(100))
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            self.fail("invalid_type")
        return super().to_internal_value(str(data) if isinstance(data, float) else data)

    def to_representation(self, value):
        if value is None:
            return None
        value = Decimal(value).normalize()
        return int(value) if value == value.to_integral_value() else float(value)


class StrictDateField(serializers.DateField):
    default_error_messages = {"invalid_type": "must be a string (YYYY-MM-DD)"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class StrictDateTimeField(serializers.DateTimeField):
    default_error_messages = {"invalid_type": "must be a string (ISO 8601 date-time)"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    default_error_messages = {"invalid_type": "must be a string (UUID)"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    default_error_messages = {"invalid_type": "must be a string"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_type")
        return super().to_internal_value(data)


class UtcDateTimeField(serializers.DateTimeField):
    """Date-times leave the API in UTC with a ``Z`` (``2024-02-17T10:30:00Z``), as in the seed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)
