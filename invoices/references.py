"""Payment references (pure, no Django).

* Finnish national reference (viitenumero): a base of 3-19 digits followed by a check digit
  computed with the weights 7, 3, 1 repeating from the right; 4-20 digits in all, printed in
  groups of five from the right.
* RF creditor reference (ISO 11649, via python-stdnum): ``RF`` + two check digits + the
  national reference; printed in groups of four.
"""

from stdnum import iso11649
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_97_10

_WEIGHTS = (7, 3, 1)


class InvalidReference(ValueError):
    pass


def finnish_check_digit(base: str) -> str:
    if not base.isdigit() or not 3 <= len(base) <= 19:
        raise InvalidReference(f"a reference base must be 3-19 digits, not {base!r}")
    total = sum(int(digit) * _WEIGHTS[i % 3] for i, digit in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def finnish_reference(base: str) -> str:
    """``'123456'`` -> ``'1234561'``; leading zeros of the base are dropped."""
    stripped = base.lstrip("0")
    return stripped + finnish_check_digit(stripped)


def reference_from_invoice_number(invoice_number: str) -> str:
    """The national reference built from the digits of an invoice number."""
    digits = "".join(ch for ch in invoice_number if ch.isdigit()).lstrip("0")
    if len(digits) < 3:
        digits = digits.rjust(3, "1")
    return finnish_reference(digits[-19:])


def is_valid_finnish_reference(reference: str) -> bool:
    compact = reference.replace(" ", "")
    if not compact.isdigit() or not 4 <= len(compact) <= 20 or compact.startswith("0"):
        return False
    return finnish_check_digit(compact[:-1]) == compact[-1]


def rf_reference(finnish: str) -> str:
    """The ISO 11649 form of a national reference: ``'10016'`` -> ``'RF0810016'``."""
    if not is_valid_finnish_reference(finnish):
        raise InvalidReference(f"{finnish!r} is not a valid Finnish reference")
    compact = finnish.replace(" ", "")
    return f"RF{mod_97_10.calc_check_digits(compact + 'RF')}{compact}"


def is_valid_rf_reference(reference: str) -> bool:
    try:
        iso11649.validate(reference)
    except StdnumError:
        return False
    return True


def is_valid_reference(reference: str) -> bool:
    """A valid national or RF reference (what a migrated invoice may carry)."""
    compact = reference.replace(" ", "").upper()
    if compact.startswith("RF"):
        return is_valid_rf_reference(compact)
    return is_valid_finnish_reference(compact)


def format_finnish(reference: str) -> str:
    """Groups of five from the right: ``'868516259619897'`` -> ``'86851 62596 19897'``."""
    compact = reference.replace(" ", "")
    groups = []
    while compact:
        groups.insert(0, compact[-5:])
        compact = compact[:-5]
    return " ".join(groups)


def format_rf(reference: str) -> str:
    """Groups of four: ``'RF09868516259619897'`` -> ``'RF09 8685 1625 9619 897'``."""
    return iso11649.format(reference)
