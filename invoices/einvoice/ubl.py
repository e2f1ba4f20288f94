"""Peppol BIS Billing 3.0 (UBL 2.1 Invoice / CreditNote, EN 16931) for approved documents.

* ``CustomizationID`` / ``ProfileID`` of Peppol BIS Billing 3.0; endpoints are OVT codes under
  EAS ``0216``; the seller's legal registration is its business id under ICD ``0212``.
* The payment reference is ``PaymentMeans/PaymentID`` (SEPA credit transfer, code 58).
* The invoice-level discount is a document-level allowance (reason code 95) at its VAT rate,
  the down payment and a deduction are ``PrepaidAmount``; every figure is the PDF's.
* A credit note is a ``CreditNote`` referring to the credited invoice (``BillingReference``).
  Its figures are the PDF's with the sign flipped: UBL credit notes carry positive amounts
  (a negative credit note would mean a correction of a correction).
"""

from decimal import Decimal

from lxml import etree

from ..money import minor_unit_exponent
from .common import (
    FINNISH_BUSINESS_ID_SCHEME,
    PEPPOL_OVT_SCHEME,
    EDocument,
    EInvoiceError,
    ELine,
    EParty,
    einvoice_document,
    is_ovt,
    major,
    plain,
)

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CONTENT_TYPE = "application/xml"

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

UNIT_CODE = "C62"  # "one": the product's lines have no unit of measure
PAYMENT_MEANS_SEPA = "58"
DISCOUNT_REASON = "95"  # UNCL 5189: discount
EXEMPTION = {"AE": ("VATEX-EU-AE", "Reverse charge")}


class _Writer:
    def __init__(self, currency: str, sign: int):
        self.currency = currency
        self.sign = sign  # -1 turns a credit note's negative figures into UBL's positive ones

    def cbc(self, parent, tag: str, text: str, **attrs) -> etree._Element:
        node = etree.SubElement(parent, f"{{{CBC}}}{tag}", {k: v for k, v in attrs.items() if v})
        node.text = text
        return node

    def cac(self, parent, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def opt(self, parent, name: str, text: str) -> None:
        if text and text.strip():  # Peppol R008: no empty elements
            self.cbc(parent, name, " ".join(text.split()))

    def amount(self, parent, name: str, minor: int) -> None:
        self.cbc(parent, name, major(self.sign * minor, self.currency), currencyID=self.currency)

    def tax_category(self, parent, name: str, category: str, rate: Decimal) -> None:
        node = self.cac(parent, name)
        self.cbc(node, "ID", category)
        self.cbc(node, "Percent", plain(rate))
        if category in EXEMPTION and name == "TaxCategory" and parent.tag.endswith("Subtotal"):
            code, reason = EXEMPTION[category]
            self.cbc(node, "TaxExemptionReasonCode", code)
            self.cbc(node, "TaxExemptionReason", reason)
        self.cbc(self.cac(node, "TaxScheme"), "ID", "VAT")


def _party(w: _Writer, parent, name: str, party: EParty, *, seller: bool) -> None:
    node = w.cac(w.cac(parent, name), "Party")
    if party.endpoint:
        scheme = PEPPOL_OVT_SCHEME if is_ovt(party.endpoint) else None
        if scheme is None:
            raise EInvoiceError(f"{party.endpoint} is not an OVT code (Peppol EAS 0216).")
        w.cbc(node, "EndpointID", party.endpoint, schemeID=scheme)
    if party.business_id and not seller:
        w.cbc(w.cac(node, "PartyIdentification"), "ID", party.business_id)
    w.cbc(w.cac(node, "PartyName"), "Name", party.name)
    address = w.cac(node, "PostalAddress")
    w.opt(address, "StreetName", party.street)
    w.opt(address, "CityName", party.area)
    w.opt(address, "PostalZone", party.postcode)
    w.cbc(w.cac(address, "Country"), "IdentificationCode", party.country or "FI")
    if party.vat_number:
        tax = w.cac(node, "PartyTaxScheme")
        w.cbc(tax, "CompanyID", party.vat_number)
        w.cbc(w.cac(tax, "TaxScheme"), "ID", "VAT")
    legal = w.cac(node, "PartyLegalEntity")
    w.cbc(legal, "RegistrationName", party.name)
    if party.business_id:
        w.cbc(legal, "CompanyID", party.business_id, schemeID=FINNISH_BUSINESS_ID_SCHEME)
    if party.email or party.phone:
        contact = w.cac(node, "Contact")
        w.opt(contact, "Telephone", party.phone)
        w.opt(contact, "ElectronicMail", party.email)


def _payment(w: _Writer, root, doc: EDocument) -> None:
    if doc.is_credit_note or not doc.accounts:
        return  # nothing for the buyer to pay
    account = doc.accounts[0]
    means = w.cac(root, "PaymentMeans")
    w.cbc(means, "PaymentMeansCode", PAYMENT_MEANS_SEPA, name="SEPA credit transfer")
    if doc.reference:
        w.cbc(means, "PaymentID", doc.reference.replace(" ", ""))
    financial = w.cac(means, "PayeeFinancialAccount")
    w.cbc(financial, "ID", account.iban)
    w.opt(financial, "Name", doc.seller.name)
    if account.bic:
        w.cbc(w.cac(financial, "FinancialInstitutionBranch"), "ID", account.bic)


def _terms(w: _Writer, root, doc: EDocument) -> None:
    parts = [doc.terms_text]
    if doc.late_interest is not None:
        parts.append(f"Late payment interest {plain(doc.late_interest)} %")
    else:
        parts.append("Late payment interest at the statutory rate")
    w.opt(w.cac(root, "PaymentTerms"), "Note", ". ".join(p for p in parts if p))


def _line(w: _Writer, root, line: ELine, *, credit_note: bool) -> None:
    node = w.cac(root, "CreditNoteLine" if credit_note else "InvoiceLine")
    w.cbc(node, "ID", str(line.number))
    net = w.sign * line.vat_excluded
    quantity = line.quantity if line.quantity != 0 else Decimal(1)
    # The item net price is never negative (BR-27): a negative line has a negative quantity.
    if (net < 0) != (quantity < 0):
        quantity = -quantity
    w.cbc(
        node,
        "CreditedQuantity" if credit_note else "InvoicedQuantity",
        plain(quantity),
        unitCode=UNIT_CODE,
    )
    w.amount(node, "LineExtensionAmount", line.vat_excluded)
    item = w.cac(node, "Item")
    w.cbc(item, "Name", line.name[:200] or "-")
    w.tax_category(item, "ClassifiedTaxCategory", line.category, line.rate)
    # Net price = net amount / quantity (Peppol R120 allows 0.02 of slack; 6 decimals keep
    # quantity x price well inside it).
    exponent = Decimal(10) ** minor_unit_exponent(w.currency)
    price = (Decimal(abs(net)) / abs(quantity) / exponent).quantize(Decimal("0.000001"))
    w.cbc(w.cac(node, "Price"), "PriceAmount", plain(price), currencyID=w.currency)


def build_ubl(invoice, *, context: dict | None = None) -> bytes:
    """The Peppol BIS Billing 3.0 Invoice (or CreditNote) of an approved document."""
    return ubl_from_document(einvoice_document(invoice, context))


def ubl_from_document(doc: EDocument) -> bytes:
    credit = doc.is_credit_note
    w = _Writer(doc.currency, -1 if credit else 1)
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: namespace, "cac": CAC, "cbc": CBC},
    )
    w.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    w.cbc(root, "ProfileID", PROFILE_ID)
    w.cbc(root, "ID", doc.number)
    w.cbc(root, "IssueDate", doc.invoice_date.isoformat())
    if not credit and doc.due_date:
        w.cbc(root, "DueDate", doc.due_date.isoformat())
    w.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if doc.credit_reason:
        w.opt(root, "Note", doc.credit_reason)  # Peppol R002: at most one note
    w.cbc(root, "DocumentCurrencyCode", doc.currency)
    # Peppol R003 needs a buyer reference or an order reference: the buyer's own reference,
    # else the invoice number (what the buyer sees on the PDF).
    w.cbc(root, "BuyerReference", " ".join(doc.customer_reference.split()) or doc.number)
    if credit and doc.credited_number:
        reference = w.cac(w.cac(root, "BillingReference"), "InvoiceDocumentReference")
        w.cbc(reference, "ID", doc.credited_number)
        if doc.credited_date:
            w.cbc(reference, "IssueDate", doc.credited_date.isoformat())
    _party(w, root, "AccountingSupplierParty", doc.seller, seller=True)
    _party(w, root, "AccountingCustomerParty", doc.buyer, seller=False)
    if doc.delivery_date:
        w.cbc(w.cac(root, "Delivery"), "ActualDeliveryDate", doc.delivery_date.isoformat())
    _payment(w, root, doc)
    _terms(w, root, doc)
    if doc.discount is not None:
        allowance = w.cac(root, "AllowanceCharge")
        w.cbc(allowance, "ChargeIndicator", "false")
        w.cbc(allowance, "AllowanceChargeReasonCode", DISCOUNT_REASON)
        w.cbc(allowance, "AllowanceChargeReason", doc.discount.name[:200])
        w.amount(allowance, "Amount", -doc.discount.vat_excluded)
        w.tax_category(allowance, "TaxCategory", doc.discount.category, doc.discount.rate)
    tax_total = w.cac(root, "TaxTotal")
    w.amount(tax_total, "TaxAmount", doc.vat)
    for row in doc.breakdown:
        subtotal = w.cac(tax_total, "TaxSubtotal")
        w.amount(subtotal, "TaxableAmount", row.vat_excluded)
        w.amount(subtotal, "TaxAmount", row.vat)
        w.tax_category(subtotal, "TaxCategory", row.category, row.rate)
    totals = w.cac(root, "LegalMonetaryTotal")
    w.amount(totals, "LineExtensionAmount", doc.items_vat_excluded)
    w.amount(totals, "TaxExclusiveAmount", doc.vat_excluded)
    w.amount(totals, "TaxInclusiveAmount", doc.vat_included)
    if doc.discount is not None:
        w.amount(totals, "AllowanceTotalAmount", -doc.discount.vat_excluded)
    if doc.paid:
        w.amount(totals, "PrepaidAmount", doc.paid)
    w.amount(totals, "PayableAmount", doc.amount_due)
    for line in doc.items:
        _line(w, root, line, credit_note=credit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
