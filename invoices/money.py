"""Money at the edges: integer minor units <-> Decimal major units, and the one rounding rule.

Pure Python (no Django). Inside the product amounts are ``Decimal``; on the API they are
integers in the currency's minor unit (EUR cents). The tax module computes in minor units,
so the only rounding that ever happens is :func:`round_minor`: half-up (away from zero for
exact halves, so a negated amount rounds to the negated result) to a whole minor unit.
"""

from decimal import ROUND_HALF_UP, Decimal

import moneyed

ONE = Decimal(1)


class UnknownCurrency(ValueError):
    """The currency code is not an ISO 4217 currency we know the minor unit of."""


def minor_unit_exponent(currency_code: str) -> int:
    """Decimal places of the currency's minor unit: EUR 2, JPY 0, KWD 3."""
    try:
        currency = moneyed.get_currency(currency_code)
    except (moneyed.CurrencyDoesNotExist, TypeError, AttributeError) as exc:
        raise UnknownCurrency(currency_code) from exc
    sub_unit = currency.sub_unit or 1
    exponent = len(str(sub_unit)) - 1
    if 10**exponent != sub_unit:  # pragma: no cover - no such ISO currency today
        raise UnknownCurrency(currency_code)
    return exponent


def is_known_currency(currency_code: str) -> bool:
    try:
        minor_unit_exponent(currency_code)
    except UnknownCurrency:
        return False
    return True


def round_minor(value: Decimal) -> Decimal:
    """The one rounding rule: half-up to a whole minor unit (symmetric for negatives)."""
    return Decimal(value).quantize(ONE, rounding=ROUND_HALF_UP)


def to_major(minor: int | Decimal, currency_code: str) -> Decimal:
    """``10941`` EUR cents -> ``Decimal('109.41')`` (exact, no rounding)."""
    exponent = minor_unit_exponent(currency_code)
    return (Decimal(minor) / (Decimal(10) ** exponent)).quantize(Decimal(1).scaleb(-exponent))


def to_minor(major: Decimal | int | str, currency_code: str) -> int:
    """``Decimal('109.41')`` EUR -> ``10941``; rounds half-up if given more decimals."""
    exponent = minor_unit_exponent(currency_code)
    return int(round_minor(Decimal(major) * (Decimal(10) ** exponent)))
