"""The plain-data e-invoice both formats are written from, built from the PDF's figures.

``einvoice_document`` turns an invoice and its ``invoices.pdf.pdf_context`` (everything the PDF
shows, with the figures of ``invoices.services.invoice_totals``) into an ``EDocument``. The
builders (``finvoice``, ``ubl``) only map this to XML; no figure is computed here or there, only
formatted (minor units -> decimal text) and, for the UBL credit note, sign-flipped.

Mapping decisions (see docs/einvoice.md):

* VAT category: a reverse-charge line is ``AE`` with rate 0 in the XML (EN 16931 BR-AE-05; the
  PDF shows the rate it would have had); a 0 % line is ``Z`` (zero rated); others ``S``.
* The invoice-level discount stays one negative row (Finvoice) / a document-level allowance
  (UBL), with the VAT-excluded amount and rate of the PDF's discount line.
* The down payment and a withholding deduction are the amount already paid (UBL
  ``PrepaidAmount``, Finvoice ``InvoicePaidAmount``); the amount due is the PDF's.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from ..choices import InvoiceType, InvoicingMethod
from ..money import to_major
from ..pdf_labels import LABELS

OVT_PREFIX = "0037"  # ISO 6523 ICD of Finnish OVT codes, also the first digits of the code
PEPPOL_OVT_SCHEME = "0216"  # Peppol EAS for OVT codes
FINNISH_BUSINESS_ID_SCHEME = "0212"  # ISO 6523 ICD "Finnish Organization Identifier"
_BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


class EInvoiceError(ValueError):
    """The invoice lacks something every e-invoice must carry (e.g. a payment account)."""


@dataclass(frozen=True)
class EParty:
    name: str
    business_id: str = ""
    vat_number: str = ""
    street: str = ""
    postcode: str = ""
    area: str = ""
    country: str = "FI"
    email: str = ""
    phone: str = ""
    endpoint: str = ""  # an OVT code (or other electronic address)
    operator: str = ""  # the e-invoicing operator (intermediator) id


@dataclass(frozen=True)
class ELine:
    number: int
    name: str
    quantity: Decimal
    unit_amount: int  # as printed: VAT-included when includes_vat
    includes_vat: bool
    printed_rate: Decimal  # the rate the PDF shows
    category: str  # S, Z, AE
    rate: Decimal  # the rate in the XML (0 for AE)
    vat_excluded: int
    vat: int
    vat_included: int
    is_discount: bool = False


@dataclass(frozen=True)
class EVatRow:
    category: str
    rate: Decimal
    vat_excluded: int
    vat: int


@dataclass(frozen=True)
class EAccount:
    iban: str
    bic: str
    bank_name: str = ""


@dataclass(frozen=True)
class EDocument:
    invoice_id: str
    is_credit_note: bool
    number: str
    currency: str
    language: str
    invoice_date: date
    delivery_date: date | None
    due_date: date | None
    reference: str
    rf_reference: str
    customer_reference: str
    credited_number: str
    credited_date: date | None
    credit_reason: str
    terms_text: str
    late_interest: Decimal | None  # the agreed rate; None means the statutory rate
    seller: EParty
    buyer: EParty
    items: tuple[ELine, ...]
    discount: ELine | None
    breakdown: tuple[EVatRow, ...]
    vat_excluded: int
    vat: int
    vat_included: int
    down_payment: int
    deduction: int
    amount_due: int
    accounts: tuple[EAccount, ...] = field(default=())
    sender_intermediator: str = ""

    @property
    def items_vat_excluded(self) -> int:
        """The sum of the item lines' VAT-excluded amounts (UBL LineExtensionAmount)."""
        return sum(line.vat_excluded for line in self.items)

    @property
    def paid(self) -> int:
        """Paid before this invoice: the down payment and a withholding deduction."""
        return self.down_payment + self.deduction

    @property
    def has_reverse_charge(self) -> bool:
        return any(row.category == "AE" for row in self.breakdown)


# --- small helpers ------------------------------------------------------------------------------


def plain(value: Decimal | str) -> str:
    """A decimal without exponent or trailing zeros: ``Decimal('1E+1')`` -> ``'10'``."""
    number = Decimal(value).normalize()
    text = format(number, "f")
    return "0" if text in ("-0", "") else text


def major(minor: int, currency: str) -> str:
    """Minor units as a decimal string in the currency's precision: 10941 EUR -> '109.41'."""
    return format(to_major(minor, currency), "f")


def vat_category(rate: Decimal, reverse_charge: bool) -> tuple[str, Decimal]:
    """The EN 16931 VAT category code and the rate the XML carries."""
    if reverse_charge:
        return "AE", Decimal(0)
    if rate == 0:
        return "Z", Decimal(0)
    return "S", rate


def business_id_digits(business_id: str) -> str:
    return "".join(ch for ch in business_id if ch.isdigit())


def ovt_from_business_id(business_id: str) -> str:
    """``'2331972-7'`` -> ``'003723319727'`` (the organisation's own OVT code)."""
    digits = business_id_digits(business_id)
    return f"{OVT_PREFIX}{digits}" if len(digits) == 8 else ""


def is_ovt(address: str) -> bool:
    """An OVT code: 0037 + 8 digits of a business id, optionally + up to 5 characters."""
    compact = address.replace(" ", "")
    return compact.startswith(OVT_PREFIX) and 12 <= len(compact) <= 17 and compact[:12].isdigit()


def ovt_checksum_ok(address: str) -> bool:
    """Whether the business id inside an OVT code has a valid check digit.

    Informative only: real OVT codes with a failing checksum exist (see the shared README),
    so a failure is logged, never rejected.
    """
    digits = address.replace(" ", "")[4:12]
    if len(digits) != 8 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:7], _BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return False
    check = 0 if remainder == 0 else 11 - remainder
    return check == int(digits[7])


def terms_text(context: dict) -> str:
    """The payment terms as the PDF prints them (same rule as ``invoices.pdf``)."""
    labels = LABELS[context["language"]]
    code = context["payment_terms_code"]
    if context["payment_terms_description"]:
        return context["payment_terms_description"]
    if code == "IMMEDIATE":
        return labels["immediately"]
    if code.startswith("NET_"):
        return labels["net_days"].format(days=code.removeprefix("NET_"))
    return ""


def _date(iso: str) -> date | None:
    return date.fromisoformat(iso) if iso else None


# --- the document -------------------------------------------------------------------------------


def _buyer(invoice, context: dict) -> EParty:
    block = context["buyer"] or {}
    billing = context["billing"]
    primary = next((link.party for link in invoice.invoiced_parties.all() if link.is_primary), None)
    endpoint = operator = ""
    if invoice.invoicing_method_code == InvoicingMethod.EINVOICING and invoice.e_invoicing_address:
        endpoint, operator = invoice.e_invoicing_address, invoice.e_invoicing_operator_id
    elif primary is not None and primary.e_invoicing_address:
        endpoint, operator = primary.e_invoicing_address, primary.e_invoicing_operator_id
    elif block.get("business_id"):
        endpoint = ovt_from_business_id(block["business_id"])
    # The name is the primary party's; the address is the billing address the PDF prints.
    return EParty(
        name=block.get("name") or billing["recipient"],
        business_id=block.get("business_id", ""),
        vat_number=block.get("vat_number", ""),
        street=billing["street"] or block.get("street", ""),
        postcode=billing["postcode"] or block.get("postcode", ""),
        area=billing["area"] or block.get("area", ""),
        country=billing["country"] or block.get("country", "") or "FI",
        email=block.get("email", ""),
        phone=block.get("phone", ""),
        endpoint=endpoint.replace(" ", ""),
        operator=operator.replace(" ", ""),
    )


def _line(number: int, row: dict, labels: dict) -> ELine:
    rate = Decimal(row["vat_percentage"])
    category, xml_rate = vat_category(rate, row["reverse_charge"])
    if row.get("is_discount"):
        name = labels["discount"] + (
            f": {row['description']}"
            if row["description"] and row["description"] != "DISCOUNT"
            else ""
        )
    else:
        name = row["description"] or labels["other_costs"]
    return ELine(
        number=number,
        name=name,
        quantity=Decimal(row["quantity"]),
        unit_amount=row["unit_amount"],
        includes_vat=row["includes_vat"],
        printed_rate=rate,
        category=category,
        rate=xml_rate,
        vat_excluded=row["vat_excluded"],
        vat=row["vat"],
        vat_included=row["vat_included"],
        is_discount=bool(row.get("is_discount")),
    )


def _breakdown(context: dict) -> tuple[EVatRow, ...]:
    """The PDF's VAT breakdown with categories; reverse-charge rows (one per printed rate on
    the PDF) become the one AE row EN 16931 allows (rate 0)."""
    rows: list[EVatRow] = []
    reverse: list[dict] = []
    for row in context["breakdown"]:
        if row["reverse_charge"]:
            reverse.append(row)
            continue
        category, rate = vat_category(Decimal(row["vat_percentage"]), False)
        rows.append(EVatRow(category, rate, row["vat_excluded"], row["vat"]))
    if reverse:
        rows.append(
            EVatRow(
                "AE",
                Decimal(0),
                sum(r["vat_excluded"] for r in reverse),
                sum(r["vat"] for r in reverse),
            )
        )
    return tuple(rows)


def einvoice_document(invoice, context: dict | None = None) -> EDocument:
    """The e-invoice view of an approved invoice or credit note, from the PDF's context."""
    if context is None:
        from ..pdf import pdf_context

        context = pdf_context(invoice, preview=False)
    if not context["invoice_number"]:
        raise EInvoiceError("An e-invoice needs an invoice number (lock the invoice first).")
    labels = LABELS[context["language"]]
    lines = [_line(i, row, labels) for i, row in enumerate(context["lines"], start=1)]
    items = tuple(line for line in lines if not line.is_discount)
    discount = next((line for line in lines if line.is_discount), None)
    seller = context["seller"]
    credited = invoice.credited_invoice if invoice.credited_invoice_id else None
    totals = context["totals"]
    late = context["late_payment_fee_percentage"]
    return EDocument(
        invoice_id=str(invoice.id),
        is_credit_note=context["type"] == InvoiceType.CREDIT_NOTE,
        number=context["invoice_number"],
        currency=context["currency"],
        language=context["language"],
        invoice_date=_date(context["invoicing_date"]) or _date(context["issue_date"]),
        delivery_date=_date(context["issue_date"]),
        due_date=_date(context["due_date"]),
        reference=context["reference"],
        rf_reference=context["rf_reference"],
        customer_reference=invoice.customer_reference,
        credited_number=context["credited_invoice_number"],
        credited_date=(credited.invoicing_date or credited.issue_date) if credited else None,
        credit_reason=context["credit_note_reason"],
        terms_text=terms_text(context),
        late_interest=Decimal(late) if late else None,
        seller=EParty(
            name=seller["name"],
            business_id=seller["business_id"],
            vat_number=seller["vat_number"],
            street=seller["street"],
            postcode=seller["postcode"],
            area=seller["area"],
            country=seller["country"] or "FI",
            email=seller["email"],
            phone=seller["phone"],
            endpoint=ovt_from_business_id(seller["business_id"]),
        ),
        buyer=_buyer(invoice, context),
        items=items,
        discount=discount,
        breakdown=_breakdown(context),
        vat_excluded=totals["vat_excluded"],
        vat=totals["vat"],
        vat_included=totals["vat_included"],
        down_payment=totals["down_payment"],
        deduction=totals["deduction"],
        amount_due=totals["amount_due"],
        accounts=tuple(
            EAccount(iban=a["iban"].replace(" ", ""), bic=a["bic"], bank_name=a["bank_name"])
            for a in context["accounts"]
        ),
        sender_intermediator=getattr(settings, "INVOICING_EINVOICE_SENDER_INTERMEDIATOR", ""),
    )
