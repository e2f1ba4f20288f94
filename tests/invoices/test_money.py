"""Tables and properties for ``invoices.money`` (pure Python, no Django needed)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoices.money import (
    UnknownCurrency,
    is_known_currency,
    minor_unit_exponent,
    round_minor,
    to_major,
    to_minor,
)

# --- minor unit exponent ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        pytest.param("EUR", 2, id="EUR-cents"),
        pytest.param("JPY", 0, id="JPY-no-minor-unit"),
        pytest.param("KWD", 3, id="KWD-fils"),
        pytest.param("GBP", 2, id="GBP-pence"),
    ],
)
def test_minor_unit_exponent_of_iso_currencies(currency, exponent):
    assert minor_unit_exponent(currency) == exponent
    assert is_known_currency(currency) is True


@pytest.mark.parametrize("currency", ["XYZ", "", "EURO"])
def test_unknown_currency_raises_unknown_currency(currency):
    with pytest.raises(UnknownCurrency):
        minor_unit_exponent(currency)
    assert is_known_currency(currency) is False


def test_unknown_currency_is_a_value_error():
    # Callers (serializers) catch ValueError; UnknownCurrency must stay one.
    with pytest.raises(ValueError):
        minor_unit_exponent("XYZ")


# --- minor <-> major -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [
        pytest.param(10941, "EUR", "109.41", id="EUR-10941"),
        pytest.param(5, "EUR", "0.05", id="EUR-5-cents"),
        pytest.param(-5, "EUR", "-0.05", id="EUR-negative"),
        pytest.param(100, "EUR", "1.00", id="EUR-keeps-two-places"),
        pytest.param(500, "JPY", "500", id="JPY-500"),
        pytest.param(1234, "KWD", "1.234", id="KWD-1234"),
    ],
)
def test_to_major_is_exact_and_keeps_the_currency_places(minor, currency, major):
    result = to_major(minor, currency)
    assert isinstance(result, Decimal)
    # Compare the string too: Decimal('1') == Decimal('1.00'), but the display differs.
    assert str(result) == major
    assert result == Decimal(major)
    assert to_minor(result, currency) == minor


@pytest.mark.parametrize(
    ("major", "currency", "minor"),
    [
        pytest.param(Decimal("109.41"), "EUR", 10941, id="EUR-109.41"),
        pytest.param("109.415", "EUR", 10942, id="EUR-half-up-from-str"),
        pytest.param("-109.415", "EUR", -10942, id="EUR-half-up-negative"),
        pytest.param("109.4149", "EUR", 10941, id="EUR-below-half"),
        pytest.param(7, "EUR", 700, id="EUR-int"),
        pytest.param(Decimal("500"), "JPY", 500, id="JPY-500"),
        pytest.param("1.2345", "KWD", 1235, id="KWD-half-up"),
    ],
)
def test_to_minor_rounds_half_up_to_an_int(major, currency, minor):
    result = to_minor(major, currency)
    assert type(result) is int
    assert result == minor


# --- the one rounding rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("2.5", 3),
        ("-2.5", -3),
        ("0.5", 1),  # half-even would give 0
        ("-0.5", -1),
        ("2.4999", 2),
        ("-2.4999", -2),
        ("2.5001", 3),
        ("1.5", 2),
        ("4.5", 5),  # half-even would give 4
        ("-4.5", -5),
        ("0", 0),
        ("12345", 12345),
    ],
)
def test_round_minor_is_half_up_symmetric_for_negatives(value, rounded):
    result = round_minor(Decimal(value))
    assert isinstance(result, Decimal)
    assert result == rounded
    assert result == result.to_integral_value()


# --- properties ------------------------------------------------------------------------------

CURRENCIES = st.sampled_from(["EUR", "JPY", "KWD", "GBP", "CLF"])


@given(minor=st.integers(min_value=-(10**12), max_value=10**12), currency=CURRENCIES)
def test_to_minor_of_to_major_round_trips_every_integer(minor, currency):
    major = to_major(minor, currency)
    assert major.as_tuple().exponent == -minor_unit_exponent(currency)
    assert to_minor(major, currency) == minor


@given(
    value=st.decimals(
        min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False
    )
)
def test_round_minor_negation_symmetry_and_half_unit_bound(value):
    rounded = round_minor(value)
    assert rounded == rounded.to_integral_value()
    assert abs(rounded - value) <= Decimal("0.5")
    assert round_minor(-value) == -rounded
    if abs(rounded - value) == Decimal("0.5"):
        # an exact tie goes away from zero
        assert abs(rounded) > abs(value)
