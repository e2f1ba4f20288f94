"""Invoice PDFs: the render context (what the PDF shows), its content hash, and rendering.

``pdf_context`` gathers everything the PDF shows into plain JSON-serialisable data; its SHA-256
(``content_hash``) tells whether a preview can be reused. ``render_pdf`` turns the context into
A4 PDF bytes with xhtml2pdf and an embedded DejaVu Sans (full Latin coverage, €, ₹). Amounts are
minor units throughout; formatting happens only here, at the edge.
"""

import base64
import hashlib
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

import segno
from django.template.loader import render_to_string
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import black
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf import default as xhtml2pdf_default
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy
from xhtml2pdf.context import pisaContext
from xhtml2pdf.document import _RENDER_LOCK
from xhtml2pdf.tags import pisaTagPDFBARCODE

from .choices import CostType, InvoiceType
from .models import Invoice
from .money import minor_unit_exponent, to_minor
from .payments import epc_qr_payload, format_iban, virtual_barcode
from .pdf_labels import LABELS, SLIP_LABELS
from .references import format_finnish, format_rf, is_valid_finnish_reference, rf_reference
from .services import invoice_totals

# Bump when the layout changes, so that previews of unchanged invoices are rendered anew.
LAYOUT_VERSION = 3
ASSETS = Path(__file__).resolve().parent / "pdf_assets"
FONTS = ASSETS / "fonts"
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class RenderError(Exception):
    """xhtml2pdf reported errors while rendering."""


# --- context ------------------------------------------------------------------------------------


def _minor(money, currency: str) -> int:
    return to_minor(Decimal(money.amount), currency)


def _party_block(party) -> dict:
    return {
        "name": party.name,
        "business_id": party.business_id,
        "vat_number": party.vat_number,
        "street": party.street_address,
        "postcode": party.postcode,
        "area": party.postal_area,
        "country": party.country_code,
        "email": party.email,
        "phone": party.phone,
    }


def pdf_context(invoice: Invoice, *, preview: bool) -> dict:
    """Everything the PDF shows, as plain data (the input of the content hash)."""
    office = invoice.agency_office
    currency = invoice.currency_code
    links = list(invoice.invoiced_parties.select_related("party").all())
    primary = next(
        (link.party for link in links if link.is_primary), links[0].party if links else None
    )
    language = primary.language if primary is not None else "fi"
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice, lines)

    printed_lines = []
    merged: dict[tuple, dict] = {}
    separate = office.non_commission_costs_separate_lines_to_pdf
    for line, amounts in zip(lines, totals.lines, strict=False):
        row = {
            "description": line.description or line.name or line.get_cost_type_code_display(),
            "quantity": _plain(line.quantity),
            "unit_amount": _minor(line.unit_amount, currency),
            "includes_vat": line.includes_vat,
            "vat_percentage": _plain(line.vat_percentage),
            "vat_excluded": int(amounts.vat_excluded),
            "vat": int(amounts.vat),
            "vat_included": int(amounts.vat_included),
            "reverse_charge": line.reverse_charge,
        }
        if separate or line.cost_type_code == CostType.COMMISSION:
            printed_lines.append(row)
            continue
        # Office setting: non-commission costs printed as one line per VAT rate.
        key = (row["vat_percentage"], row["reverse_charge"])
        if key not in merged:
            merged[key] = {
                **row,
                "description": None,
                "quantity": "1",
                "unit_amount": 0,
                "vat_excluded": 0,
                "vat": 0,
                "vat_included": 0,
            }
            printed_lines.append(merged[key])
        target = merged[key]
        for field in ("unit_amount", "vat_excluded", "vat", "vat_included"):
            target[field] += row[field]
    if len(totals.lines) > len(lines):  # the discount line
        discount = totals.lines[-1]
        printed_lines.append(
            {
                "description": invoice.discount_description or "DISCOUNT",
                "is_discount": True,
                "quantity": "1",
                "unit_amount": -_minor(invoice.discount_amount, currency),
                "includes_vat": invoice.discount_includes_vat,
                "vat_percentage": _plain(discount.vat_percentage),
                "vat_excluded": int(discount.vat_excluded),
                "vat": int(discount.vat),
                "vat_included": int(discount.vat_included),
                "reverse_charge": False,
            }
        )

    reference = invoice.reference_number or ""
    if reference.upper().startswith("RF"):
        rf = reference.upper()  # a migrated invoice may carry an RF reference of its own
    elif reference and is_valid_finnish_reference(reference):
        rf = rf_reference(reference)
    else:
        rf = ""
    accounts = [
        {"bank_name": a.bank_name, "iban": a.iban, "bic": a.bic, "holder": a.account_holder}
        for a in invoice.payment_accounts.all()
    ]
    agent = invoice.responsible_agent
    return {
        "layout": LAYOUT_VERSION,
        "preview": preview,
        "language": language if language in LABELS else "fi",
        "type": invoice.invoice_type_code,
        "currency": currency,
        "invoice_number": invoice.invoice_number or "",
        "reference": reference,
        "rf_reference": rf,
        "credited_invoice_number": (
            invoice.credited_invoice.invoice_number if invoice.credited_invoice_id else ""
        ),
        "credit_note_reason": invoice.credit_note_reason,
        "invoicing_date": _iso(invoice.invoicing_date),
        "issue_date": _iso(invoice.issue_date),
        "due_date": _iso(invoice.due_date),
        "payment_terms_code": invoice.payment_terms_code,
        "payment_terms_description": invoice.other_payment_terms_description,
        "late_payment_fee_percentage": (
            _plain(invoice.late_payment_fee_percentage)
            if invoice.late_payment_fee_percentage is not None
            else ""
        ),
        "notice_period": invoice.notice_period,
        "seller": {
            "name": office.name,
            "business_id": office.business_id,
            "vat_number": office.vat_number,
            "street": office.street_address,
            "postcode": office.postcode,
            "area": office.postal_area,
            "country": office.country_code,
            "email": office.email,
            "phone": office.phone,
        },
        "buyer": _party_block(primary) if primary else None,
        "other_parties": [link.party.name for link in links if link.party is not primary],
        "billing": {
            "recipient": invoice.billing_recipient,
            "street": invoice.billing_street_address,
            "postcode": invoice.billing_postcode,
            "area": invoice.billing_postal_area,
            "country": invoice.billing_country_code,
        },
        "responsible_agent": agent.get_full_name() or agent.username if agent else "",
        "lines": printed_lines,
        "breakdown": [
            {
                "vat_percentage": _plain(row.vat_percentage),
                "reverse_charge": row.reverse_charge,
                "vat_excluded": int(row.vat_excluded),
                "vat": int(row.vat),
            }
            for row in totals.vat_breakdown
        ],
        "totals": {
            "vat_excluded": int(totals.vat_excluded),
            "vat": int(totals.vat),
            "vat_included": int(totals.vat_included),
            "down_payment": int(totals.down_payment),
            "deduction": int(totals.deduction),
            "amount_due": int(totals.amount_due),
        },
        "accounts": accounts,
    }


def _plain(value: Decimal) -> str:
    """``Decimal('10.00')`` -> ``'10'``, ``Decimal('25.50')`` -> ``'25.5'`` (never ``'1E+1'``)."""
    return format(Decimal(value).normalize(), "f")


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def content_hash(context: dict) -> str:
    return hashlib.sha256(
        json.dumps(context, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


# --- formatting ---------------------------------------------------------------------------------


def format_amount(minor: int, currency: str, language: str) -> str:
    exponent = minor_unit_exponent(currency)
    value = Decimal(minor).scaleb(-exponent)
    text = f"{abs(value):,.{exponent}f}"
    if language in ("fi", "sv"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return f"-{text}" if value < 0 else text


def format_number(text: str, language: str) -> str:
    return text.replace(".", ",") if language in ("fi", "sv") else text


def format_date(iso: str, language: str) -> str:
    if not iso:
        return ""
    value = date.fromisoformat(iso)
    if language == "en":
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.day}.{value.month}.{value.year}"


# --- rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def _display(context: dict) -> dict:
    """The template's view: labels and every figure formatted for the payer's language."""
    lang = context["language"]
    labels = LABELS[lang]
    currency = context["currency"]

    def money(minor: int) -> str:
        return format_amount(minor, currency, lang)

    is_credit = context["type"] == InvoiceType.CREDIT_NOTE
    terms_code = context["payment_terms_code"]
    if context["payment_terms_description"]:
        terms = context["payment_terms_description"]
    elif terms_code == "IMMEDIATE":
        terms = labels["immediately"]
    elif terms_code.startswith("NET_"):
        terms = labels["net_days"].format(days=terms_code.removeprefix("NET_"))
    else:
        terms = ""
    lines = []
    for row in context["lines"]:
        description = row["description"]
        if row.get("is_discount"):
            description = labels["discount"] + (
                f": {description}" if description and description != "DISCOUNT" else ""
            )
        elif description is None:
            description = labels["other_costs"]
        lines.append(
            {
                "description": description,
                "quantity": format_number(row["quantity"], lang),
                "unit_amount": money(row["unit_amount"]),
                "unit_note": labels["incl_vat"] if row["includes_vat"] else "",
                "vat_percentage": format_number(row["vat_percentage"], lang),
                "vat_excluded": money(row["vat_excluded"]),
                "vat": money(row["vat"]),
                "vat_included": money(row["vat_included"]),
                "reverse_charge": row["reverse_charge"],
            }
        )
    totals = context["totals"]
    account = context["accounts"][0] if context["accounts"] else None
    due = date.fromisoformat(context["due_date"]) if context["due_date"] else None
    amount_due = totals["amount_due"]
    slip = None
    if account and not is_credit and context["reference"]:
        # The Finnish bank barcode is for euro payments only.
        barcode = (
            virtual_barcode(
                iban=account["iban"], cents=amount_due, reference=context["reference"], due=due
            )
            if currency == "EUR"
            else None
        )
        qr = epc_qr_payload(
            name=context["seller"]["name"],
            iban=account["iban"],
            bic=account["bic"],
            cents=amount_due,
            rf_reference=context["rf_reference"],
            currency=currency,
        )
        slip = {
            "iban": format_iban(account["iban"]),
            "bic": account["bic"],
            "other_accounts": [
                {"iban": format_iban(a["iban"]), "bic": a["bic"], "bank": a["bank_name"]}
                for a in context["accounts"][1:3]
            ],
            "recipient": context["seller"]["name"],
            "payer": [
                context["billing"]["recipient"],
                context["billing"]["street"],
                f"{context['billing']['postcode']} {context['billing']['area']}".strip(),
            ],
            "reference": _format_reference(context["reference"]),
            "due_date": format_date(context["due_date"], "fi"),
            "amount": format_amount(amount_due, currency, "fi") if amount_due > 0 else "",
            "barcode": barcode,
            "qr": _qr_data_uri(qr) if qr and amount_due > 0 else None,
        }
    return {
        "lang": lang,
        "L": labels,
        "S": SLIP_LABELS,
        "title": labels["credit_note"] if is_credit else labels["invoice"],
        "is_credit": is_credit,
        "preview": context["preview"],
        "currency": currency,
        "invoice_number": context["invoice_number"],
        "reference": _format_reference(context["reference"]),
        "rf_reference": format_rf(context["rf_reference"]) if context["rf_reference"] else "",
        "credited_invoice_number": context["credited_invoice_number"],
        "credit_note_reason": context["credit_note_reason"],
        "invoicing_date": format_date(context["invoicing_date"], lang),
        "issue_date": format_date(context["issue_date"], lang),
        "due_date": format_date(context["due_date"], lang),
        "terms": terms,
        "late_interest": (
            f"{format_number(context['late_payment_fee_percentage'], lang)} %"
            if context["late_payment_fee_percentage"]
            else labels["late_interest_statutory"]
        ),
        "notice_period": (
            labels["days"].format(days=context["notice_period"])
            if context["notice_period"] is not None
            else ""
        ),
        "seller": context["seller"],
        "buyer": context["buyer"],
        "other_parties": context["other_parties"],
        "billing": context["billing"],
        "responsible_agent": context["responsible_agent"],
        "lines": lines,
        "breakdown": [
            {
                "vat_percentage": format_number(row["vat_percentage"], lang),
                "reverse_charge": row["reverse_charge"],
                "vat_excluded": money(row["vat_excluded"]),
                "vat": money(row["vat"]),
            }
            for row in context["breakdown"]
        ],
        "has_reverse_charge": any(row["reverse_charge"] for row in context["breakdown"]),
        "totals": {key: money(value) for key, value in totals.items()},
        "less": {key: money(-totals[key]) for key in ("down_payment", "deduction")},
        "has_down_payment": totals["down_payment"] != 0,
        "has_deduction": totals["deduction"] != 0,
        "accounts": [
            {"iban": format_iban(a["iban"]), "bic": a["bic"], "bank": a["bank_name"]}
            for a in context["accounts"]
        ],
        "slip": slip,
        "watermark": _watermark(labels["preview"]) if context["preview"] else None,
    }


def _format_reference(reference: str) -> str:
    if not reference:
        return ""
    return format_rf(reference) if reference.upper().startswith("RF") else format_finnish(reference)


@lru_cache(maxsize=256)  # a preview and the final PDF of one invoice carry the same code
def _qr_data_uri(payload: str) -> str:
    # EPC069-12 declares UTF-8 (character set 1): encode so, or "ä" arrives garbled.
    return segno.make(payload, error="m", micro=False, encoding="utf-8").png_data_uri(
        scale=4, border=2
    )


#: A4 in points, and the watermark's pixels: A4 at 150 dpi.
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 595.2756, 841.8898
WATERMARK_PX = (1240, 1754)


@cache
def _watermark(text: str) -> dict:
    """A pale diagonal 'PREVIEW / ESIKATSELU' under the page content (made once per text).

    Drawn by the template as the first static frame of every page, so everything else paints
    over it. It used to be the @page background-image, an RGBA PNG which xhtml2pdf decodes,
    re-compresses into a PDF of its own and merges into every page with pypdf: ~80 ms per
    preview. Here it is the part of the page image that has ink (the rest is transparent),
    flattened onto the white paper and saved as a JPEG, which ReportLab embeds as it is.
    Position and size are those the full-page background had (the page's height / 1754 pt per
    pixel, from the top left corner).
    """
    from PIL import Image, ImageDraw, ImageFont

    width, height = WATERMARK_PX
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    font = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 150)
    layer = Image.new("RGBA", (width * 2, 400), (255, 255, 255, 0))
    draw = ImageDraw.Draw(layer)
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((width * 2 - (box[2] - box[0])) / 2, 100), text, font=font, fill=(200, 30, 30, 60))
    rotated = layer.rotate(55, expand=True)
    image.alpha_composite(
        rotated.crop(
            (
                (rotated.width - width) // 2,
                (rotated.height - height) // 2,
                (rotated.width - width) // 2 + width,
                (rotated.height - height) // 2 + height,
            )
        )
    )
    left, top, right, bottom = image.getchannel("A").getbbox() or (0, 0, 1, 1)
    inked = image.crop((left, top, right, bottom))
    paper = Image.new("RGBA", inked.size, (255, 255, 255, 255))
    buffer = io.BytesIO()
    Image.alpha_composite(paper, inked).convert("RGB").save(
        buffer, format="JPEG", quality=92, subsampling=0, optimize=True
    )
    scale = min(PAGE_WIDTH_PT / width, PAGE_HEIGHT_PT / height)  # as the background was fitted
    return {
        "src": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "left": f"{left * scale:.3f}pt",
        "top": f"{top * scale:.3f}pt",
        "width": f"{(right - left) * scale:.3f}pt",
        "height": f"{(bottom - top) * scale:.3f}pt",
        # xhtml2pdf shrinks an image to fit the room it is offered: give the frame some more
        "frame_width": f"{(right - left) * scale + 12:.3f}pt",
        "frame_height": f"{(bottom - top) * scale + 48:.3f}pt",
    }


_POLICY = ResourceAccessPolicy(allow_remote=False, base_dir=FONTS, extra_roots=[ASSETS])

#: The template's font-family; xhtml2pdf looks families up lower-cased.
FONT_FAMILY = "dejavu"


@cache
def _register_fonts() -> str:
    """Register DejaVu Sans with ReportLab once per process; return its regular face's name.

    Reading and parsing the two TTF files (and, through @font-face, hashing them on every
    render) is work that is the same for every document. The TTFont objects are safe to share
    between documents: ReportLab keeps each document's subset apart, and xhtml2pdf's render lock
    keeps documents of one process from being built at the same time. Celery prefork children
    inherit the registration or make their own on first use; nothing here holds a file open.
    """
    faces = {(0, 0): "DejaVuSans", (1, 0): "DejaVuSans-Bold"}
    files = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf"}
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in files.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    for bold in (0, 1):
        for italic in (0, 1):  # no italic face (the template sets no italics): upright ones
            addMapping("DejaVuSans", bold, italic, faces[(bold, 0)])
    return "DejaVuSans"


#: Parsed style sheets by their text: xhtml2pdf's default CSS and the template's fixed <style>.
_PARSED_CSS: dict[str, object] = {}
_PARSED_CSS_MAX = 16
_parse_css_source = pisaContext._parseCSSSource


def _parse_css_source_cached(self, text, source_name):
    """``pisaContext._parseCSSSource`` that parses a style sheet of plain rules once.

    A sheet with an at-rule (@page, @font-face, @import, @media) is parsed every time: parsing
    it acts on the document being built (page templates, fonts). A sheet of plain rules
    parses to selector -> declarations maps that the cascade only reads (merging sheets copies
    a declaration map before changing it), so one parse can serve every document. Used only
    inside ``_render_settings``, that is under xhtml2pdf's render lock.
    """
    if "@" in text:
        return _parse_css_source(self, text, source_name)
    parsed = _PARSED_CSS.get(text)
    if parsed is None:
        parsed = _parse_css_source(self, text, source_name)
        if len(_PARSED_CSS) >= _PARSED_CSS_MAX:
            _PARSED_CSS.clear()
        _PARSED_CSS[text] = parsed
    return parsed


_BarcodeWrapper = pisaTagPDFBARCODE._barcodeWrapper


class _Code128Wrapper(_BarcodeWrapper):
    """xhtml2pdf's <pdf:barcode> flowable, drawing a plain Code 128 as filled rectangles.

    xhtml2pdf builds a ReportLab Drawing of the barcode widget: about a hundred Rect shapes,
    built twice (once to measure) and rendered one by one through renderPDF, ~4 ms for the
    bank barcode. The Code128 class under that widget draws the very same bars (same quiet
    zones, positions and widths) straight onto the canvas. Anything else (another symbology,
    vertical or human-readable text) goes the library's way.
    """

    def __init__(self, codeName: str = "Code128", value: str = "", **kw) -> None:
        self._bars = None
        if codeName == "Code128" and not kw.get("vertical") and not kw.get("humanReadable"):
            bars = Code128(value=value, barWidth=kw["barWidth"], barHeight=kw["barHeight"])
            bars.validate()
            if bars.valid:
                self.vertical = 0
                self._bars = bars
                return
        super().__init__(codeName=codeName, value=value, **kw)

    def wrap(self, aW, aH):
        if self._bars is None:
            return super().wrap(aW, aH)
        return self._bars.width, self._bars.height

    def draw(self, canvas, xoffset: int = 0, **kw) -> None:
        if self._bars is None:
            super().draw(canvas, xoffset, **kw)
            return
        canvas.saveState()
        canvas.translate(xoffset, 0)
        canvas.setFillColor(black)
        self._bars.canv = canvas
        try:
            self._bars.draw()
        finally:
            del self._bars.canv
            canvas.restoreState()


@contextmanager
def _render_settings():
    """Process-wide switches for one invoice render, restored afterwards.

    Held under xhtml2pdf's own (re-entrant) render lock, which ``pisa.CreatePDF`` takes as well,
    so no other xhtml2pdf document in this process sees them:

    * the family ``dejavu`` is known to every new xhtml2pdf context, so the template needs no
      @font-face (which re-read and hashed both font files on every render);
    * streams are zlib-compressed without the ASCII85 layer (pure Python here, and 25 % larger
      files for nothing: a PDF is a binary file anyway);
    * style sheets without at-rules are parsed once per process (``_parse_css_source_cached``);
    * a Code 128 <pdf:barcode> is drawn directly (``_Code128Wrapper``).
    """
    with _RENDER_LOCK:
        font = _register_fonts()
        saved_a85 = rl_config.useA85
        had_family = FONT_FAMILY in xhtml2pdf_default.DEFAULT_FONT
        previous_family = xhtml2pdf_default.DEFAULT_FONT.get(FONT_FAMILY)
        rl_config.useA85 = 0
        xhtml2pdf_default.DEFAULT_FONT[FONT_FAMILY] = font
        pisaContext._parseCSSSource = _parse_css_source_cached
        pisaTagPDFBARCODE._barcodeWrapper = _Code128Wrapper
        try:
            yield
        finally:
            pisaTagPDFBARCODE._barcodeWrapper = _BarcodeWrapper
            pisaContext._parseCSSSource = _parse_css_source
            rl_config.useA85 = saved_a85
            if had_family:
                xhtml2pdf_default.DEFAULT_FONT[FONT_FAMILY] = previous_family
            else:
                del xhtml2pdf_default.DEFAULT_FONT[FONT_FAMILY]


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """xhtml2pdf with the product's settings (``_render_settings``: DejaVu Sans as the family
    ``dejavu``, registered once; local files only): the PDF and the number of errors."""
    output = io.BytesIO()
    with _render_settings():
        result = pisa.CreatePDF(html, dest=output, encoding="utf-8", resource_policy=_POLICY)
    return output.getvalue(), result.err


def render_pdf(context: dict) -> RenderedPdf:
    content, errors = html_to_pdf(render_to_string("invoices/pdf/invoice.html", _display(context)))
    if errors:
        raise RenderError(f"xhtml2pdf reported {errors} error(s)")
    pages = len(PdfReader(io.BytesIO(content)).pages)
    return RenderedPdf(content=content, pages=pages)
