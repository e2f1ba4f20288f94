"""Serializer fields of the compatibility APIs (shape only: JSON types, lengths, ranges).

Amounts of the foreign systems are decimal numbers in the currency's major unit (``182.64``);
the JSON parser reads them as exact ``Decimal``. Whether an amount has more decimals than its
currency's minor unit allows is a rule of the service (it depends on the currency).
"""

from decimal import Decimal, InvalidOperation

from rest_framework import serializers

# Far beyond any invoice, and small enough that minor units stay inside the money columns.
MAX_AMOUNT = Decimal(10) ** 12


class NumberField(serializers.Field):
    """A JSON number as an exact ``Decimal`` (with ``allow_string``, a numeric string too).

    ``max_decimals`` limits the decimal places (a shape rule: e.g. quantities are stored with
    four); ``min_value`` / ``max_value`` bound the value.
    """

    default_error_messages = {
        "invalid_type": "must be a number",
        "invalid": "must be a finite decimal number",
        "min_value": "must be at least {min_value}",
        "max_value": "must be at most {max_value}",
        "max_decimals": "must have at most {max_decimals} decimal places",
    }

    def __init__(
        self,
        *,
        allow_string: bool = False,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = MAX_AMOUNT,
        max_decimals: int | None = None,
        **kwargs,
    ):
        self.allow_string = allow_string
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.max_decimals = max_decimals
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid_type")
        if isinstance(data, int | Decimal):
            value = Decimal(data)
        elif isinstance(data, float):  # not from the exact parser, but from a test client
            value = Decimal(str(data))
        elif self.allow_string and isinstance(data, str):
            try:
                value = Decimal(data.strip())
            except InvalidOperation:
                self.fail("invalid")
        else:
            self.fail("invalid_type")
        if not value.is_finite():
            self.fail("invalid")
        if self.max_value is not None and value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        if self.max_value is not None and value < -self.max_value:
            self.fail("min_value", min_value=-self.max_value)
        if self.max_decimals is not None and value.as_tuple().exponent < -self.max_decimals:
            if value != value.quantize(Decimal(1).scaleb(-self.max_decimals)):
                self.fail("max_decimals", max_decimals=self.max_decimals)
            value = value.quantize(Decimal(1).scaleb(-self.max_decimals))
        return value

    def to_representation(self, value):
        return value


class IdField(serializers.Field):
    """A foreign id: a JSON string or integer, read as a stripped string."""

    default_error_messages = {
        "invalid_type": "must be a string or an integer",
        "blank": "must not be empty",
        "max_length": "must be at most {max_length} characters",
    }

    def __init__(self, *, max_length: int = 100, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid_type")
        value = str(data).strip()
        if not value:
            self.fail("blank")
        if len(value) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return value

    def to_representation(self, value):
        return value
