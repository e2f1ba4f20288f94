"""VAT arithmetic for invoice lines and totals. Pure functions, no Django.

Rules (DESIGN.md "Money and tax"):

* All amounts are minor units (``Decimal`` holding whole numbers, or ``int``).
* Per line: the gross amount is ``quantity x unit amount`` rounded to a minor unit, less a
  line discount if any; from it the
  VAT-excluded amount, the VAT and the VAT-included amount are derived, each rounded **per line,
  half-up**, and ``vat_included - vat_excluded == vat`` always holds.
* A reverse-charge line shows its rate but charges no VAT (its amount is VAT-excluded).
* The invoice-level discount is a negative line with its own rate and ``includes_vat``.
* Invoice totals are the sums of the line figures; the down payment and a withholding deduction
  reduce the amount due, never the invoiced amount.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .money import round_minor

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class LineInput:
    unit_amount: Decimal
    vat_percentage: Decimal
    includes_vat: bool = False
    quantity: Decimal = Decimal(1)
    reverse_charge: bool = False
    discount: Decimal = ZERO  # a line discount in minor units (e.g. Okappy's), off the gross

    def __post_init__(self) -> None:
        if not ZERO <= Decimal(self.vat_percentage) <= HUNDRED:
            raise ValueError("vat_percentage must be between 0 and 100")
        if self.reverse_charge and self.includes_vat:
            raise ValueError("a reverse-charge line cannot include VAT")


@dataclass(frozen=True)
class LineAmounts:
    vat_percentage: Decimal
    vat_excluded: Decimal
    vat: Decimal
    vat_included: Decimal
    reverse_charge: bool = False


@dataclass(frozen=True)
class VatBreakdownRow:
    vat_percentage: Decimal
    reverse_charge: bool
    vat_excluded: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    vat_excluded: Decimal
    vat: Decimal
    vat_included: Decimal
    vat_breakdown: tuple[VatBreakdownRow, ...]
    down_payment: Decimal
    deduction: Decimal
    amount_due: Decimal
    lines: tuple[LineAmounts, ...] = field(default=(), repr=False)


def line_amounts(line: LineInput) -> LineAmounts:
    """VAT-excluded, VAT and VAT-included amounts of one line, each in whole minor units."""
    rate = Decimal(line.vat_percentage)
    gross = round_minor(Decimal(line.quantity) * Decimal(line.unit_amount)) - round_minor(
        Decimal(line.discount)
    )
    if line.reverse_charge:
        return LineAmounts(rate, gross, ZERO, gross, reverse_charge=True)
    if line.includes_vat:
        vat_included = gross
        vat_excluded = round_minor(gross * HUNDRED / (HUNDRED + rate))
        vat = vat_included - vat_excluded
    else:
        vat_excluded = gross
        vat = round_minor(gross * rate / HUNDRED)
        vat_included = vat_excluded + vat
    return LineAmounts(rate, vat_excluded, vat, vat_included)


def discount_line(amount: Decimal, vat_percentage: Decimal, includes_vat: bool) -> LineInput:
    """The invoice-level discount as a negative line.

    An invoice's discount is positive and becomes a negative line; a credit note carries the
    negated discount, which becomes a positive line, so the credit note cancels exactly.
    """
    return LineInput(
        unit_amount=-Decimal(amount), vat_percentage=vat_percentage, includes_vat=includes_vat
    )


def invoice_totals(
    lines: Iterable[LineInput],
    *,
    down_payment: Decimal = ZERO,
    deduction: Decimal = ZERO,
) -> Totals:
    """Totals as the sums of the per-line figures, with a VAT breakdown per rate."""
    computed = tuple(line_amounts(line) for line in lines)
    groups: dict[tuple[Decimal, bool], list[Decimal]] = {}
    for amounts in computed:
        key = (amounts.vat_percentage.normalize(), amounts.reverse_charge)
        bucket = groups.setdefault(key, [ZERO, ZERO])
        bucket[0] += amounts.vat_excluded
        bucket[1] += amounts.vat
    breakdown = tuple(
        VatBreakdownRow(rate, reverse, excluded, vat)
        for (rate, reverse), (excluded, vat) in sorted(
            groups.items(), key=lambda item: (-item[0][0], item[0][1])
        )
    )
    vat_excluded = sum((a.vat_excluded for a in computed), ZERO)
    vat = sum((a.vat for a in computed), ZERO)
    vat_included = sum((a.vat_included for a in computed), ZERO)
    down_payment = Decimal(down_payment)
    deduction = Decimal(deduction)
    return Totals(
        vat_excluded=vat_excluded,
        vat=vat,
        vat_included=vat_included,
        vat_breakdown=breakdown,
        down_payment=down_payment,
        deduction=deduction,
        amount_due=vat_included - down_payment - deduction,
        lines=computed,
    )
