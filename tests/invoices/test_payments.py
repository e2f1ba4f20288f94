"""Payment data printed on invoices: virtual bank barcode (v4/v5), references, EPC QR, IBAN.

The published vectors live in the shared e-invoice reference folder (CI has it at
``../shared/einvoice``); the tests that need them skip when it is absent.
"""

import json
from datetime import date
from pathlib import Path

import pytest

from invoices.payments import MAX_BARCODE_CENTS, epc_qr_payload, format_iban, virtual_barcode
from invoices.references import (
    finnish_check_digit,
    finnish_reference,
    format_finnish,
    format_rf,
    is_valid_finnish_reference,
    is_valid_rf_reference,
    rf_reference,
)

EINVOICE = Path(__file__).resolve().parents[3] / "shared" / "einvoice"
VECTORS_FILE = EINVOICE / "payment-vectors.json"
MISSING = f"published payment vectors not found at {VECTORS_FILE} (shared/einvoice is absent)"
VECTORS = json.loads(VECTORS_FILE.read_text()) if VECTORS_FILE.is_file() else None


def vector_params(getter):
    """One parameter per published case, or a single skipped one without the vectors."""
    if VECTORS is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="no-vectors")]
    return [pytest.param(case, id=str(i)) for i, case in enumerate(getter(VECTORS))]


FI_IBAN = "FI2112345600000785"
DUE = date(2024, 3, 2)
REF = "202601000016"  # the national reference of invoice 20260100001


# --- published vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", vector_params(lambda v: v["virtual_barcode"]["cases"]))
def test_virtual_barcode_matches_published_vector(case):
    barcode = virtual_barcode(
        iban=case["iban"],
        cents=case["cents"],
        reference=case["reference"],
        due=date.fromisoformat(case["due"]),
    )
    assert barcode == case["barcode"]
    assert len(barcode) == 54 and barcode.isdigit()
    assert barcode[0] == ("5" if case["reference"].startswith("RF") else "4")


@pytest.mark.parametrize(
    "case",
    vector_params(lambda v: sorted(v["rf_reference"]["from_finnish"].items())),
)
def test_rf_reference_from_finnish_matches_published_vector(case):
    finnish, expected = case
    assert rf_reference(finnish) == expected
    assert is_valid_rf_reference(expected)


@pytest.mark.parametrize("reference", vector_params(lambda v: v["finnish_reference"]["valid"]))
def test_published_finnish_references_are_valid(reference):
    assert is_valid_finnish_reference(reference)
    assert finnish_check_digit(reference[:-1]) == reference[-1]
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert not is_valid_finnish_reference(wrong)


@pytest.mark.parametrize(
    "case",
    vector_params(lambda v: sorted(v["finnish_reference"]["base_to_reference"].items())),
)
def test_finnish_reference_from_base_matches_published_vector(case):
    base, expected = case
    assert finnish_reference(base) == expected


# --- virtual barcode: when it does not apply, amounts, dates -------------------------------------


def test_barcode_v4_layout_for_a_national_reference():
    barcode = virtual_barcode(iban=FI_IBAN, cents=775000, reference=REF, due=DUE)
    assert barcode == "4" + "2112345600000785" + "00775000" + "000" + REF.rjust(20, "0") + "240302"


def test_barcode_v5_layout_for_an_rf_reference():
    rf = rf_reference(REF)
    barcode = virtual_barcode(iban=FI_IBAN, cents=775000, reference=rf, due=DUE)
    assert (
        barcode
        == "5" + "2112345600000785" + "00775000" + rf[2:4] + rf[4:].rjust(21, "0") + "240302"
    )


def test_barcode_accepts_a_grouped_iban_and_reference():
    grouped = virtual_barcode(
        iban=format_iban(FI_IBAN), cents=1, reference="20 26010 00016", due=DUE
    )
    assert grouped == virtual_barcode(iban=FI_IBAN, cents=1, reference=REF, due=DUE)


@pytest.mark.parametrize(
    "iban",
    [
        "DE89370400440532013000",
        "SE4550000000058398257466",
        "FI21123456000007851",
        "FI211234560000078X",
    ],
)
def test_barcode_is_none_for_a_non_finnish_or_malformed_iban(iban):
    assert virtual_barcode(iban=iban, cents=100, reference=REF, due=DUE) is None


@pytest.mark.parametrize(
    "reference",
    ["202601000017", "12", "0000000000123", "RF00202601000016", "RF08 2026 0100 0017", "ABC"],
)
def test_barcode_is_none_for_an_invalid_reference(reference):
    assert virtual_barcode(iban=FI_IBAN, cents=100, reference=reference, due=DUE) is None


@pytest.mark.parametrize(
    ("cents", "field"),
    [
        (MAX_BARCODE_CENTS, "99999999"),
        (MAX_BARCODE_CENTS + 1, "00000000"),
        (500_000_000, "00000000"),
        (None, "00000000"),
        (0, "00000000"),
        (-100, "00000000"),
        (1, "00000001"),
    ],
)
def test_barcode_amount_field(cents, field):
    barcode = virtual_barcode(iban=FI_IBAN, cents=cents, reference=REF, due=DUE)
    assert barcode[17:25] == field


def test_barcode_amount_over_999999_99_euros_is_zeros_in_v5_too():
    rf = rf_reference(REF)
    barcode = virtual_barcode(iban=FI_IBAN, cents=100_000_000, reference=rf, due=DUE)
    assert barcode[17:25] == "00000000"
    assert len(barcode) == 54


def test_barcode_without_due_date_ends_in_zeros():
    barcode = virtual_barcode(iban=FI_IBAN, cents=100, reference=REF, due=None)
    assert barcode.endswith("000000")


# --- EPC QR (SEPA credit transfer) ---------------------------------------------------------------


def test_epc_payload_lines_with_rf_reference():
    rf = rf_reference(REF)
    payload = epc_qr_payload(
        name="Kiinteistövälitys Äänekoski Oy",
        iban="FI21 1234 5600 0007 85",
        bic="dabafihh",
        cents=775000,
        rf_reference=format_rf(rf),
        text="Invoice 20260100001",
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "DABAFIHH",
        "Kiinteistövälitys Äänekoski Oy",
        "FI2112345600000785",
        "EUR7750.00",
        "",
        rf,
    ]  # the structured reference wins: no unstructured text line at all
    assert len(payload.encode("utf-8")) <= 331


def test_epc_payload_amount_has_two_decimals():
    lines = epc_qr_payload(name="S", iban=FI_IBAN, cents=100, rf_reference="RF0810016").split("\n")
    assert lines[7] == "EUR1.00"
    lines = epc_qr_payload(name="S", iban=FI_IBAN, cents=12345, rf_reference="RF0810016").split(
        "\n"
    )
    assert lines[7] == "EUR123.45"


def test_epc_payload_without_amount_leaves_the_amount_line_empty():
    lines = epc_qr_payload(name="S", iban=FI_IBAN, cents=0, rf_reference="RF0810016").split("\n")
    assert lines[7] == ""
    assert lines[9] == "RF0810016"


def test_epc_payload_with_text_and_no_reference():
    lines = epc_qr_payload(name="S", iban=FI_IBAN, bic="", cents=100, text=" Invoice 1 ").split(
        "\n"
    )
    assert lines[4] == ""  # BIC is optional in version 002
    assert lines[9] == ""
    assert lines[10] == "Invoice 1"


def test_epc_payload_name_is_cut_to_70_characters_and_fits_331_bytes():
    name = "Ä" * 100  # two bytes each in UTF-8
    payload = epc_qr_payload(
        name=name, iban=FI_IBAN, bic="DABAFIHH", cents=99_999_999, rf_reference="RF" + "9" * 23
    )
    assert payload.split("\n")[5] == "Ä" * 70
    assert len(payload.encode("utf-8")) <= 331


def test_epc_payload_over_331_bytes_is_refused():
    with pytest.raises(ValueError, match="331"):
        epc_qr_payload(name="Ä" * 70, iban=FI_IBAN, cents=100, text="Ö" * 140)


@pytest.mark.parametrize("currency", ["SEK", "USD", "INR"])
def test_epc_payload_is_none_for_non_eur(currency):
    assert epc_qr_payload(name="S", iban=FI_IBAN, cents=100, currency=currency) is None


# --- printed forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iban", "printed"),
    [
        ("FI2112345600000785", "FI21 1234 5600 0007 85"),
        ("fi21 1234 5600 0007 85", "FI21 1234 5600 0007 85"),
        ("DE89370400440532013000", "DE89 3704 0044 0532 0130 00"),
        ("NO9386011117947", "NO93 8601 1117 947"),
    ],
)
def test_format_iban_in_groups_of_four(iban, printed):
    assert format_iban(iban) == printed


@pytest.mark.parametrize(
    ("reference", "printed"),
    [
        ("868516259619897", "86851 62596 19897"),
        (REF, "20 26010 00016"),
        ("1234561", "12 34561"),
        ("10016", "10016"),
    ],
)
def test_finnish_reference_printed_in_groups_of_five_from_the_right(reference, printed):
    assert format_finnish(reference) == printed


def test_rf_reference_printed_in_groups_of_four():
    assert format_rf("RF09868516259619897") == "RF09 8685 1625 9619 897"
