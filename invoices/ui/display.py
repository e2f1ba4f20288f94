"""How the clerk UI shows things: money in the reader's language, and translated code labels.

Amounts are minor units (``int``) everywhere in the UI code, as in the API; they become text
only here, when a template prints an ``Amount``: ``1 234,56 €`` in Finnish, ``€1,234.56`` in
English. The model choices carry English labels only, so the UI keeps its own translated ones.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from offices.choices import PaymentTermsCode, Role
from parties.choices import PartyType

from ..choices import (
    ActionType,
    CostType,
    DocumentStatus,
    InvoiceStatus,
    InvoiceType,
    InvoicingMethod,
    InvoicingReason,
)
from ..money import minor_unit_exponent, to_minor

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "INR": "₹"}
NBSP = "\u00a0"


def _comma_language(language: str | None) -> bool:
    return (language or "en")[:2] in ("fi", "sv")


def format_number(minor: int, currency: str, language: str | None = None, grouping=True) -> str:
    """``123456`` EUR -> ``1 234,56`` (fi) or ``1,234.56`` (en); no currency sign."""
    language = language or get_language()
    exponent = minor_unit_exponent(currency)
    value = Decimal(int(minor)).scaleb(-exponent)
    text = f"{abs(value):{',' if grouping else ''}.{exponent}f}"
    if _comma_language(language):
        text = text.replace(",", NBSP).replace(".", ",")
    return f"-{text}" if value < 0 else text


def format_money(minor: int, currency: str = "EUR", language: str | None = None) -> str:
    language = language or get_language()
    number = format_number(minor, currency, language)
    symbol = SYMBOLS.get(currency)
    if _comma_language(language):
        return f"{number}{NBSP}{symbol or currency}"
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency}{NBSP}{digits}"


def format_percentage(value: Decimal | None, language: str | None = None) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    if _comma_language(language or get_language()):
        text = text.replace(".", ",")
    return f"{text}{NBSP}%"


@dataclass(frozen=True)
class Amount:
    """Minor units that print themselves in the active language (``{{ amount }}``)."""

    minor: int
    currency: str = "EUR"

    def __str__(self) -> str:
        return format_money(self.minor, self.currency)

    @property
    def is_negative(self) -> bool:
        return self.minor < 0


def money_amount(money, currency: str) -> Amount:
    """A django-money value (or ``None``) -> ``Amount``."""
    if money is None:
        return Amount(0, currency)
    return Amount(to_minor(Decimal(money.amount), currency), currency)


def totals_display(totals, currency: str) -> dict:
    """``invoices.tax.Totals`` as printable ``Amount``s (the totals box and the detail page)."""
    return {
        "vat_excluded": Amount(int(totals.vat_excluded), currency),
        "vat": Amount(int(totals.vat), currency),
        "vat_included": Amount(int(totals.vat_included), currency),
        "down_payment": Amount(int(totals.down_payment), currency),
        "deduction": Amount(int(totals.deduction), currency),
        "amount_due": Amount(int(totals.amount_due), currency),
        "breakdown": [
            {
                "rate": format_percentage(row.vat_percentage),
                "reverse_charge": row.reverse_charge,
                "vat_excluded": Amount(int(row.vat_excluded), currency),
                "vat": Amount(int(row.vat), currency),
            }
            for row in totals.vat_breakdown
        ],
    }


def amount_input(minor: int | None, currency: str = "EUR", language: str | None = None) -> str:
    """The value an amount input shows: no grouping, the language's decimal separator."""
    if minor is None:
        return ""
    return format_number(minor, currency, language, grouping=False)


def percentage_input(value: Decimal | None, language: str | None = None) -> str:
    """``Decimal("24.00")`` -> ``24`` (en) / ``25,5`` (fi) for a percentage input."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",") if _comma_language(language or get_language()) else text


def parse_decimal(text: str) -> Decimal:
    """Euros or percentages as people type them: ``1 234,56``, ``1234.56``, ``1,234.56``.

    The last comma or dot is the decimal separator; spaces and the other separator group
    thousands. Raises ``ValueError`` for anything else.
    """
    cleaned = (text or "").strip().replace(NBSP, "").replace(" ", "").replace("\u202f", "")
    cleaned = cleaned.replace("€", "").replace("%", "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if not cleaned:
        raise ValueError("empty")
    last = max(cleaned.rfind(","), cleaned.rfind("."))
    if last >= 0:
        whole, fraction = cleaned[:last], cleaned[last + 1 :]
        whole = whole.replace(",", "").replace(".", "")
        cleaned = f"{whole}.{fraction}"
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


# --- translated labels of the codes -----------------------------------------------------------

STATUS_LABELS = {
    InvoiceStatus.DRAFT: _("Draft"),
    InvoiceStatus.READY_FOR_APPROVAL: _("Ready for approval"),
    InvoiceStatus.APPROVED: _("Approved"),
    InvoiceStatus.REJECTED: _("Rejected"),
    InvoiceStatus.CREDITED: _("Credited"),
}
TYPE_LABELS = {InvoiceType.INVOICE: _("Invoice"), InvoiceType.CREDIT_NOTE: _("Credit note")}
REASON_LABELS = {
    InvoicingReason.ASSIGNMENT: _("Assignment"),
    InvoicingReason.CLEARING_SALE: _("Clearing (sale)"),
    InvoicingReason.CLEARING_RENTAL: _("Clearing (rental)"),
    InvoicingReason.OFFER_DOWN_PAYMENT: _("Offer down payment"),
    InvoicingReason.ASSIGNMENT_INITIAL_FEE: _("Assignment initial fee"),
    InvoicingReason.REALTY: _("Realty"),
    InvoicingReason.DOCUMENT_MANAGEMENT: _("Document management"),
    InvoicingReason.OTHER: _("Other"),
}
COST_TYPE_LABELS = {
    CostType.COMMISSION: _("Commission"),
    CostType.DOCUMENT_MANAGEMENT: _("Document management"),
    CostType.MARKETING: _("Marketing"),
    CostType.VALUATION: _("Valuation"),
    CostType.INSPECTION: _("Inspection"),
    CostType.TRAVEL: _("Travel"),
    CostType.MATERIALS: _("Materials"),
    CostType.LABOUR: _("Labour"),
    CostType.GOODS: _("Goods"),
    CostType.OTHER: _("Other"),
}
ACTION_LABELS = {
    ActionType.LOCK: _("Lock for approval"),
    ActionType.UNLOCK: _("Unlock"),
    ActionType.APPROVE: _("Approve"),
    ActionType.REJECT: _("Reject"),
    ActionType.MARK_AS_PAID: _("Mark as paid"),
    ActionType.MARK_AS_UNPAID: _("Mark as unpaid"),
    ActionType.CREATE: _("Created"),
    ActionType.CREDIT: _("Credited by a credit note"),
    ActionType.FINAL_STATUS_OVERRIDE: _("Final status set (migration)"),
}
# The audit trail reads as past events.
EVENT_LABELS = {
    ActionType.LOCK: _("Locked"),
    ActionType.UNLOCK: _("Unlocked"),
    ActionType.APPROVE: _("Approved"),
    ActionType.REJECT: _("Rejected"),
    ActionType.MARK_AS_PAID: _("Marked as paid"),
    ActionType.MARK_AS_UNPAID: _("Marked as unpaid"),
    ActionType.CREATE: _("Created"),
    ActionType.CREDIT: _("Credited by a credit note"),
    ActionType.FINAL_STATUS_OVERRIDE: _("Final status set (migration)"),
}
METHOD_LABELS = {
    InvoicingMethod.EINVOICING: _("E-invoice"),
    InvoicingMethod.EMAIL: _("E-mail"),
    InvoicingMethod.PAPER: _("Paper"),
}
TERMS_LABELS = {
    PaymentTermsCode.IMMEDIATE: _("Due immediately"),
    PaymentTermsCode.NET_7: _("7 days net"),
    PaymentTermsCode.NET_14: _("14 days net"),
    PaymentTermsCode.NET_21: _("21 days net"),
    PaymentTermsCode.NET_30: _("30 days net"),
    PaymentTermsCode.NET_45: _("45 days net"),
    PaymentTermsCode.NET_60: _("60 days net"),
    PaymentTermsCode.OTHER: _("Other (see description)"),
}
PARTY_TYPE_LABELS = {PartyType.PERSON: _("Person"), PartyType.ORGANISATION: _("Organisation")}
ROLE_LABELS = {
    Role.CLERK: _("Clerk"),
    Role.APPROVER: _("Approver"),
    Role.ADMIN: _("Office admin"),
    Role.MIGRATION: _("Migration"),
}
DOCUMENT_STATUS_LABELS = {
    DocumentStatus.PENDING: _("Rendering"),
    DocumentStatus.READY: _("Ready"),
    DocumentStatus.FAILED: _("Failed"),
}

# Lock blockers (``lifecycle.lock_blockers`` targets) in the reader's language.
BLOCKER_LABELS = {
    "assignmentId": _("The invoicing reason needs an assignment id."),
    "tradeSettlementId": _("The invoicing reason needs a trade settlement id."),
    "rentalSettlementId": _("The invoicing reason needs a rental settlement id."),
    "realtyId": _("The invoicing reason needs a realty id."),
    "invoice.costs": _("Add at least one cost line."),
    "invoice.invoicedParties": _("Choose the invoiced party."),
    "invoice.invoicedParties.primaryId": _("Choose the primary party."),
    "invoice.invoicingDate": _("Set the invoicing date."),
    "invoice.issueDate": _("Set the issue date."),
    "invoice.dueDate": _("Set the due date."),
    "invoice.paymentAccounts": _("Money is due but the invoice has no payment account."),
    "invoice.terms.invoicing.invoicingMethodCode": _("Choose how the invoice is sent."),
    "invoice.terms.invoicing.eInvoicing": _(
        "E-invoicing needs an e-invoicing address and an operator id."
    ),
    "invoice.billingAddress": _("A paper invoice needs a full billing address."),
}


def choices(labels: dict) -> list[tuple[str, str]]:
    return [(str(code), label) for code, label in labels.items()]


def label(labels: dict, code: str) -> str:
    return str(labels.get(code, code or ""))


def agent_name(agent) -> str:
    if agent is None:
        return str(_("System"))
    return agent.get_full_name() or agent.username
