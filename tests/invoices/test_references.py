"""Payment references (invoices.references) against the published vectors, and invalid input.

The vectors are ``shared/einvoice/payment-vectors.json`` next to the repository (CI has them at
``../shared/einvoice/``); set ``INVOICING_EINVOICE_DIR`` to use another folder. Without the file
the vector tests skip; the hand-written cases below run everywhere.
"""

import json
import os
from pathlib import Path

import pytest

from invoices.references import (
    InvalidReference,
    finnish_check_digit,
    finnish_reference,
    format_finnish,
    format_rf,
    is_valid_finnish_reference,
    is_valid_reference,
    is_valid_rf_reference,
    reference_from_invoice_number,
    rf_reference,
)

EINVOICE_DIR = Path(
    os.environ.get(
        "INVOICING_EINVOICE_DIR",
        Path(__file__).resolve().parents[3] / "shared" / "einvoice",
    )
)
VECTORS_FILE = EINVOICE_DIR / "payment-vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text()) if VECTORS_FILE.is_file() else None

needs_vectors = pytest.mark.skipif(
    VECTORS is None, reason=f"published payment vectors not found at {VECTORS_FILE}"
)


def vector_params(*path: str) -> list:
    """Parametrize over a part of the vectors file (empty when it is absent)."""
    if VECTORS is None:
        return [pytest.param(None, None, marks=needs_vectors, id="no-vectors")]
    node = VECTORS
    for key in path:
        node = node[key]
    if isinstance(node, dict):
        return [pytest.param(k, v, id=k) for k, v in node.items()]
    return [pytest.param(v, None, id=v) for v in node]


# --- published vectors -------------------------------------------------------------------------


@needs_vectors
@pytest.mark.parametrize(("reference", "_"), vector_params("finnish_reference", "valid"))
def test_published_finnish_references_are_valid(reference, _):
    assert is_valid_finnish_reference(reference)
    assert is_valid_reference(reference)
    assert finnish_reference(reference[:-1]) == reference
    assert format_finnish(reference).replace(" ", "") == reference


@needs_vectors
@pytest.mark.parametrize(
    ("base", "reference"), vector_params("finnish_reference", "base_to_reference")
)
def test_published_base_gives_published_reference(base, reference):
    assert finnish_reference(base) == reference
    assert finnish_check_digit(base) == reference[-1]


@needs_vectors
@pytest.mark.parametrize(("finnish", "rf"), vector_params("rf_reference", "from_finnish"))
def test_published_rf_form_of_finnish_reference(finnish, rf):
    assert rf_reference(finnish) == rf
    assert is_valid_rf_reference(rf)
    assert is_valid_reference(rf)
    assert format_rf(rf).replace(" ", "") == rf


@needs_vectors
@pytest.mark.parametrize(("reference", "_"), vector_params("finnish_reference", "valid"))
def test_published_reference_with_a_changed_check_digit_is_invalid(reference, _):
    changed = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert not is_valid_finnish_reference(changed)
    assert not is_valid_reference(changed)


@needs_vectors
@pytest.mark.parametrize(("finnish", "rf"), vector_params("rf_reference", "from_finnish"))
def test_published_rf_with_changed_check_digits_is_invalid(finnish, rf):
    changed = f"RF{(int(rf[2:4]) + 1) % 100:02d}{rf[4:]}"
    assert not is_valid_rf_reference(changed)
    assert not is_valid_reference(changed)


# --- hand-written cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    [
        "1234562",  # check digit changed (1234561 is valid)
        "10017",
        "123",  # too short: at least 4 digits
        "1",
        "",
        "123456789012345678901",  # 21 digits: at most 20
        "12a4561",  # letters
        "ABCDE",
        "1234-561",
        "-1234561",
    ],
)
def test_invalid_finnish_references_are_rejected(reference):
    assert not is_valid_finnish_reference(reference)
    assert not is_valid_reference(reference)


@pytest.mark.parametrize(
    "reference", ["RF", "RF00", "RF341234562", "RF34 1234 56X", "RFXX1234561", "XY341234561"]
)
def test_invalid_rf_references_are_rejected(reference):
    assert not is_valid_rf_reference(reference)
    assert not is_valid_reference(reference)


def test_references_may_be_written_in_groups():
    assert is_valid_finnish_reference("86851 62596 19897")
    assert is_valid_reference("RF09 8685 1625 9619 897")
    assert is_valid_reference("rf0810016")


def test_printed_groups():
    assert format_finnish("868516259619897") == "86851 62596 19897"
    assert format_rf("RF09868516259619897") == "RF09 8685 1625 9619 897"


@pytest.mark.parametrize("base", ["12", "", "12a", "1" * 20])
def test_a_base_outside_3_to_19_digits_has_no_check_digit(base):
    with pytest.raises(InvalidReference):
        finnish_check_digit(base)


def test_rf_of_an_invalid_finnish_reference_is_refused():
    with pytest.raises(InvalidReference):
        rf_reference("1234562")


@pytest.mark.parametrize("number", ["20260100001", "20269999999", "4900000019", "20260100042"])
def test_reference_from_invoice_number_is_the_number_with_its_check_digit(number):
    reference = reference_from_invoice_number(number)
    assert is_valid_finnish_reference(reference)
    assert reference == number + finnish_check_digit(number)


def test_reference_from_invoice_number_ignores_non_digits():
    assert reference_from_invoice_number("INV-2026/01-00001") == reference_from_invoice_number(
        "20260100001"
    )


def test_seed_migration_reference_is_valid():
    """The seed's final-status example: invoice 4900000019, reference 4900000019061."""
    assert is_valid_finnish_reference("4900000019061")
    assert not is_valid_finnish_reference("4900000019062")
