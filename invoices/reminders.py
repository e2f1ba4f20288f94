"""Payment reminders of overdue invoices, with late-payment interest.

The daily task (``invoices.send_payment_reminders``, Celery beat) calls
``reminders_create_due``: every APPROVED sales invoice that is unpaid, not being credited, and
``notice period`` days past its due date gets reminder 1; every ``INVOICING_REMINDER_INTERVAL_DAYS``
after that the next one, up to ``INVOICING_MAX_REMINDERS``. A reminder is one row per invoice
and period (a unique constraint), so the task may run any number of times a day. Each new
reminder is sent by ``invoices.send_reminder``: a reminder PDF (a ``Document`` of kind
``REMINDER``) by e-mail to the primary party, or queued for printing when it has no e-mail.

Interest (Finnish Interest Act, korkolaki): the agreed rate of the invoice's terms
(``latePaymentFeePercentage``), else the statutory rate: the reference rate of the half-year
+ 8 points between businesses (``INVOICING_STATUTORY_INTEREST_RATE``), + 7 points for
consumers (``INVOICING_STATUTORY_INTEREST_RATE_CONSUMER``). It is simple interest on the amount
due for the actual days from the due date to the reminder date, on a 365-day year, rounded
half-up to the minor unit: ``round(amount x rate / 100 x days / 365)``.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from offices.models import Agent
from parties.choices import PartyType

from .choices import Direction, DocumentStatus, InvoiceStatus, InvoiceType
from .models import (
    DeliveryChannel,
    DeliveryStatus,
    Document,
    Invoice,
    Reminder,
    document_path,
)
from .money import round_minor, to_minor
from .payments import format_iban, virtual_barcode
from .pdf import format_amount, format_date, html_to_pdf
from .references import format_finnish
from .selectors import invoice_get

AGREED = "AGREED"
STATUTORY = "STATUTORY"
REMINDER_DOCUMENT_KIND = "REMINDER"
DAYS_IN_YEAR = Decimal(365)
LANGUAGES = ("fi", "sv", "en")


class PermanentReminderError(Exception):
    """Retrying cannot help (the reminder PDF cannot be rendered)."""


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- the arithmetic (pure) ----------------------------------------------------------------------


def late_interest(principal: int, rate: Decimal, days: int) -> int:
    """Simple interest in minor units: ``principal x rate % x days / 365``, half-up."""
    if principal <= 0 or days <= 0:
        return 0
    return int(round_minor(Decimal(principal) * Decimal(rate) / 100 * days / DAYS_IN_YEAR))


def reminder_period(
    due_date: date, today: date, *, notice_days: int, interval_days: int, max_reminders: int
) -> int:
    """The reminder number due on *today* (0: none yet). Reminder 1 falls due ``notice_days``
    after the due date (and never before the day after it), the next ones every
    ``interval_days``; after ``max_reminders`` the number stays at the last one."""
    overdue = (today - due_date).days
    first = max(notice_days, 1)
    if overdue < first:
        return 0
    return min((overdue - first) // max(interval_days, 1) + 1, max_reminders)


def period_start(due_date: date, period: int, *, notice_days: int, interval_days: int) -> date:
    return due_date + timedelta(days=max(notice_days, 1) + (period - 1) * interval_days)


@dataclass(frozen=True)
class InterestTerms:
    rate: Decimal
    basis: str  # AGREED or STATUTORY


def interest_terms(invoice: Invoice, *, consumer: bool) -> InterestTerms:
    """The agreed rate of the invoice's terms, else the statutory one (B2B or consumer)."""
    if invoice.late_payment_fee_percentage is not None:
        return InterestTerms(Decimal(invoice.late_payment_fee_percentage), AGREED)
    rate = (
        settings.INVOICING_STATUTORY_INTEREST_RATE_CONSUMER
        if consumer
        else settings.INVOICING_STATUTORY_INTEREST_RATE
    )
    return InterestTerms(Decimal(str(rate)), STATUTORY)


# --- finding and creating -----------------------------------------------------------------------


def reminder_candidates(today: date):
    """Approved sales invoices past their due date with money due, unpaid and not credited
    (nor being credited: a credit note in progress stops reminders)."""
    crediting = Q(
        credit_notes__status_code__in=[
            InvoiceStatus.DRAFT,
            InvoiceStatus.READY_FOR_APPROVAL,
            InvoiceStatus.APPROVED,
        ]
    )
    return (
        Invoice.objects.filter(
            status_code=InvoiceStatus.APPROVED,
            invoice_type_code=InvoiceType.INVOICE,
            direction=Direction.SALES,
            is_paid=False,
            due_date__lt=today,
            amount_due__gt=0,
        )
        .exclude(crediting)
        .select_related("agency_office")
        .prefetch_related("invoiced_parties__party", "reminders")
        .order_by("due_date", "id")
    )


def _primary_party(invoice: Invoice):
    links = list(invoice.invoiced_parties.all())
    link = next((p for p in links if p.is_primary), links[0] if links else None)
    return link.party if link is not None else None


def _new_reminder(invoice: Invoice, period: int, today: date) -> Reminder:
    notice = invoice.notice_period if invoice.notice_period is not None else 8
    interval = _setting("INVOICING_REMINDER_INTERVAL_DAYS", 14)
    party = _primary_party(invoice)
    consumer = party is not None and party.party_type == PartyType.PERSON
    terms = interest_terms(invoice, consumer=consumer)
    currency = invoice.currency_code
    principal = to_minor(invoice.amount_due.amount, currency)
    days = (today - invoice.due_date).days
    interest = late_interest(principal, terms.rate, days)
    fee = int(_setting("INVOICING_REMINDER_FEE", 0))
    email = party.email if party is not None else ""
    return Reminder(
        invoice=invoice,
        period=period,
        period_start=period_start(
            invoice.due_date, period, notice_days=notice, interval_days=interval
        ),
        reminder_date=today,
        days_overdue=days,
        interest_rate=terms.rate,
        interest_rate_basis=terms.basis,
        currency=currency,
        principal=principal,
        interest=interest,
        fee=fee,
        total=principal + interest + fee,
        new_due_date=today + timedelta(days=_setting("INVOICING_REMINDER_PAYMENT_DAYS", 14)),
        channel=DeliveryChannel.EMAIL if email else DeliveryChannel.PAPER,
        recipient=email,
    )


def reminders_create_due(*, today: date | None = None) -> list[Reminder]:
    """Create the reminders due on *today* (default: the local date) and enqueue their sending
    on commit. One per invoice and period: what exists already is skipped."""
    today = today or timezone.localdate()
    interval = _setting("INVOICING_REMINDER_INTERVAL_DAYS", 14)
    max_reminders = _setting("INVOICING_MAX_REMINDERS", 3)
    created: list[Reminder] = []
    for invoice in reminder_candidates(today):
        notice = invoice.notice_period if invoice.notice_period is not None else 8
        period = reminder_period(
            invoice.due_date,
            today,
            notice_days=notice,
            interval_days=interval,
            max_reminders=max_reminders,
        )
        if period == 0 or any(r.period >= period for r in invoice.reminders.all()):
            continue
        try:
            with transaction.atomic():
                reminder = _new_reminder(invoice, period, today)
                reminder.save()
                reminder_id = str(reminder.id)
                transaction.on_commit(lambda rid=reminder_id: _enqueue(rid), robust=True)
        except IntegrityError:
            continue  # a concurrent run made it
        created.append(reminder)
    return created


def _enqueue(reminder_id: str) -> None:
    from .delivery_tasks import send_reminder

    send_reminder.delay(reminder_id)


# --- the reminder PDF ---------------------------------------------------------------------------

LABELS = {
    "fi": {
        "title": "Maksumuistutus",
        "intro": "Kirjanpitomme mukaan alla oleva lasku on vielä maksamatta. Pyydämme "
        "maksamaan sen viivästyskorkoineen viimeistään uutena eräpäivänä. Jos lasku on jo "
        "maksettu, tämä muistutus on aiheeton.",
        "reminder": "Muistutus",
        "invoice_number": "Laskun numero",
        "invoicing_date": "Laskun päivämäärä",
        "due_date": "Alkuperäinen eräpäivä",
        "days_overdue": "Päiviä myöhässä",
        "principal": "Avoin määrä",
        "interest": "Viivästyskorko {rate} % ({days} pv)",
        "statutory": "korkolain mukainen",
        "fee": "Muistutusmaksu",
        "total": "Maksettava yhteensä",
        "new_due_date": "Uusi eräpäivä",
        "reference": "Viitenumero",
        "account": "Tilinumero",
        "barcode": "Virtuaaliviivakoodi",
    },
    "sv": {
        "title": "Betalningspåminnelse",
        "intro": "Enligt vår bokföring är fakturan nedan fortfarande obetald. Vi ber er betala "
        "den med dröjsmålsränta senast på den nya förfallodagen. Om fakturan redan är betald "
        "kan ni bortse från denna påminnelse.",
        "reminder": "Påminnelse",
        "invoice_number": "Fakturanummer",
        "invoicing_date": "Fakturadatum",
        "due_date": "Ursprunglig förfallodag",
        "days_overdue": "Dagar försenad",
        "principal": "Obetalt belopp",
        "interest": "Dröjsmålsränta {rate} % ({days} dagar)",
        "statutory": "enligt räntelagen",
        "fee": "Påminnelseavgift",
        "total": "Att betala totalt",
        "new_due_date": "Ny förfallodag",
        "reference": "Referensnummer",
        "account": "Kontonummer",
        "barcode": "Virtuell streckkod",
    },
    "en": {
        "title": "Payment reminder",
        "intro": "According to our records the invoice below is still unpaid. Please pay it "
        "with the late-payment interest by the new due date. If you have already paid it, "
        "please disregard this reminder.",
        "reminder": "Reminder",
        "invoice_number": "Invoice number",
        "invoicing_date": "Invoice date",
        "due_date": "Original due date",
        "days_overdue": "Days overdue",
        "principal": "Amount outstanding",
        "interest": "Late-payment interest {rate} % ({days} days)",
        "statutory": "statutory rate",
        "fee": "Reminder fee",
        "total": "Total to pay",
        "new_due_date": "New due date",
        "reference": "Reference number",
        "account": "Account",
        "barcode": "Virtual barcode",
    },
}


def _language(invoice: Invoice) -> str:
    party = _primary_party(invoice)
    language = party.language if party is not None else "fi"
    return language if language in LANGUAGES else "fi"


def reminder_context(reminder: Reminder, invoice: Invoice) -> dict:
    """What the reminder PDF and e-mail show, formatted for the payer's language."""
    lang = _language(invoice)
    labels = LABELS[lang]
    currency = reminder.currency
    office = invoice.agency_office
    account = invoice.payment_accounts.first()
    reference = invoice.reference_number or ""
    rate = format(Decimal(reminder.interest_rate).normalize(), "f")
    if lang in ("fi", "sv"):
        rate = rate.replace(".", ",")
    barcode = None
    if account is not None and reference and currency == "EUR":
        barcode = virtual_barcode(
            iban=account.iban, cents=reminder.total, reference=reference, due=reminder.new_due_date
        )
    return {
        "lang": lang,
        "L": labels,
        "period": reminder.period,
        "seller": office,
        "billing": {
            "recipient": invoice.billing_recipient,
            "street": invoice.billing_street_address,
            "postcode": invoice.billing_postcode,
            "area": invoice.billing_postal_area,
        },
        "invoice_number": invoice.invoice_number,
        "reminder_date": format_date(reminder.reminder_date.isoformat(), lang),
        "invoicing_date": format_date(
            invoice.invoicing_date.isoformat() if invoice.invoicing_date else "", lang
        ),
        "due_date": format_date(invoice.due_date.isoformat(), lang),
        "new_due_date": format_date(reminder.new_due_date.isoformat(), lang),
        "days_overdue": reminder.days_overdue,
        "interest_label": labels["interest"].format(rate=rate, days=reminder.days_overdue)
        + (f", {labels['statutory']}" if reminder.interest_rate_basis == STATUTORY else ""),
        "principal": format_amount(reminder.principal, currency, lang),
        "interest": format_amount(reminder.interest, currency, lang),
        "fee": format_amount(reminder.fee, currency, lang) if reminder.fee else "",
        "total": format_amount(reminder.total, currency, lang),
        "currency": currency,
        "reference": format_finnish(reference) if reference else "",
        "iban": format_iban(account.iban) if account else "",
        "bic": account.bic if account else "",
        "barcode": barcode,
    }


def render_reminder_pdf(context: dict) -> bytes:
    content, errors = html_to_pdf(render_to_string("invoices/pdf/reminder.html", context))
    if errors:
        raise PermanentReminderError(f"xhtml2pdf reported {errors} error(s)")
    return content


def _reminder_document(reminder: Reminder, invoice: Invoice, context: dict) -> Document:
    """The reminder's PDF as a READY ``Document`` (made once; a re-run reuses it)."""
    if reminder.document_id is not None:
        return reminder.document
    content = render_reminder_pdf(context)
    fingerprint = hashlib.sha256(
        json.dumps({k: str(v) for k, v in context.items() if k != "L"}, sort_keys=True).encode()
    ).hexdigest()
    document = Document(
        invoice=invoice,
        kind=REMINDER_DOCUMENT_KIND,
        content_hash=fingerprint,
        filename=f"payment-reminder-{invoice.invoice_number}-{reminder.period}.pdf",
        status=DocumentStatus.READY,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=1,
        attempts=1,
        rendered_at=timezone.now(),
    )
    name = document_path(document, document.filename)
    if default_storage.exists(name):
        default_storage.delete(name)
    document.file.name = default_storage.save(name, ContentFile(content))
    document.save()
    Reminder.objects.filter(pk=reminder.pk).update(document=document)
    reminder.document = document
    return document


def reminder_send(*, reminder_id: UUID | str) -> Reminder:
    """Render and send one reminder (the task's body). Idempotent: only a PENDING reminder
    is sent; the row lock makes a concurrent duplicate wait and then see it SENT."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
            if reminder.status != DeliveryStatus.PENDING:
                return reminder
            invoice = (
                Invoice.objects.select_related("agency_office")
                .prefetch_related("invoiced_parties__party")
                .get(pk=reminder.invoice_id)
            )
            context = reminder_context(reminder, invoice)
            document = _reminder_document(reminder, invoice, context)
            if reminder.channel == DeliveryChannel.EMAIL:
                _email(reminder, invoice, document, context)
                reminder.status = DeliveryStatus.SENT
                reminder.sent_at = timezone.now()
            else:
                reminder.status = DeliveryStatus.PRINT_QUEUED
            reminder.attempts += 1
            reminder.error = ""
            reminder.save()
            return reminder
    except Reminder.DoesNotExist:
        raise
    except Exception as exc:
        Reminder.objects.filter(pk=reminder_id, status=DeliveryStatus.PENDING).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def _email(reminder: Reminder, invoice: Invoice, document: Document, context: dict) -> None:
    lang = context["lang"]
    subject = render_to_string(f"invoices/email/{lang}/reminder_subject.txt", context)
    body = render_to_string(f"invoices/email/{lang}/reminder_body.txt", context)
    with default_storage.open(document.file.name, "rb") as handle:
        pdf = handle.read()
    office = invoice.agency_office
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient],
        reply_to=[office.email] if office.email else None,
        attachments=[(document.filename, pdf, "application/pdf")],
    ).send()


def reminder_mark_failed(*, reminder_id: UUID | str, reason: str) -> None:
    Reminder.objects.filter(pk=reminder_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, error=reason[:2000]
    )


def reminders_list(*, agent: Agent, invoice_id: UUID) -> list[Reminder]:
    invoice = invoice_get(agent=agent, invoice_id=invoice_id)  # office walls (404)
    return list(invoice.reminders.order_by("period"))
