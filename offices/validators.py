"""Identifier validation with python-stdnum: IBAN, BIC, Finnish business id, EU VAT number.

Each ``clean_*`` returns the canonical stored form or raises ``ValueError`` with a message that
is safe to show to a user; Django validators wrap them for model fields.
"""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus


def clean_iban(value: str) -> str:
    try:
        return iban.validate(value)
    except StdnumError as exc:
        raise ValueError(f"'{value}' is not a valid IBAN") from exc


def clean_bic(value: str) -> str:
    try:
        return bic.validate(value)
    except StdnumError as exc:
        raise ValueError(f"'{value}' is not a valid BIC") from exc


def clean_business_id(value: str) -> str:
    """A Finnish business id (Y-tunnus), stored as ``1234567-8``."""
    try:
        return ytunnus.format(ytunnus.validate(value))
    except StdnumError as exc:
        raise ValueError(f"'{value}' is not a valid Finnish business id (Y-tunnus)") from exc


def clean_vat_number(value: str) -> str:
    """An EU VAT number with its country prefix, stored compact (``FI23319727``)."""
    try:
        return vat.validate(value)
    except StdnumError as exc:
        raise ValueError(f"'{value}' is not a valid EU VAT number") from exc


@deconstructible
class CanonicalValidator:
    """Model-field validator: the value must be valid and already in its canonical form."""

    def __init__(self, clean_name: str) -> None:
        self.clean_name = clean_name

    def __call__(self, value: str) -> None:
        if not value:
            return
        try:
            cleaned = globals()[self.clean_name](value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if cleaned != value:
            raise ValidationError(f"Store '{value}' in its canonical form '{cleaned}'")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CanonicalValidator) and other.clean_name == self.clean_name

    def __hash__(self) -> int:
        return hash(self.clean_name)


validate_iban = CanonicalValidator("clean_iban")
validate_bic = CanonicalValidator("clean_bic")
validate_business_id = CanonicalValidator("clean_business_id")
validate_vat_number = CanonicalValidator("clean_vat_number")
