"""Finvoice 3.0 (Finance Finland) for approved invoices (INV01) and credit notes (INV02).

Element order follows ``Finvoice3.0.xsd``. Routing: the buyer's e-invoicing address (OVT) and
operator go to ``MessageReceiverDetails`` (``ToIdentifier`` / ``ToIntermediator``; a 7-character
operator id such as ``E204503`` does not fit ``InvoiceRecipientIntermediatorAddress``, which
takes 8-11 characters). Amounts use a decimal comma; credit note amounts are negative, as the
PDF's are.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from ..money import to_major
from ..payments import virtual_barcode
from .common import OVT_PREFIX, EDocument, EInvoiceError, ELine, einvoice_document, is_ovt, plain

XSI = "http://www.w3.org/2001/XMLSchema-instance"
CONTENT_TYPE = "application/xml"

TYPE_TEXT = {
    "fi": ("LASKU", "HYVITYSLASKU"),
    "sv": ("FAKTURA", "KREDITNOTA"),
    "en": ("INVOICE", "CREDIT NOTE"),
}
LATE_INTEREST_TEXT = {"fi": "Viivästyskorko", "sv": "Dröjsmålsränta", "en": "Late interest"}
STATUTORY_TEXT = {
    "fi": "Viivästyskorko korkolain mukaan",
    "sv": "Dröjsmålsränta enligt räntelagen",
    "en": "Late interest at the statutory rate",
}
REVERSE_CHARGE_TEXT = "Käännetty verovelvollisuus (AVL 8 c §)"


def _amount(minor: int, currency: str) -> str:
    """'1234,50': at least two decimals (the schema's monetaryAmount), decimal comma."""
    value = to_major(minor, currency)
    if value.as_tuple().exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return format(value, "f").replace(".", ",")


def _epi_amount(minor: int, currency: str) -> str:
    """EpiInstructedAmount takes exactly two decimals."""
    return format(to_major(minor, currency).quantize(Decimal("0.01")), "f").replace(".", ",")


def _percent(rate: Decimal) -> str:
    return plain(rate).replace(".", ",")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _text(value: str, limit: int) -> str:
    return " ".join(value.split())[:limit]


class _Writer:
    def __init__(self, currency: str):
        self.currency = currency

    def el(self, parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
        node = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
        if text is not None:
            node.text = text
        return node

    def opt(self, parent, tag: str, text: str | None, **attrs) -> None:
        """Only when there is something to say (the schema's minimum lengths are 1 or 2)."""
        if text and len(text.strip()) >= 2:
            self.el(parent, tag, text.strip(), **attrs)

    def money(self, parent, tag: str, minor: int) -> None:
        self.el(parent, tag, _amount(minor, self.currency), AmountCurrencyIdentifier=self.currency)

    def day(self, parent, tag: str, value: date | None) -> None:
        if value is not None:
            self.el(parent, tag, _day(value), Format="CCYYMMDD")


def _transmission(w: _Writer, root, doc: EDocument, now: datetime) -> None:
    buyer = doc.buyer
    if not (buyer.endpoint and buyer.operator and doc.seller.endpoint):
        return  # not routed through the operator network (e.g. a download from the API)
    details = w.el(root, "MessageTransmissionDetails")
    sender = w.el(details, "MessageSenderDetails")
    w.el(sender, "FromIdentifier", doc.seller.endpoint, SchemeID=OVT_PREFIX)
    # The sender's own operator; unset, the one operator of a single-operator file drop.
    w.el(sender, "FromIntermediator", doc.sender_intermediator or buyer.operator)
    receiver = w.el(details, "MessageReceiverDetails")
    w.el(
        receiver,
        "ToIdentifier",
        buyer.endpoint,
        SchemeID=OVT_PREFIX if is_ovt(buyer.endpoint) else None,
    )
    w.el(receiver, "ToIntermediator", buyer.operator)
    message = w.el(details, "MessageDetails")
    w.el(message, "MessageIdentifier", doc.invoice_id)
    w.el(message, "MessageTimeStamp", now.isoformat(timespec="seconds"))


def _seller(w: _Writer, root, doc: EDocument) -> None:
    seller = doc.seller
    party = w.el(root, "SellerPartyDetails")
    if seller.business_id:
        w.el(party, "SellerPartyIdentifier", seller.business_id)
    w.el(party, "SellerOrganisationName", _text(seller.name, 70))
    if seller.vat_number:
        w.el(party, "SellerOrganisationTaxCode", seller.vat_number)
    if seller.street and seller.area and seller.postcode:
        address = w.el(party, "SellerPostalAddressDetails")
        w.el(address, "SellerStreetName", _text(seller.street, 35))
        w.el(address, "SellerTownName", _text(seller.area, 35))
        w.el(address, "SellerPostCodeIdentifier", seller.postcode)
        w.el(address, "CountryCode", seller.country)
    info = w.el(root, "SellerInformationDetails")
    w.opt(info, "SellerPhoneNumber", _text(seller.phone, 35))
    w.opt(info, "SellerCommonEmailaddressIdentifier", _text(seller.email, 70))
    for account in doc.accounts:
        if not account.bic:  # SellerAccountDetails needs both; the EPI part has the first
            continue
        details = w.el(info, "SellerAccountDetails")
        w.el(details, "SellerAccountID", account.iban, IdentificationSchemeName="IBAN")
        w.el(details, "SellerBic", account.bic, IdentificationSchemeName="BIC")
    if len(info) == 0:
        root.remove(info)


def _buyer(w: _Writer, root, doc: EDocument) -> None:
    buyer = doc.buyer
    w.el(root, "InvoiceRecipientLanguageCode", doc.language.upper())
    party = w.el(root, "BuyerPartyDetails")
    if buyer.business_id:
        w.el(party, "BuyerPartyIdentifier", buyer.business_id)
    w.el(party, "BuyerOrganisationName", _text(buyer.name, 70) or "-" * 2)
    if buyer.vat_number:
        w.el(party, "BuyerOrganisationTaxCode", buyer.vat_number)
    if len(buyer.street.strip()) >= 2 and len(buyer.area.strip()) >= 2 and buyer.postcode:
        address = w.el(party, "BuyerPostalAddressDetails")
        w.el(address, "BuyerStreetName", _text(buyer.street, 35))
        w.el(address, "BuyerTownName", _text(buyer.area, 35))
        w.el(address, "BuyerPostCodeIdentifier", buyer.postcode)
        if buyer.country:
            w.el(address, "CountryCode", buyer.country)
    if buyer.phone or buyer.email:
        communication = w.el(root, "BuyerCommunicationDetails")
        w.opt(communication, "BuyerPhoneNumberIdentifier", _text(buyer.phone, 35))
        w.opt(communication, "BuyerEmailaddressIdentifier", _text(buyer.email, 70))
    if doc.delivery_date is not None:
        w.day(w.el(root, "DeliveryDetails"), "DeliveryDate", doc.delivery_date)


def _details(w: _Writer, root, doc: EDocument) -> None:
    details = w.el(root, "InvoiceDetails")
    invoice_text, credit_text = TYPE_TEXT.get(doc.language, TYPE_TEXT["fi"])
    w.el(details, "InvoiceTypeCode", "INV02" if doc.is_credit_note else "INV01")
    w.el(details, "InvoiceTypeText", credit_text if doc.is_credit_note else invoice_text)
    w.el(details, "OriginCode", "Original")
    if len(doc.number) > 20:
        raise EInvoiceError(f"Finvoice invoice numbers are at most 20 characters: {doc.number}")
    w.el(details, "InvoiceNumber", doc.number)
    w.day(details, "InvoiceDate", doc.invoice_date)
    if doc.is_credit_note and doc.credited_number:
        w.el(details, "OriginalInvoiceNumber", doc.credited_number[:20])
        w.day(details, "OriginalInvoiceDate", doc.credited_date)
    if doc.customer_reference:
        w.el(details, "OrderIdentifier", _text(doc.customer_reference, 70))
        w.el(details, "BuyerReferenceIdentifier", _text(doc.customer_reference, 70))
    w.money(details, "RowsTotalVatExcludedAmount", doc.vat_excluded)
    w.money(details, "InvoiceTotalVatExcludedAmount", doc.vat_excluded)
    w.money(details, "InvoiceTotalVatAmount", doc.vat)
    w.money(details, "InvoiceTotalVatIncludedAmount", doc.vat_included)
    if doc.paid:
        w.money(details, "InvoicePaidAmount", doc.paid)
    for row in doc.breakdown:
        vat = w.el(details, "VatSpecificationDetails")
        w.money(vat, "VatBaseAmount", row.vat_excluded)
        w.el(vat, "VatRatePercent", _percent(row.rate))
        w.el(vat, "VatCode", row.category)
        w.money(vat, "VatRateAmount", row.vat)
        if row.category == "AE":
            w.el(vat, "VatFreeText", REVERSE_CHARGE_TEXT)
    if doc.credit_reason:
        w.el(details, "InvoiceFreeText", _text(doc.credit_reason, 512))
    terms = w.el(details, "PaymentTermsDetails")
    w.opt(terms, "PaymentTermsFreeText", _text(doc.terms_text, 70))
    w.day(terms, "InvoiceDueDate", doc.due_date)
    fine = w.el(terms, "PaymentOverDueFineDetails")
    label = LATE_INTEREST_TEXT.get(doc.language, LATE_INTEREST_TEXT["fi"])
    if doc.late_interest is not None:
        w.el(fine, "PaymentOverDueFineFreeText", f"{label} {_percent(doc.late_interest)} %")
        w.el(fine, "PaymentOverDueFinePercent", _percent(doc.late_interest))
    else:
        w.el(fine, "PaymentOverDueFineFreeText", STATUTORY_TEXT.get(doc.language, ""))


def _row(w: _Writer, root, line: ELine) -> None:
    row = w.el(root, "InvoiceRow")
    w.el(row, "ArticleName", _text(line.name, 100))
    w.el(row, "InvoicedQuantity", plain(line.quantity))
    tag = "UnitPriceVatIncludedAmount" if line.includes_vat else "UnitPriceAmount"
    w.money(row, tag, line.unit_amount)
    if line.category == "AE":
        w.el(row, "RowFreeText", REVERSE_CHARGE_TEXT)
    w.el(row, "RowVatRatePercent", _percent(line.rate))
    w.el(row, "RowVatCode", line.category)
    w.money(row, "RowVatAmount", line.vat)
    w.money(row, "RowVatExcludedAmount", line.vat_excluded)
    w.money(row, "RowAmount", line.vat_included)


def _epi(w: _Writer, root, doc: EDocument) -> None:
    if not doc.accounts:
        raise EInvoiceError("A Finvoice message needs a payment account (EpiAccountID).")
    account = doc.accounts[0]
    epi = w.el(root, "EpiDetails")
    identification = w.el(epi, "EpiIdentificationDetails")
    w.day(identification, "EpiDate", doc.invoice_date)
    w.el(identification, "EpiReference", doc.number if " " not in doc.number else "")
    parties = w.el(epi, "EpiPartyDetails")
    bank = w.el(parties, "EpiBfiPartyDetails")
    if account.bic:
        w.el(bank, "EpiBfiIdentifier", account.bic, IdentificationSchemeName="BIC")
    beneficiary = w.el(parties, "EpiBeneficiaryPartyDetails")
    w.opt(beneficiary, "EpiNameAddressDetails", _text(doc.seller.name, 35))
    if 8 <= len(doc.seller.business_id) <= 11:
        w.el(beneficiary, "EpiBei", doc.seller.business_id)
    w.el(beneficiary, "EpiAccountID", account.iban, IdentificationSchemeName="IBAN")
    instruction = w.el(epi, "EpiPaymentInstructionDetails")
    reference = doc.reference.replace(" ", "")
    if reference:
        scheme = "ISO" if reference.upper().startswith("RF") else "SPY"
        w.el(instruction, "EpiRemittanceInfoIdentifier", reference, IdentificationSchemeName=scheme)
    w.el(
        instruction,
        "EpiInstructedAmount",
        _epi_amount(doc.amount_due, doc.currency),
        AmountCurrencyIdentifier=doc.currency,
    )
    w.el(instruction, "EpiCharge", "SHA", ChargeOption="SHA")
    w.day(instruction, "EpiDateOptionDate", doc.due_date or doc.invoice_date)


def _barcode(doc: EDocument) -> str | None:
    """The virtual bank barcode the PDF's payment slip prints (invoices with money due)."""
    if doc.is_credit_note or not doc.accounts or not doc.reference or doc.amount_due <= 0:
        return None
    return virtual_barcode(
        iban=doc.accounts[0].iban,
        cents=doc.amount_due if doc.currency == "EUR" else None,
        reference=doc.reference,
        due=doc.due_date,
    )


def build_finvoice(invoice, *, context: dict | None = None, now: datetime | None = None) -> bytes:
    """The Finvoice 3.0 message of an approved invoice or credit note, as UTF-8 bytes."""
    doc = einvoice_document(invoice, context)
    return finvoice_from_document(doc, now=now)


def finvoice_from_document(doc: EDocument, *, now: datetime | None = None) -> bytes:
    now = timezone.localtime(now or timezone.now())
    w = _Writer(doc.currency)
    root = etree.Element("Finvoice", {"Version": "3.0"}, nsmap={"xsi": XSI})
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", "Finvoice3.0.xsd")
    _transmission(w, root, doc, now)
    _seller(w, root, doc)
    _buyer(w, root, doc)
    _details(w, root, doc)
    barcode = _barcode(doc)
    if barcode:
        w.el(root, "VirtualBankBarcode", barcode)
    for line in (*doc.items, *((doc.discount,) if doc.discount else ())):
        _row(w, root, line)
    _epi(w, root, doc)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
