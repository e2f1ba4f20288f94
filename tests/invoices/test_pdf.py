"""Invoice PDFs read back as text: what a payer sees, in their language, on every page.

Invoices are made through the API; the PDF comes from the service the render task uses
(``pdf_context`` + ``render_pdf``) or, for previews, through the document API.
"""

import copy
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
import segno
from pypdf import PdfReader

from invoices.documents import invoice_queryset_unscoped
from invoices.payments import epc_qr_payload
from invoices.pdf import content_hash, pdf_context, render_pdf
from invoices.references import format_rf, rf_reference
from offices.choices import Role
from tests.conftest import Api, seed_create_body
from tests.factories import PartyFactory, member
from tests.test_api_errors import fast_password_hashing  # noqa: F401 - autouse fixture

from .lifecycle_helpers import credit_note_body

INVOICES = "/api/v1/invoices"
HEADER_FI = "Kuvaus Määrä À-hinta ALV % Veroton ALV Yhteensä EUR"
SLIP_LABEL = "Saajan tilinumero Mottagarens kontonummer"
BARCODE = re.compile(r"(?<!\d)\d{54}(?!\d)")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- helpers -------------------------------------------------------------------------------------


def flat(text: str) -> str:
    """Whitespace (newlines, the no-break spaces between digit groups) as single spaces."""
    return " ".join(text.split())


def page_texts(content: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def render(invoice_id, *, preview: bool = False):
    invoice = invoice_queryset_unscoped().get(pk=invoice_id)
    return render_pdf(pdf_context(invoice, preview=preview))


def fingerprint(invoice_id) -> str:
    invoice = invoice_queryset_unscoped().get(pk=invoice_id)
    return content_hash(pdf_context(invoice, preview=True))


def create(api, body) -> str:
    response = api.post(INVOICES, body)
    assert response.status_code == 201, response.json()
    return response.json()["invoiceId"]


def act(api, invoice_id, action: str) -> None:
    response = api.post(f"{INVOICES}/{invoice_id}/actions", {"actionTypeCode": action})
    assert response.status_code == 200, (action, response.json())


def locked(api, body) -> tuple[str, dict]:
    """A new invoice, locked (numbered), and its API representation."""
    invoice_id = create(api, body)
    act(api, invoice_id, "LOCK")
    return invoice_id, api.get(f"{INVOICES}/{invoice_id}").json()


def fi_money(cents: int) -> str:
    """7 750,00 (the PDF's no-break spaces are flattened to spaces by ``flat``)."""
    text = f"{abs(Decimal(cents).scaleb(-2)):,.2f}".replace(",", " ").replace(".", ",")
    return f"-{text}" if cents < 0 else text


def en_money(cents: int) -> str:
    text = f"{abs(Decimal(cents).scaleb(-2)):,.2f}"
    return f"-{text}" if cents < 0 else text


def fives(reference: str) -> str:
    groups = []
    while reference:
        groups.insert(0, reference[-5:])
        reference = reference[:-5]
    return " ".join(groups)


def cost(amount: int, description: str, rate: float = 25.5, **extra) -> dict:
    return {
        "amount": amount,
        "costTypeCode": "OTHER",
        "description": description,
        "vatPercentage": rate,
        "includesVat": True,
        **extra,
    }


def account(iban: str, bic: str = "", bank: str = "") -> dict:
    return {"iban": iban, "bic": bic, "bankName": bank, "accountHolder": ""}


# --- the primary example, in Finnish -------------------------------------------------------------


def test_finnish_invoice_shows_invoice_payment_and_slip_details(api, seed_body, office):
    invoice_id, data = locked(api, seed_body)
    number = data["invoice"]["invoiceNumber"]
    reference = data["invoice"]["referenceNumber"]
    rendered = render(invoice_id)
    assert rendered.pages == 1
    (text,) = page_texts(rendered.content)

    assert "Lasku" in text
    assert f"Laskun numero {number}" in text
    assert f"Viitenumero {fives(reference)}" in text
    assert f"RF-viite {format_rf(rf_reference(reference))}" in text
    assert "Laskun päivämäärä 17.2.2024" in text
    assert "Tapahtumapäivä 17.2.2024" in text
    assert "Eräpäivä 2.3.2024" in text
    assert "Maksuehto 14 päivää netto" in text
    assert "Viivästyskorko 16 %" in text
    assert "Huomautusaika 8 päivää" in text
    # seller office and buyer / billing address
    assert office.name in text
    assert "Y-tunnus 2331972-7" in text and "ALV-tunnus FI23319727" in text
    assert "Mannerheimintie 1 00100 Helsinki" in text
    assert "Matti Virtanen Yliopistonkatu 55 33100 Tampere" in text
    # lines and totals
    assert HEADER_FI in text
    assert (
        "Commission for property sale 1 10 000,00 sis. ALV 25,5 7 968,13 2 031,87 10 000,00" in text
    )
    assert "Alennus: Early payment discount 1 -1 000,00" in text
    assert "Maksettava 7 750,00 EUR" in text
    # the bank transfer form
    assert f"{SLIP_LABEL} IBAN FI21 1234 5600 0007 85 BIC DABAFIHH" in text
    assert "Maksajan nimi ja osoite Betalarens namn och adress" in text
    assert f"Viitenumero Ref.nr {fives(reference)}" in text
    assert "Eräpäivä Förfallodag 2.3.2024 Euro 7 750,00" in text
    assert "Maksa QR-koodilla" in text
    barcode = "4" + "2112345600000785" + "00775000" + "000" + reference.rjust(20, "0") + "240302"
    assert BARCODE.findall(text) == [barcode]


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools); .ci/run installs them",
)
def test_a_scanner_reads_the_printed_barcode_and_qr_code(api, seed_body, office, tmp_path):
    """What a bank's scanner reads off the page: the Code 128 bars (drawn by invoices/pdf.py,
    not by the barcode library) carry the 54 digits, the QR code the EPC payload."""
    invoice_id, data = locked(api, seed_body)
    reference = data["invoice"]["referenceNumber"]
    invoice = invoice_queryset_unscoped().get(pk=invoice_id)
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(render_pdf(pdf_context(invoice, preview=False)).content)
    subprocess.run(["pdftoppm", "-png", "-r", "300", str(pdf), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Scode128.enable", "-Sqrcode.enable",
         str(tmp_path / "page-1.png")],
        capture_output=True,
        check=True,
        text=True,
    ).stdout  # fmt: skip
    barcode = "4" + "2112345600000785" + "00775000" + "000" + reference.rjust(20, "0") + "240302"
    assert barcode in scanned.splitlines()
    qr = epc_qr_payload(
        name=office.name,
        iban="FI2112345600000785",
        bic="DABAFIHH",
        cents=data["totals"]["amountDue"],
        rf_reference=rf_reference(reference),
    )
    assert qr.strip() in scanned


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        (
            "en",
            [
                "Invoice number",
                "Invoice date 17 Feb 2024",
                "Due date 2 Mar 2024",
                "Payment terms 14 days net",
                "Reference number",
                "Description Qty Unit price VAT % Excl. VAT VAT Total EUR",
                "10,000.00 incl. VAT 25.5 7,968.13 2,031.87 10,000.00",
                "Discount: Early payment discount",
                "Amount due 7,750.00 EUR",
                "Pay with the QR code",
            ],
            ["Maksettava", "Laskun numero", "Fakturanummer"],
        ),
        (
            "sv",
            [
                "Faktura",
                "Fakturanummer",
                "Fakturadatum 17.2.2024",
                "Förfallodag 2.3.2024",
                "Betalningsvillkor 14 dagar netto",
                "Referensnummer",
                "Beskrivning Antal À-pris Moms % Exkl. moms Moms Totalt EUR",
                "10 000,00 inkl. moms 25,5 7 968,13 2 031,87 10 000,00",
                "Rabatt: Early payment discount",
                "Att betala 7 750,00 EUR",
                "Betala med QR-koden",
            ],
            ["Maksettava", "Laskun numero", "Invoice number"],
        ),
    ],
)
def test_labels_follow_the_payer_language(api, office, clerk, language, expected, absent):
    payer = PartyFactory(office=office, name="Åsa Öberg", language=language)
    invoice_id, data = locked(api, seed_create_body(office, payer, clerk))
    (text,) = page_texts(render(invoice_id).content)
    for snippet in expected:
        assert snippet in text, snippet
    for snippet in absent:
        assert snippet not in text, snippet
    # the transfer form stays bilingual Finnish-Swedish, amounts in its Finnish form
    assert f"{SLIP_LABEL} IBAN FI21 1234 5600 0007 85" in text
    assert "Euro 7 750,00" in text
    assert data["invoice"]["invoiceNumber"] in text


# --- credit notes --------------------------------------------------------------------------------


def test_credit_note_is_titled_negated_and_names_the_credited_invoice(seed_body, approver):
    approver_api = Api(approver)
    original_id, original = locked(approver_api, seed_body)
    act(approver_api, original_id, "APPROVE")
    response = approver_api.post(f"{INVOICES}/{original_id}/creditNotes", credit_note_body())
    assert response.status_code == 201, response.json()
    credit_note_id = response.json()["invoiceId"]
    credit_note = approver_api.get(f"{INVOICES}/{credit_note_id}").json()

    rendered = render(credit_note_id)
    (text,) = page_texts(rendered.content)
    assert "Hyvityslasku" in text
    assert f"Laskun numero {credit_note['invoice']['invoiceNumber']}" in text
    assert f"Hyvitettävä lasku {original['invoice']['invoiceNumber']}" in text
    assert "Hyvityksen syy: Incorrect amount in original invoice" in text
    assert "Commission for property sale 1 -10 000,00" in text
    assert "Hyvitetään -7 750,00 EUR" in text
    # nothing to pay: no transfer form, no barcode, no due date
    assert "Saajan tilinumero" not in text
    assert not BARCODE.findall(text)
    assert "Eräpäivä" not in text


# --- previews ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "label"), [("fi", "ESIKATSELU"), ("en", "PREVIEW")])
def test_preview_carries_the_watermark_and_label_the_final_does_not(
    api, office, clerk, django_capture_on_commit_callbacks, language, label
):
    payer = PartyFactory(office=office, language=language)
    invoice_id, _ = locked(api, seed_create_body(office, payer, clerk))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{INVOICES}/{invoice_id}/previewDocument")
    document_id = response.json()["previewInvoiceDocumentId"]
    preview = b"".join(api.get(f"/api/v1/documents/{document_id}/content").streaming_content)
    final = render(invoice_id, preview=False).content

    assert label in page_texts(preview)[0]
    assert label not in page_texts(final)[0]
    # the watermark is an image under the content: one image more than the final
    preview_images = PdfReader(io.BytesIO(preview)).pages[0].images
    final_images = PdfReader(io.BytesIO(final)).pages[0].images
    assert len(preview_images) == len(final_images) + 1


def test_renders_in_one_process_show_their_own_invoice_watermark_and_font(api, office, clerk):
    """invoices.pdf keeps fonts, parsed CSS, watermarks and QR codes for the life of the process
    and switches a few process-wide settings for the length of a render: documents rendered one
    after another (as in one worker) still each show their own content, and nothing is left
    switched afterwards."""
    from reportlab import rl_config
    from xhtml2pdf import default as xhtml2pdf_default
    from xhtml2pdf.context import pisaContext
    from xhtml2pdf.tags import pisaTagPDFBARCODE

    def process_wide_settings():
        return (
            rl_config.useA85,
            dict(xhtml2pdf_default.DEFAULT_FONT),
            pisaContext._parseCSSSource,
            pisaTagPDFBARCODE._barcodeWrapper,
        )

    settings_before = process_wide_settings()
    billing = {
        "recipient": "Åsa Öberg-Ääkkönen € Oy",
        "streetAddress": "Åkerlundinkatu 5",
        "postcode": "33100",
        "postalArea": "Tampere",
        "countryCode": "FI",
    }
    fi_id, fi = locked(
        api, seed_create_body(office, PartyFactory(office=office), clerk, billingAddress=billing)
    )
    en_payer = PartyFactory(office=office, language="en")
    en_id, en = locked(api, seed_create_body(office, en_payer, clerk, downPayment=0))
    fi_number, en_number = fi["invoice"]["invoiceNumber"], en["invoice"]["invoiceNumber"]
    expected = {
        fi_id: (fi_number, en_number, "ESIKATSELU"),
        en_id: (en_number, fi_number, "PREVIEW"),
    }

    for invoice_id, preview in [(fi_id, True), (en_id, False), (fi_id, False), (en_id, True)]:
        rendered = render(invoice_id, preview=preview)
        number, other_number, label = expected[invoice_id]
        (text,) = page_texts(rendered.content)
        assert number in text and other_number not in text
        assert (label in text) == preview
        page = PdfReader(io.BytesIO(rendered.content)).pages[0]
        assert len(page.images) == (2 if preview else 1)  # the QR code, and the watermark
        fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
        dejavu = [font for font in fonts if "DejaVu" in str(font["/BaseFont"])]
        assert len(dejavu) == 2, [str(font["/BaseFont"]) for font in fonts]  # regular and bold
        for font in dejavu:
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
        assert BARCODE.findall(text)
    (text,) = page_texts(render(fi_id).content)
    assert "Maksettava 7 750,00 EUR" in text
    assert "Åsa Öberg-Ääkkönen € Oy" in text  # drawn in DejaVu, which has every one of them
    assert "Amount due 10,250.00 EUR" in page_texts(render(en_id).content)[0]

    assert process_wide_settings() == settings_before


# --- many lines ----------------------------------------------------------------------------------


def test_long_invoice_flows_onto_pages_with_header_page_numbers_and_one_slip(
    api, office, party, clerk
):
    costs = [
        cost(10000 + i * 100, f"Photography and floor plan, visit {i + 1:02d}") for i in range(40)
    ]
    body = seed_create_body(office, party, clerk, costs=costs, downPayment=0)
    del body["invoice"]["discount"]
    invoice_id, data = locked(api, body)
    rendered = render(invoice_id)
    pages = page_texts(rendered.content)

    assert rendered.pages == len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert HEADER_FI in text, number  # the table header repeats on every page
        assert f"Sivu {number} / {len(pages)}" in text, number
    # the transfer form and its barcode only at the bottom of page 1
    assert SLIP_LABEL in pages[0]
    assert len(BARCODE.findall(pages[0])) == 1
    for text in pages[1:]:
        assert SLIP_LABEL not in text
        assert not BARCODE.findall(text)
    # every line once, the total after the last line
    everything = " ".join(pages)
    for i in range(40):
        assert everything.count(f"visit {i + 1:02d}") == 1, i
    amount_due = fi_money(data["totals"]["amountDue"])
    assert f"Maksettava {amount_due} EUR" in pages[-1]


WIDE_36 = [  # 36 characters each, capitals (wide glyphs): each wraps onto two lines
    "VÄLITYSPALKKIO MÄNTYHARJUN TILASTA 1",
    "ASIAKIRJOJEN KÄSITTELY, ARKISTOINTI.",
    "MARKKINOINTI: KUVAT JA POHJAPIIRROS.",
    "KAUPANVAHVISTUS JA LAINHUUTOHAKEMUS.",
    "ISÄNNÖITSIJÄNTODISTUS, KAUPPAKIRJA 2",
]


def limits_body(office, clerk, costs) -> dict:
    """An invoice at the limits the template's one_page test assumes (besides the lines):
    three accounts, a buyer and two more parties with long names, every kind of deduction."""
    buyer = PartyFactory(office=office, name="Ö" * 40 + " Kiinteistö Oy Pitkänimi")
    others = [PartyFactory(office=office, name=f"{'Ä' * 45} Testi {i}") for i in range(2)]
    assert all(len(d) == 36 for d in WIDE_36)
    return seed_create_body(
        office,
        buyer,
        clerk,
        costs=costs,
        discount={
            "amount": 999_999,
            "includesVat": True,
            "vatPercentage": 25.5,
            "description": "KANTA-ASIAKASALENNUS 2024",
        },
        downPayment=1_999_999,
        deduction=999_999,
        paymentAccounts=[
            account("FI2112345600000785", "DABAFIHH", "Danske Bank A/S"),
            account("FI5810171000000122", "NDEAFIHH", "Nordea Bank Oyj"),
            account("FI3715903000000776", "HELSFIHH", "Aktia Pankki Oyj"),
        ],
        invoicedParties={
            "primaryId": str(buyer.id),
            "parties": [{"partyId": str(p.id)} for p in [buyer, *others]],
        },
    )


def test_single_page_invoice_at_the_one_pass_limits_fits_one_page(api, office, clerk):
    """The template skips <pdf:pagecount> (a second layout pass) when the invoice surely fits
    page 1; with a transfer form: at most 4 lines (a discount is one) of at most 36 characters,
    2 VAT rates, 3 accounts, no reverse charge."""
    rates = (25.5, 14, 25.5)
    body = limits_body(
        office,
        clerk,
        [cost(9_999_999, d, r) for d, r in zip(WIDE_36[: len(rates)], rates, strict=True)],
    )
    invoice_id, _ = locked(api, body)
    rendered = render(invoice_id, preview=True)
    (text,) = page_texts(rendered.content)
    assert rendered.pages == 1
    assert "Sivu" not in text  # laid out once, without a page count
    for iban in ("FI21 1234 5600 0007 85", "FI58 1017 1000 0001 22", "FI37 1590 3000 0007 76"):
        assert iban in text  # the transfer form lists every account

    # one line more and the template no longer assumes one page: the count is printed
    more = copy.deepcopy(body)
    more["invoice"]["costs"].append(cost(100, "Postikulut"))
    invoice_id, _ = locked(api, more)
    rendered = render(invoice_id, preview=True)
    assert f"Sivu 1 / {rendered.pages}" in page_texts(rendered.content)[0]


def test_credit_note_at_the_one_pass_limits_fits_one_page(office, clerk, approver):
    """Without a transfer form the limits are 6 lines, 3 VAT rates and a 200-character reason."""
    approver_api = Api(approver)
    rates = (25.5, 14, 10, 25.5, 14)
    body = limits_body(
        office,
        clerk,
        [cost(999_999, d, r) for d, r in zip(WIDE_36[: len(rates)], rates, strict=True)],
    )
    original_id, _ = locked(approver_api, body)
    act(approver_api, original_id, "APPROVE")
    reason = ("Virheellinen summa alkuperäisessä laskussa. " * 5)[:200]  # the API maximum
    response = approver_api.post(
        f"{INVOICES}/{original_id}/creditNotes", credit_note_body(creditNoteReason=reason)
    )
    assert response.status_code == 201, response.json()
    rendered = render(response.json()["invoiceId"], preview=True)
    (text,) = page_texts(rendered.content)
    assert rendered.pages == 1
    assert "Sivu" not in text
    assert flat(reason) in text
    for iban in ("FI21 1234 5600 0007 85", "FI58 1017 1000 0001 22", "FI37 1590 3000 0007 76"):
        assert iban in text  # no transfer form: the accounts are listed under the totals


# --- fonts, amounts, hash ------------------------------------------------------------------------


def test_dejavu_font_is_embedded_for_latin_text(api, seed_body):
    invoice_id, _ = locked(api, seed_body)
    reader = PdfReader(io.BytesIO(render(invoice_id).content))
    for page in reader.pages:
        fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
        dejavu = [font for font in fonts if "DejaVu" in str(font["/BaseFont"])]
        assert dejavu, [str(font["/BaseFont"]) for font in fonts]
        for font in dejavu:
            assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded TrueType


def test_amounts_on_the_pdf_equal_the_api_totals(api, office, party, clerk):
    body = seed_create_body(
        office,
        party,
        clerk,
        costs=[
            cost(
                1_000_000, "Commission", 25.5, costTypeCode="COMMISSION", includedInCommission=True
            ),
            cost(12_345, "Document handling", 14, includesVat=False),
            cost(9_999, "Land registry fee", 0, includesVat=False),
        ],
        deduction=50_000,
    )
    invoice_id, data = locked(api, body)
    totals = data["totals"]
    (text,) = page_texts(render(invoice_id).content)

    for row in totals["vatBreakdown"]:
        rate = format(Decimal(str(row["vatPercentage"])).normalize(), "f").replace(".", ",")
        assert f"ALV {rate} % {fi_money(row['vatExcluded'])} {fi_money(row['vat'])}" in text, row
    assert f"Yhteensä {fi_money(totals['vatExcluded'])} {fi_money(totals['vat'])}" in text
    assert f"Laskun summa {fi_money(totals['vatIncluded'])}" in text
    assert f"Ennakkomaksu {fi_money(-totals['downPayment'])}" in text
    assert f"Vähennys {fi_money(-totals['deduction'])}" in text
    assert f"Maksettava {fi_money(totals['amountDue'])} EUR" in text
    assert f"Euro {fi_money(totals['amountDue'])}" in text  # on the transfer form too
    assert totals["amountDue"] == (
        totals["vatIncluded"] - totals["downPayment"] - totals["deduction"]
    )


def test_english_amounts_use_english_number_format(api, office, clerk):
    payer = PartyFactory(office=office, language="en")
    invoice_id, data = locked(api, seed_create_body(office, payer, clerk))
    (text,) = page_texts(render(invoice_id).content)
    totals = data["totals"]
    assert f"Invoice total {en_money(totals['vatIncluded'])}" in text
    assert f"Down payment {en_money(-totals['downPayment'])}" in text


def test_content_hash_is_stable_and_follows_printed_changes(api, seed_body):
    invoice_id = create(api, seed_body)
    first = fingerprint(invoice_id)
    assert fingerprint(invoice_id) == first

    same = {"invoiceTypeCode": "INVOICE", "invoice": copy.deepcopy(seed_body["invoice"])}
    assert api.put(f"{INVOICES}/{invoice_id}", same).status_code == 200
    assert fingerprint(invoice_id) == first  # saved again, nothing printed changed

    changed = copy.deepcopy(same)
    changed["invoice"]["costs"][1]["amount"] = 60000
    assert api.put(f"{INVOICES}/{invoice_id}", changed).status_code == 200
    second = fingerprint(invoice_id)
    assert second != first

    act(api, invoice_id, "LOCK")  # the number and reference are printed
    assert fingerprint(invoice_id) != second


# --- special cases -------------------------------------------------------------------------------


def test_reverse_charge_line_is_marked_with_the_buyer_vat_number(api, office, clerk):
    buyer = PartyFactory(office=office, name="Rakennus Oy", vat_number="FI23319727")
    body = seed_create_body(
        office,
        buyer,
        clerk,
        costs=[
            cost(500_000, "Construction services", 0, includesVat=False, reverseCharge=True),
            cost(20_000, "Document handling fee", 25.5),
        ],
        downPayment=0,
    )
    del body["invoice"]["discount"]
    invoice_id, _ = locked(api, body)
    (text,) = page_texts(render(invoice_id).content)
    assert "Construction services Käännetty verovelvollisuus (AVL 8 c §)" in text
    assert "ALV 0 % * 5 000,00 0,00" in text
    assert "* Käännetty verovelvollisuus (AVL 8 c §)" in text
    assert "Asiakkaan ALV-tunnus FI23319727" in text
    assert "Maksettava 5 200,00 EUR" in text


def test_discount_down_payment_and_deduction_are_itemised(api, office, party, clerk):
    body = seed_create_body(office, party, clerk, deduction=50_000)
    invoice_id, _ = locked(api, body)
    (text,) = page_texts(render(invoice_id).content)
    assert (
        "Alennus: Early payment discount 1 -1 000,00 sis. ALV 25,5 -796,81 -203,19 -1 000,00"
        in text
    )
    assert (
        "Laskun summa 10 250,00 Ennakkomaksu -2 500,00 Vähennys -500,00 Maksettava 7 250,00 EUR"
        in text
    )
    assert "Euro 7 250,00" in text


def test_long_party_names_and_addresses_are_printed_whole(api, office, clerk):
    name = "Asunto Oy Helsingin Pitkänimisen Kiinteistön Taloyhtiö ja Hallintapalvelukeskus"
    street = "Pohjoisesplanadi 123 B 45, Porraskäytävä C, toimisto- ja liiketilakerros"
    payer = PartyFactory(office=office, name=name, street_address=street)
    body = seed_create_body(
        office,
        payer,
        clerk,
        billingAddress={
            "recipient": name,
            "streetAddress": street,
            "postcode": "02700",
            "postalArea": "Kauniainen-Grankulla",
            "countryCode": "FI",
        },
    )
    invoice_id, _ = locked(api, body)
    rendered = render(invoice_id)
    (text,) = page_texts(rendered.content)
    assert rendered.pages == 1
    assert text.count(f"{name} {street} 02700 Kauniainen-Grankulla") == 2  # address and slip


def test_foreign_iban_gets_the_form_but_no_barcode(api, office, party, clerk):
    body = seed_create_body(
        office,
        party,
        clerk,
        paymentAccounts=[account("DE89370400440532013000", "COBADEFFXXX", "Commerzbank")],
    )
    invoice_id, _ = locked(api, body)
    (text,) = page_texts(render(invoice_id).content)
    assert f"{SLIP_LABEL} IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX" in text
    assert not BARCODE.findall(text)
    assert "Maksa QR-koodilla" in text  # SEPA QR works for any SEPA account


def test_non_euro_invoice_form_names_its_currency_and_has_no_qr(api, office, party, clerk):
    invoice_id, _ = locked(api, seed_create_body(office, party, clerk, currencyCode="SEK"))
    (text,) = page_texts(render(invoice_id).content)
    assert "Maksettava 7 750,00 SEK" in text
    assert "SEK 7 750,00" in text  # in the amount box, not under "Euro"
    assert "Euro 7 750,00" not in text
    assert "Maksa QR-koodilla" not in text  # SEPA credit transfers are in euros only


# --- the EPC QR code ----------------------------------------------------------------------------


def qr_modules(image, size: int) -> list[list[bool]] | None:
    """The dark modules of a QR symbol of *size* x *size* read from its PNG (quiet zone around)."""
    gray = image.convert("L")
    width, height = gray.size
    for border in range(9):
        if width == height and width % (size + 2 * border) == 0:
            scale = width // (size + 2 * border)
            return [
                [
                    gray.getpixel(
                        ((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)
                    )
                    < 128
                    for x in range(size)
                ]
                for y in range(size)
            ]
    return None


def test_epc_qr_encodes_the_payload_as_utf8(api, seed_body, office):
    office.name = "Kiinteistövälitys Äänekoski Oy"
    office.save()
    invoice_id, data = locked(api, seed_body)
    payload = epc_qr_payload(
        name=office.name,
        iban="FI2112345600000785",
        bic="DABAFIHH",
        cents=data["totals"]["amountDue"],
        rf_reference=rf_reference(data["invoice"]["referenceNumber"]),
    )
    expected = segno.make(payload, error="m", micro=False, encoding="utf-8")
    size = len(expected.matrix)
    (qr_image,) = PdfReader(io.BytesIO(render(invoice_id).content)).pages[0].images
    modules = qr_modules(qr_image.image, size)
    assert modules == [[bool(bit) for bit in row] for row in expected.matrix]


# --- migrated invoices with an RF reference -------------------------------------------------------


@pytest.fixture
def migrated_rf_invoice(office, seed_body):
    """A migrated invoice (finalStatus override) whose reference is an RF reference."""
    migration = Api(member(office, Role.MIGRATION, username="migration"))
    invoice_id = create(migration, seed_body)
    rf = rf_reference("4900000019061")
    response = migration.put(
        f"{INVOICES}/{invoice_id}/finalStatus",
        {
            "invoiceTypeCode": "INVOICE",
            "invoice": {
                "statusCode": "APPROVED",
                "invoiceNumber": "4900000019",
                "referenceNumber": format_rf(rf),
                "isPaid": False,
            },
        },
    )
    assert response.status_code == 200, response.json()
    return invoice_id, rf


def test_migrated_rf_invoice_gets_a_version_5_barcode(migrated_rf_invoice):
    invoice_id, rf = migrated_rf_invoice
    (text,) = page_texts(render(invoice_id).content)
    barcode = "5" + "2112345600000785" + "00775000" + rf[2:4] + rf[4:].rjust(21, "0") + "240302"
    assert BARCODE.findall(text) == [barcode]


def test_migrated_rf_reference_is_printed_in_groups_of_four(migrated_rf_invoice):
    invoice_id, rf = migrated_rf_invoice
    (text,) = page_texts(render(invoice_id).content)
    assert f"Viitenumero {format_rf(rf)}" in text
    assert f"Viitenumero Ref.nr {format_rf(rf)}" in text


def test_migrated_rf_reference_is_in_the_epc_qr(migrated_rf_invoice, office):
    invoice_id, rf = migrated_rf_invoice
    payload = epc_qr_payload(
        name=office.name, iban="FI2112345600000785", bic="DABAFIHH", cents=775000, rf_reference=rf
    )
    expected = segno.make(payload, error="m", micro=False, encoding="utf-8")
    (qr_image,) = PdfReader(io.BytesIO(render(invoice_id).content)).pages[0].images
    modules = qr_modules(qr_image.image, len(expected.matrix))
    assert modules == [[bool(bit) for bit in row] for row in expected.matrix]
