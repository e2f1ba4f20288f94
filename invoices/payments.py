"""Payment data printed on an invoice (pure, no Django): the Finnish virtual bank barcode
(pankkiviivakoodi, versions 4 and 5) and the EPC QR code (SEPA credit transfer, EPC069-12).
"""

from datetime import date

from .references import is_valid_finnish_reference, is_valid_rf_reference

MAX_BARCODE_CENTS = 99_999_999  # 999 999.99 euros; above that the amount field is zeros


def _iban16(iban: str) -> str | None:
    compact = iban.replace(" ", "").upper()
    if not compact.startswith("FI") or len(compact) != 18 or not compact[2:].isdigit():
        return None
    return compact[2:]


def virtual_barcode(
    *, iban: str, cents: int | None, reference: str, due: date | None
) -> str | None:
    """The 54-digit virtual barcode, or ``None`` when it does not apply (non-Finnish IBAN,
    invalid reference). Version 4 for a national reference, 5 for an RF reference."""
    account = _iban16(iban)
    if account is None:
        return None
    amount = f"{cents:08d}" if cents is not None and 0 < cents <= MAX_BARCODE_CENTS else "0" * 8
    due_text = due.strftime("%y%m%d") if due else "000000"
    compact = reference.replace(" ", "").upper()
    if compact.startswith("RF"):
        if not is_valid_rf_reference(compact) or len(compact) > 25:
            return None
        check, body = compact[2:4], compact[4:]
        code = f"5{account}{amount}{check}{body.rjust(21, '0')}{due_text}"
    else:
        if not is_valid_finnish_reference(compact):
            return None
        code = f"4{account}{amount}000{compact.rjust(20, '0')}{due_text}"
    assert len(code) == 54, code
    return code


def epc_qr_payload(
    *,
    name: str,
    iban: str,
    bic: str = "",
    cents: int | None,
    rf_reference: str = "",
    text: str = "",
    currency: str = "EUR",
) -> str | None:
    """The EPC069-12 (version 002) payload, or ``None`` when it does not apply (not EUR).

    A structured creditor reference (RF) and unstructured text are never both given: the
    reference wins. The amount line is left empty when nothing is due.
    """
    if currency != "EUR":
        return None
    amount = f"EUR{cents / 100:.2f}" if cents is not None and 0 < cents <= 99_999_999_999 else ""
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic.replace(" ", "").upper(),
        name.strip()[:70],
        iban.replace(" ", "").upper(),
        amount,
        "",
        rf_reference.replace(" ", "").upper() if rf_reference else "",
        "" if rf_reference else text.strip()[:140],
    ]
    while lines and lines[-1] == "":
        lines.pop()
    payload = "\n".join(lines)
    if len(payload.encode("utf-8")) > 331:
        raise ValueError("EPC QR payload exceeds 331 bytes")
    return payload


def format_iban(iban: str) -> str:
    """Groups of four: ``FI2112345600000785`` -> ``FI21 1234 5600 0007 85``."""
    compact = iban.replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
