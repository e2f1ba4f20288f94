"""The commission summary of an invoice, honouring the office's invoice settings.

* commission base: COMMISSION costs marked ``includedInCommission``, plus other costs marked
  ``includedInCommission`` when the office setting ``nonCommissionCosts.includedInCommission``
  is on;
* non-commission costs: every cost that is not in the commission base;
* royalty base: the commission base, plus the non-commission costs when the office setting
  ``nonCommissionCosts.subjectToRoyalty`` is on.
The discount is not a cost and is in neither base. Figures are minor units from the per-line
amounts that the tax module computed.
"""

from dataclasses import dataclass
from decimal import Decimal

from .choices import CostType
from .models import Invoice
from .money import to_minor


@dataclass(frozen=True)
class AmountPair:
    vat_excluded: int
    vat_included: int

    def __add__(self, other: "AmountPair") -> "AmountPair":
        return AmountPair(
            self.vat_excluded + other.vat_excluded, self.vat_included + other.vat_included
        )


ZERO_PAIR = AmountPair(0, 0)


@dataclass(frozen=True)
class CommissionSummary:
    commission_base: AmountPair
    non_commission_costs: AmountPair
    royalty_base: AmountPair
    non_commission_costs_included_in_commission: bool
    non_commission_costs_subject_to_royalty: bool


def commission_summary(invoice: Invoice) -> CommissionSummary:
    office = invoice.agency_office
    include_others = office.non_commission_costs_included_in_commission
    royalty_others = office.non_commission_costs_subject_to_royalty
    currency = invoice.currency_code
    base = others = ZERO_PAIR
    for line in invoice.lines.all():
        pair = AmountPair(
            to_minor(Decimal(line.vat_excluded.amount), currency),
            to_minor(Decimal(line.vat_included.amount), currency),
        )
        in_base = line.included_in_commission and (
            line.cost_type_code == CostType.COMMISSION or include_others
        )
        if in_base:
            base += pair
        else:
            others += pair
    return CommissionSummary(
        commission_base=base,
        non_commission_costs=others,
        royalty_base=base + others if royalty_others else base,
        non_commission_costs_included_in_commission=include_others,
        non_commission_costs_subject_to_royalty=royalty_others,
    )
