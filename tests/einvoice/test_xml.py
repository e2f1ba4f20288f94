"""Generated Finvoice 3.0 and Peppol BIS 3 UBL documents: valid against the official schemas
and rules, and carrying exactly the PDF's figures (one calculator)."""

from decimal import Decimal

import pytest
from lxml import etree

from invoices.einvoice import build_finvoice, build_ubl
from invoices.einvoice.ubl import CUSTOMIZATION_ID, PROFILE_ID
from invoices.pdf import pdf_context

from .conftest import cost, credit, seed_like

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def cents(text: str) -> int:
    """'1025,00' or '1025.00' -> 102500 (EUR)."""
    return int(Decimal(text.replace(",", ".")) * 100)


def finvoice_figures(xml: bytes) -> dict:
    root = etree.fromstring(xml)
    details = root.find("InvoiceDetails")
    return {
        "vat_excluded": cents(details.findtext("InvoiceTotalVatExcludedAmount")),
        "vat": cents(details.findtext("InvoiceTotalVatAmount")),
        "vat_included": cents(details.findtext("InvoiceTotalVatIncludedAmount")),
        "paid": cents(details.findtext("InvoicePaidAmount") or "0"),
        "amount_due": cents(
            root.findtext("EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount")
        ),
        "breakdown": [
            (cents(v.findtext("VatBaseAmount")), cents(v.findtext("VatRateAmount")))
            for v in details.findall("VatSpecificationDetails")
        ],
        "rows": [
            (
                cents(r.findtext("RowVatExcludedAmount")),
                cents(r.findtext("RowVatAmount")),
                cents(r.findtext("RowAmount")),
            )
            for r in root.findall("InvoiceRow")
        ],
    }


def ubl_figures(xml: bytes) -> dict:
    root = etree.fromstring(xml)
    total = root.find("cac:LegalMonetaryTotal", NS)
    sign = -1 if root.tag.endswith("}CreditNote") else 1  # UBL credit notes are positive

    def amount(node, path):
        text = node.findtext(path, namespaces=NS)
        return sign * cents(text) if text is not None else 0

    lines = root.findall("cac:InvoiceLine", NS) + root.findall("cac:CreditNoteLine", NS)
    return {
        "vat_excluded": amount(total, "cbc:TaxExclusiveAmount"),
        "vat": amount(root, "cac:TaxTotal/cbc:TaxAmount"),
        "vat_included": amount(total, "cbc:TaxInclusiveAmount"),
        "paid": amount(total, "cbc:PrepaidAmount"),
        "amount_due": amount(total, "cbc:PayableAmount"),
        "breakdown": [
            (amount(s, "cbc:TaxableAmount"), amount(s, "cbc:TaxAmount"))
            for s in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
        ],
        "lines": [amount(line, "cbc:LineExtensionAmount") for line in lines],
        "allowance": amount(root, "cac:AllowanceCharge/cbc:Amount"),
    }


def context_breakdown(context) -> list[tuple[int, int]]:
    """The PDF's breakdown as the XML carries it: reverse-charge rows merged into one AE row."""
    rows = [(r["vat_excluded"], r["vat"]) for r in context["breakdown"] if not r["reverse_charge"]]
    reverse = [r for r in context["breakdown"] if r["reverse_charge"]]
    if reverse:
        rows.append((sum(r["vat_excluded"] for r in reverse), sum(r["vat"] for r in reverse)))
    return rows


def assert_figures_are_the_pdfs(invoice, finvoice: bytes, ubl: bytes) -> dict:
    context = pdf_context(invoice, preview=False)
    totals = context["totals"]
    expected = {
        "vat_excluded": totals["vat_excluded"],
        "vat": totals["vat"],
        "vat_included": totals["vat_included"],
        "paid": totals["down_payment"] + totals["deduction"],
        "amount_due": totals["amount_due"],
        "breakdown": context_breakdown(context),
    }
    fin = finvoice_figures(finvoice)
    assert {k: fin[k] for k in expected} == expected
    assert fin["rows"] == [
        (r["vat_excluded"], r["vat"], r["vat_included"]) for r in context["lines"]
    ]
    u = ubl_figures(ubl)
    assert {k: u[k] for k in expected} == expected
    items = [r for r in context["lines"] if not r.get("is_discount")]
    assert u["lines"] == [r["vat_excluded"] for r in items]
    discount = [r for r in context["lines"] if r.get("is_discount")]
    assert u["allowance"] == (-discount[0]["vat_excluded"] if discount else 0)
    return context


def assert_valid(validators, invoice) -> tuple[bytes, bytes]:
    finvoice = build_finvoice(invoice)
    assert validators.finvoice_errors(finvoice) == [], finvoice.decode()
    ubl = build_ubl(invoice)
    assert validators.ubl_fatal(ubl) == [], ubl.decode()
    return finvoice, ubl


# --- the primary seed -------------------------------------------------------------------------


def test_seed_invoice_with_discount_and_down_payment_is_valid_and_has_the_pdfs_figures(
    validators, make_approved, party
):
    invoice = make_approved(party, **seed_like())
    finvoice, ubl = assert_valid(validators, invoice)
    context = assert_figures_are_the_pdfs(invoice, finvoice, ubl)
    # The seed check of docs/money.md, as the XML carries it.
    assert context["totals"]["vat_included"] == 1025000
    assert context["totals"]["vat_excluded"] == 816734
    assert context["totals"]["amount_due"] == 775000
    root = etree.fromstring(ubl)
    assert (
        root.findtext("cac:PaymentMeans/cbc:PaymentID", namespaces=NS) == invoice.reference_number
    )
    total = root.find("cac:LegalMonetaryTotal", NS)
    assert total.findtext("cbc:PrepaidAmount", namespaces=NS) == "2500.00"
    assert total.findtext("cbc:PayableAmount", namespaces=NS) == "7750.00"
    assert total.findtext("cbc:AllowanceTotalAmount", namespaces=NS) == "796.81"


def test_finvoice_routes_to_the_ovt_address_and_operator_with_epi_payment_details(
    validators, make_approved, party
):
    invoice = make_approved(party, **seed_like())
    root = etree.fromstring(assert_valid(validators, invoice)[0])
    receiver = root.find("MessageTransmissionDetails/MessageReceiverDetails")
    assert receiver.findtext("ToIdentifier") == "003702472382"
    assert receiver.find("ToIdentifier").get("SchemeID") == "0037"
    # E204503 is 7 characters: ToIntermediator, not InvoiceRecipientIntermediatorAddress.
    assert receiver.findtext("ToIntermediator") == "E204503"
    assert root.find(".//InvoiceRecipientIntermediatorAddress") is None
    sender = root.find("MessageTransmissionDetails/MessageSenderDetails")
    assert sender.findtext("FromIdentifier") == "003723319727"  # the office's business id
    assert root.findtext("SellerPartyDetails/SellerPartyIdentifier") == "2331972-7"
    assert root.findtext("SellerPartyDetails/SellerOrganisationTaxCode") == "FI23319727"
    epi = root.find("EpiDetails")
    assert epi.findtext("EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID") == (
        "FI2112345600000785"
    )
    assert epi.findtext("EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier") == "NDEAFIHH"
    instruction = epi.find("EpiPaymentInstructionDetails")
    assert instruction.findtext("EpiRemittanceInfoIdentifier") == invoice.reference_number
    assert instruction.find("EpiRemittanceInfoIdentifier").get("IdentificationSchemeName") == "SPY"
    assert instruction.findtext("EpiInstructedAmount") == "7750,00"
    assert instruction.findtext("EpiDateOptionDate") == invoice.due_date.strftime("%Y%m%d")
    barcode = root.findtext("VirtualBankBarcode")
    assert barcode.startswith("4" + "2112345600000785" + "00775000")
    assert barcode.endswith(invoice.due_date.strftime("%y%m%d"))
    fine = root.find("InvoiceDetails/PaymentTermsDetails/PaymentOverDueFineDetails")
    assert fine.findtext("PaymentOverDueFinePercent") == "16"


def test_ubl_has_the_peppol_ids_and_0216_endpoints(validators, make_approved, party):
    invoice = make_approved(party, **seed_like())
    root = etree.fromstring(assert_valid(validators, invoice)[1])
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION_ID
    assert root.findtext("cbc:ProfileID", namespaces=NS) == PROFILE_ID
    assert CUSTOMIZATION_ID == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert PROFILE_ID == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    seller = root.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (seller.get("schemeID"), seller.text) == ("0216", "003723319727")
    assert (buyer.get("schemeID"), buyer.text) == ("0216", "003702472382")
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    assert root.findtext("cbc:DueDate", namespaces=NS) == invoice.due_date.isoformat()


# --- credit notes -----------------------------------------------------------------------------


def test_credit_note_is_a_valid_creditnote_referring_to_its_invoice(
    validators, make_approved, clerk, approver, party
):
    invoice = make_approved(party, **seed_like())
    note = credit(clerk, approver, invoice)
    finvoice, ubl = assert_valid(validators, note)
    context = assert_figures_are_the_pdfs(note, finvoice, ubl)
    assert context["totals"]["amount_due"] == -775000
    root = etree.fromstring(ubl)
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference.findtext("cbc:ID", namespaces=NS) == invoice.invoice_number
    assert reference.findtext("cbc:IssueDate", namespaces=NS) == invoice.invoicing_date.isoformat()
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == "7750.00"
    fin = etree.fromstring(finvoice)
    assert fin.findtext("InvoiceDetails/InvoiceTypeCode") == "INV02"
    assert fin.findtext("InvoiceDetails/OriginalInvoiceNumber") == invoice.invoice_number
    assert fin.findtext("EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount") == (
        "-7750,00"
    )
    assert fin.find("VirtualBankBarcode") is None


# --- VAT categories and rates -----------------------------------------------------------------


def test_reverse_charge_line_is_category_ae_with_rate_0_and_an_exemption_reason(
    validators, make_approved, company
):
    invoice = make_approved(
        company,
        [
            cost(100000, description="Commission"),
            cost(40000, reverse_charge=True, description="Construction service"),
        ],
    )
    finvoice, ubl = assert_valid(validators, invoice)
    assert_figures_are_the_pdfs(invoice, finvoice, ubl)
    root = etree.fromstring(ubl)
    ae = [
        s
        for s in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
        if s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS) == "AE"
    ]
    assert len(ae) == 1
    assert ae[0].findtext("cbc:TaxableAmount", namespaces=NS) == "400.00"
    assert ae[0].findtext("cbc:TaxAmount", namespaces=NS) == "0.00"
    assert ae[0].findtext("cac:TaxCategory/cbc:Percent", namespaces=NS) == "0"
    assert ae[0].findtext("cac:TaxCategory/cbc:TaxExemptionReasonCode", namespaces=NS) == (
        "VATEX-EU-AE"
    )
    rows = etree.fromstring(finvoice).findall("InvoiceRow")
    assert [r.findtext("RowVatCode") for r in rows] == ["S", "AE"]
    assert rows[1].findtext("RowVatRatePercent") == "0"


def test_finnish_rates_0_10_13_5_14_and_25_5_with_quantities_and_a_negative_line(
    validators, make_approved, company
):
    invoice = make_approved(
        company,
        [
            cost(12345, "25.5"),
            cost(999, "14", quantity=Decimal(3)),
            cost(2550, "13.5", includes_vat=True),
            cost(1001, "10", quantity=Decimal("2.5")),
            cost(5000, "0"),
            cost(-1000, "25.5", description="Credit for an earlier visit"),
        ],
    )
    finvoice, ubl = assert_valid(validators, invoice)
    context = assert_figures_are_the_pdfs(invoice, finvoice, ubl)
    rates = [
        r.findtext("VatRatePercent")
        for r in etree.fromstring(finvoice).findall("InvoiceDetails/VatSpecificationDetails")
    ]
    assert rates == ["25,5", "14", "13,5", "10", "0"]
    categories = [
        s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS)
        for s in etree.fromstring(ubl).findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    ]
    assert categories == ["S", "S", "S", "S", "Z"]
    assert len(context["breakdown"]) == 5


def test_party_with_ovt_003712345678_at_e204503_gets_them_without_a_checksum_rejection(
    validators, make_approved, einvoice_party
):
    # invoicingMethodCode omitted: the party's own channel (its e-invoicing address) applies.
    invoice = make_approved(einvoice_party, [cost(25000)])
    assert invoice.invoicing_method_code == "EINVOICING"
    finvoice, ubl = assert_valid(validators, invoice)
    receiver = etree.fromstring(finvoice).find("MessageTransmissionDetails/MessageReceiverDetails")
    assert receiver.findtext("ToIdentifier") == "003712345678"
    assert receiver.findtext("ToIntermediator") == "E204503"
    endpoint = etree.fromstring(ubl).find(
        "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS
    )
    assert (endpoint.get("schemeID"), endpoint.text) == ("0216", "003712345678")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_documents_in_each_language_are_valid(validators, make_approved, company, language):
    company.language = language
    company.save()
    invoice = make_approved(company, [cost(10000, includes_vat=True)], notice_period=8)
    finvoice, ubl = assert_valid(validators, invoice)
    assert etree.fromstring(finvoice).findtext("InvoiceRecipientLanguageCode") == language.upper()


def test_lines_merged_per_rate_on_the_pdf_are_merged_in_the_xml_too(
    validators, make_approved, company, office
):
    office.non_commission_costs_separate_lines_to_pdf = False
    office.save()
    invoice = make_approved(
        company,
        [
            cost(100000, cost_type_code="COMMISSION", description="Commission"),
            cost(2000, description="Photos"),
            cost(3000, description="Advert"),
            cost(1500, "14", description="Printing"),
        ],
    )
    finvoice, ubl = assert_valid(validators, invoice)
    context = assert_figures_are_the_pdfs(invoice, finvoice, ubl)
    assert len(context["lines"]) == 3  # the commission, and one line per other rate
    names = [r.findtext("ArticleName") for r in etree.fromstring(finvoice).findall("InvoiceRow")]
    assert names == ["Commission", "Muut kulut", "Muut kulut"]
