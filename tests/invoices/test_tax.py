"""Tables (the seeds' own numbers, hand-computed lines) and properties for ``invoices.tax``.

Rules under test (DESIGN.md "Money and tax"): amounts are whole minor units; per line
gross = round(quantity x unit_amount); with includes_vat the VAT-excluded amount is
round(gross * 100 / (100 + rate)) and VAT = included - excluded; otherwise
VAT = round(excluded * rate / 100); rounding is half-up, symmetric for negatives; a
reverse-charge line charges no VAT but shows its rate; the discount is a negative line; totals
are the sums of the line figures; down payment and deduction reduce only the amount due.
"""

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoices.tax import (
    LineAmounts,
    LineInput,
    discount_line,
    invoice_totals,
    line_amounts,
)

D = Decimal


def line(amount, rate, includes_vat=False, quantity=1, reverse_charge=False):
    return LineInput(
        unit_amount=D(amount),
        vat_percentage=D(rate),
        includes_vat=includes_vat,
        quantity=D(quantity),
        reverse_charge=reverse_charge,
    )


def figures(amounts: LineAmounts):
    return (amounts.vat_excluded, amounts.vat, amounts.vat_included)


# --- the seeds' own examples -----------------------------------------------------------------


def test_seed_example_totals_10941_8718():
    totals = invoice_totals([line(10000, "25.5", includes_vat=True), line(750, "25.5")])
    assert totals.vat_included == 10941
    assert totals.vat_excluded == 8718
    assert totals.vat == 2223
    assert [figures(a) for a in totals.lines] == [(7968, 2032, 10000), (750, 191, 941)]
    assert totals.amount_due == 10941


def test_seed_costs_with_discount_and_down_payment_1025000_816734_due_775000():
    costs = [line(amount, "25.5", includes_vat=True) for amount in (1000000, 50000, 75000)]
    discount = discount_line(D(100000), D("25.5"), includes_vat=True)
    totals = invoice_totals([*costs, discount], down_payment=D(250000))
    assert [figures(a) for a in totals.lines] == [
        (796813, 203187, 1000000),
        (39841, 10159, 50000),
        (59761, 15239, 75000),
        (-79681, -20319, -100000),
    ]
    assert totals.vat_included == 1025000
    assert totals.vat_excluded == 816734
    assert totals.vat == 208266
    assert totals.down_payment == 250000
    assert totals.amount_due == 775000


def test_accounteer_seed_21_percent_total_22100_base_18264_tax_3836():
    totals = invoice_totals([line(10000, 21), line(10000, 21, includes_vat=True)])
    assert [figures(a) for a in totals.lines] == [(10000, 2100, 12100), (8264, 1736, 10000)]
    assert totals.vat_included == 22100
    assert totals.vat_excluded == 18264
    assert totals.vat == 3836
    assert [(r.vat_percentage, r.vat_excluded, r.vat) for r in totals.vat_breakdown] == [
        (21, 18264, 3836)
    ]


# --- one line, computed by hand --------------------------------------------------------------

LINE_CASES = [
    # rates
    pytest.param(line(12345, 0), (12345, 0, 12345), id="0%-excl"),
    pytest.param(line(12345, 0, True), (12345, 0, 12345), id="0%-incl"),
    pytest.param(line(10000, 10), (10000, 1000, 11000), id="10%-excl"),
    pytest.param(line(10000, 10, True), (9091, 909, 10000), id="10%-incl-9090.909"),
    pytest.param(line(1000, "13.5"), (1000, 135, 1135), id="13.5%-excl"),
    pytest.param(line(1135, "13.5", True), (1000, 135, 1135), id="13.5%-incl-exact"),
    pytest.param(line(999, 14), (999, 140, 1139), id="14%-excl-139.86"),
    pytest.param(line(1000, 14, True), (877, 123, 1000), id="14%-incl-877.19"),
    pytest.param(line(12345, 24), (12345, 2963, 15308), id="24%-excl-2962.8"),
    pytest.param(line(12400, 24, True), (10000, 2400, 12400), id="24%-incl-exact"),
    pytest.param(line(333, "25.5"), (333, 85, 418), id="25.5%-excl-84.915"),
    pytest.param(line(10000, "25.5", True), (7968, 2032, 10000), id="25.5%-incl-7968.13"),
    pytest.param(line(750, "25.5"), (750, 191, 941), id="25.5%-excl-191.25"),
    # exact half-unit ties: half-up (away from zero); half-even would differ in each row
    pytest.param(line(5, 10), (5, 1, 6), id="tie-excl-0.5-up"),
    pytest.param(line(-5, 10), (-5, -1, -6), id="tie-excl-minus-0.5-down"),
    pytest.param(line(300, "25.5"), (300, 77, 377), id="tie-excl-76.5-up"),
    pytest.param(line(-300, "25.5"), (-300, -77, -377), id="tie-excl-minus-76.5"),
    pytest.param(line(5, 100, True), (3, 2, 5), id="tie-incl-2.5-up"),
    pytest.param(line(-5, 100, True), (-3, -2, -5), id="tie-incl-minus-2.5"),
    pytest.param(line(4, 60, True), (3, 1, 4), id="tie-incl-60%-2.5-up"),
    # fractional quantities: gross = round(quantity x unit) first
    pytest.param(line(333, 24, quantity="2.5"), (833, 200, 1033), id="qty-2.5x333-excl"),
    pytest.param(line(333, 24, True, "2.5"), (672, 161, 833), id="qty-2.5x333-incl"),
    pytest.param(line(333, 24, quantity="-2.5"), (-833, -200, -1033), id="qty-minus-2.5x333"),
    pytest.param(line(1000, "25.5", quantity="0.333"), (333, 85, 418), id="qty-0.333x1000"),
    # VAT comes from the rounded gross (23), not from the exact 22.5
    pytest.param(line(9, 24, quantity="2.5"), (23, 6, 29), id="qty-2.5x9-excl-vat-of-rounded"),
    pytest.param(line(9, 24, True, "2.5"), (19, 4, 23), id="qty-2.5x9-incl-excl-of-rounded"),
    # the discount is a negative line (a positive or negative amount gives the same line)
    pytest.param(
        discount_line(D(100000), D("25.5"), True), (-79681, -20319, -100000), id="discount-incl"
    ),
    pytest.param(discount_line(D(500), D(24), False), (-500, -120, -620), id="discount-excl"),
    pytest.param(
        discount_line(D(-500), D(24), False), (500, 120, 620), id="credited-discount-is-positive"
    ),
]


@pytest.mark.parametrize(("line_input", "expected"), LINE_CASES)
def test_line_amounts_hand_computed(line_input, expected):
    amounts = line_amounts(line_input)
    assert figures(amounts) == expected
    assert amounts.vat_percentage == line_input.vat_percentage
    assert amounts.reverse_charge is False


@pytest.mark.parametrize(
    ("line_input", "expected"),
    [
        pytest.param(line(10000, 24, reverse_charge=True), (10000, 0, 10000), id="24%"),
        pytest.param(
            line(1250, "25.5", quantity=3, reverse_charge=True), (3750, 0, 3750), id="3x1250"
        ),
        pytest.param(line(-999, 14, reverse_charge=True), (-999, 0, -999), id="negative"),
    ],
)
def test_reverse_charge_line_charges_no_vat_but_shows_its_rate(line_input, expected):
    amounts = line_amounts(line_input)
    assert figures(amounts) == expected
    assert amounts.vat_percentage == line_input.vat_percentage
    assert amounts.reverse_charge is True


# --- down payment and deduction --------------------------------------------------------------


@pytest.mark.parametrize(
    ("down_payment", "deduction", "amount_due"),
    [
        pytest.param(0, 0, 12400, id="nothing"),
        pytest.param(0, 1000, 11400, id="deduction"),
        pytest.param(2000, 1000, 9400, id="down-payment-and-deduction"),
        pytest.param(12400, 0, 0, id="fully-paid-in-advance"),
    ],
)
def test_deduction_and_down_payment_lower_amount_due_only(down_payment, deduction, amount_due):
    totals = invoice_totals([line(10000, 24)], down_payment=D(down_payment), deduction=D(deduction))
    assert totals.amount_due == amount_due
    assert totals.down_payment == down_payment
    assert totals.deduction == deduction
    # the invoiced amount is untouched
    assert (totals.vat_excluded, totals.vat, totals.vat_included) == (10000, 2400, 12400)
    assert [(r.vat_excluded, r.vat) for r in totals.vat_breakdown] == [(10000, 2400)]


# --- VAT breakdown ---------------------------------------------------------------------------


def test_vat_breakdown_grouped_per_rate_highest_first_reverse_charge_separate():
    totals = invoice_totals(
        [
            line(1000, 10),  # 1000 / 100
            line(2000, "25.5"),  # 2000 / 510
            line(4000, 24),  # 4000 / 960
            line(1255, "25.50", True),  # 1000 / 255, same rate written differently
            line(5000, 24, reverse_charge=True),  # 5000 / 0, its own row
            line(700, 0),  # 700 / 0
            line(300, 10, quantity=2),  # 600 / 60
        ]
    )
    rows = totals.vat_breakdown
    assert [r.vat_percentage for r in rows] == [D("25.5"), 24, 24, 10, 0]
    by_key = {(r.vat_percentage, r.reverse_charge): (r.vat_excluded, r.vat) for r in rows}
    assert len(by_key) == len(rows)
    assert by_key == {
        (D("25.5"), False): (3000, 765),
        (D(24), False): (4000, 960),
        (D(24), True): (5000, 0),
        (D(10), False): (1600, 160),
        (D(0), False): (700, 0),
    }
    assert totals.vat_excluded == 14300
    assert totals.vat == 1885
    assert totals.vat_included == 16185


def test_no_lines_give_zero_totals_and_empty_breakdown():
    totals = invoice_totals([])
    assert (totals.vat_excluded, totals.vat, totals.vat_included, totals.amount_due) == (0, 0, 0, 0)
    assert totals.vat_breakdown == ()


# --- invalid and boundary inputs -------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"vat_percentage": D("-0.01")}, id="rate-below-0"),
        pytest.param({"vat_percentage": D(-24)}, id="rate-negative"),
        pytest.param({"vat_percentage": D("100.01")}, id="rate-above-100"),
        pytest.param({"vat_percentage": D(255)}, id="rate-255-typo"),
        pytest.param(
            {"vat_percentage": D(24), "reverse_charge": True, "includes_vat": True},
            id="reverse-charge-with-includes-vat",
        ),
    ],
)
def test_invalid_line_input_raises_value_error(kwargs):
    with pytest.raises(ValueError):
        LineInput(unit_amount=D(1000), **kwargs)


def test_discount_line_with_invalid_rate_raises_value_error():
    with pytest.raises(ValueError):
        discount_line(D(100), D(101), includes_vat=False)


@pytest.mark.parametrize(
    ("rate", "includes_vat", "expected"),
    [
        pytest.param(0, False, (1000, 0, 1000), id="0%-excl"),
        pytest.param(100, False, (1000, 1000, 2000), id="100%-excl"),
        pytest.param(100, True, (500, 500, 1000), id="100%-incl"),
    ],
)
def test_boundary_rates_0_and_100_are_valid(rate, includes_vat, expected):
    assert figures(line_amounts(line(1000, rate, includes_vat))) == expected


# --- properties ------------------------------------------------------------------------------

REAL_RATES = [D(r) for r in ("0", "5", "7", "10", "13.5", "14", "20", "21", "24", "25.5")]
amounts_st = st.integers(min_value=-(10**9), max_value=10**9)
rates_st = st.one_of(
    st.sampled_from(REAL_RATES),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
quantities_st = st.one_of(
    st.just(D(1)),
    st.integers(min_value=-50, max_value=50).map(D),
    st.integers(min_value=-200, max_value=200).map(lambda n: D(n) / 2),  # halves: gross ties
    st.decimals(
        min_value=D("-100"), max_value=D("100"), places=3, allow_nan=False, allow_infinity=False
    ),
)


@st.composite
def lines_st(draw, quantities=quantities_st):
    includes_vat = draw(st.booleans())
    reverse_charge = False if includes_vat else draw(st.booleans())
    return LineInput(
        unit_amount=D(draw(amounts_st)),
        vat_percentage=draw(rates_st),
        includes_vat=includes_vat,
        quantity=draw(quantities),
        reverse_charge=reverse_charge,
    )


invoices_st = st.lists(lines_st(), max_size=12)
whole_unit_invoices_st = st.lists(lines_st(quantities=st.just(D(1))), min_size=1, max_size=12)


def half_up(value: Fraction) -> int:
    """Independent reference rounding on exact rationals: half away from zero."""
    magnitude = int(abs(value) + Fraction(1, 2))  # floor for non-negative values
    return magnitude if value >= 0 else -magnitude


def reference_figures(line_input: LineInput) -> tuple[int, int, int]:
    """The DESIGN.md rule computed with exact fractions (no Decimal context involved)."""
    rate = Fraction(line_input.vat_percentage)
    gross = half_up(Fraction(line_input.quantity) * Fraction(line_input.unit_amount))
    if line_input.reverse_charge:
        return (gross, 0, gross)
    if line_input.includes_vat:
        excluded = half_up(gross * 100 / (100 + rate))
        return (excluded, gross - excluded, gross)
    vat = half_up(gross * rate / 100)
    return (gross, vat, gross + vat)


def is_whole(value) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()


@settings(deadline=None, max_examples=300)
@given(line_input=lines_st())
def test_property_line_matches_exact_fraction_reference(line_input):
    assert figures(line_amounts(line_input)) == reference_figures(line_input)


@settings(deadline=None)
@given(lines=invoices_st)
def test_property_totals_are_sums_of_line_figures_and_breakdown_sums_to_totals(lines):
    totals = invoice_totals(lines)
    assert len(totals.lines) == len(lines)
    assert totals.vat_excluded == sum(a.vat_excluded for a in totals.lines)
    assert totals.vat == sum(a.vat for a in totals.lines)
    assert totals.vat_included == sum(a.vat_included for a in totals.lines)

    rows = totals.vat_breakdown
    assert sum(r.vat_excluded for r in rows) == totals.vat_excluded
    assert sum(r.vat for r in rows) == totals.vat
    # one row per (rate, reverse charge), highest rate first, reverse-charge rows charge no VAT
    keys = [(r.vat_percentage, r.reverse_charge) for r in rows]
    assert len(set(keys)) == len(keys)
    assert set(keys) == {(a.vat_percentage, a.reverse_charge) for a in totals.lines}
    rates = [r.vat_percentage for r in rows]
    assert rates == sorted(rates, reverse=True)
    for row in rows:
        members = [
            a
            for a in totals.lines
            if a.vat_percentage == row.vat_percentage and a.reverse_charge == row.reverse_charge
        ]
        assert row.vat_excluded == sum(a.vat_excluded for a in members)
        assert row.vat == sum(a.vat for a in members)
        if row.reverse_charge:
            assert row.vat == 0


@settings(deadline=None)
@given(lines=invoices_st)
def test_property_vat_included_minus_vat_excluded_is_vat_per_line_and_total(lines):
    totals = invoice_totals(lines)
    for amounts in totals.lines:
        assert amounts.vat_included - amounts.vat_excluded == amounts.vat
    assert totals.vat_included - totals.vat_excluded == totals.vat


@settings(deadline=None)
@given(
    lines=invoices_st,
    down_payment=st.integers(min_value=0, max_value=10**9),
    deduction=st.integers(min_value=0, max_value=10**9),
)
def test_property_every_figure_is_a_whole_minor_unit(lines, down_payment, deduction):
    totals = invoice_totals(lines, down_payment=D(down_payment), deduction=D(deduction))
    for amounts in totals.lines:
        assert all(is_whole(x) for x in figures(amounts)), amounts
    for row in totals.vat_breakdown:
        assert is_whole(row.vat_excluded) and is_whole(row.vat), row
    assert all(
        is_whole(x)
        for x in (totals.vat_excluded, totals.vat, totals.vat_included, totals.amount_due)
    )


@settings(deadline=None)
@given(line_input=lines_st())
def test_property_gross_is_within_half_a_minor_unit_of_quantity_times_unit(line_input):
    amounts = line_amounts(line_input)
    gross = amounts.vat_included if line_input.includes_vat else amounts.vat_excluded
    with localcontext(prec=50):
        exact = line_input.quantity * line_input.unit_amount
        assert abs(gross - exact) <= D("0.5")


@settings(deadline=None, max_examples=200)
@given(lines=whole_unit_invoices_st)
def test_property_rounding_drifts_at_most_half_a_minor_unit_per_line(lines):
    # Quantity 1 keeps the gross exact, so each line is rounded exactly once per figure.
    totals = invoice_totals(lines)
    with localcontext(prec=50):
        exact_excluded_sum = D(0)
        exact_vat_sum = D(0)
        for line_input, amounts in zip(lines, totals.lines, strict=True):
            gross = line_input.unit_amount
            rate = line_input.vat_percentage
            if line_input.reverse_charge:
                exact_excluded, exact_vat = gross, D(0)
            elif line_input.includes_vat:
                exact_excluded = gross * 100 / (100 + rate)
                exact_vat = gross - exact_excluded
            else:
                exact_excluded, exact_vat = gross, gross * rate / 100
            assert abs(amounts.vat_excluded - exact_excluded) <= D("0.5")
            assert abs(amounts.vat - exact_vat) <= D("0.5")
            exact_excluded_sum += exact_excluded
            exact_vat_sum += exact_vat
        bound = D("0.5") * len(lines)
        assert abs(totals.vat_excluded - exact_excluded_sum) <= bound
        assert abs(totals.vat - exact_vat_sum) <= bound


def negated(line_input: LineInput) -> LineInput:
    return LineInput(
        unit_amount=-line_input.unit_amount,
        vat_percentage=line_input.vat_percentage,
        includes_vat=line_input.includes_vat,
        quantity=line_input.quantity,
        reverse_charge=line_input.reverse_charge,
    )


@settings(deadline=None)
@given(lines=invoices_st)
def test_property_negated_lines_give_exactly_negated_totals_so_credit_note_cancels(lines):
    totals = invoice_totals(lines)
    credit = invoice_totals([negated(x) for x in lines])
    assert (credit.vat_excluded, credit.vat, credit.vat_included) == (
        -totals.vat_excluded,
        -totals.vat,
        -totals.vat_included,
    )
    for original, credited in zip(totals.lines, credit.lines, strict=True):
        assert figures(credited) == tuple(-x for x in figures(original))
    assert [
        (r.vat_percentage, r.reverse_charge, -r.vat_excluded, -r.vat) for r in totals.vat_breakdown
    ] == [(r.vat_percentage, r.reverse_charge, r.vat_excluded, r.vat) for r in credit.vat_breakdown]
    # invoice + credit note nets to zero
    both = invoice_totals([*lines, *(negated(x) for x in lines)])
    assert (both.vat_excluded, both.vat, both.vat_included) == (0, 0, 0)


@settings(deadline=None)
@given(
    lines=invoices_st,
    down_payment=st.integers(min_value=0, max_value=10**9),
    deduction=st.integers(min_value=0, max_value=10**9),
)
def test_property_amount_due_is_vat_included_minus_down_payment_minus_deduction(
    lines, down_payment, deduction
):
    plain = invoice_totals(lines)
    totals = invoice_totals(lines, down_payment=D(down_payment), deduction=D(deduction))
    assert totals.amount_due == totals.vat_included - down_payment - deduction
    # the down payment and deduction never touch the invoiced amount or its breakdown
    assert (totals.vat_excluded, totals.vat, totals.vat_included) == (
        plain.vat_excluded,
        plain.vat,
        plain.vat_included,
    )
    assert totals.vat_breakdown == plain.vat_breakdown
    assert plain.amount_due == plain.vat_included
