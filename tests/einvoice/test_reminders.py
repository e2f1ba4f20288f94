"""Payment reminders: the daily task with frozen time, the interest rule with its figures, one
reminder per period, and none for paid or credited invoices."""

import io
from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from invoices import lifecycle
from invoices.delivery_tasks import send_payment_reminders
from invoices.models import Document, Reminder
from invoices.reminders import late_interest, reminder_period
from tests.conftest import Api

from .conftest import approve, cost, credit, draft, seed_like

DUE = date(2026, 1, 16)


def overdue_invoice(clerk, approver, office, party, **fields):
    """The seed's figures (amount due 7750.00 EUR), due 16.1.2026, notice period 8 days."""
    values = seed_like(
        invoicing_method_code="EMAIL",
        e_invoicing_address="",
        e_invoicing_operator_id="",
        e_invoicing_operator_name="",
        invoicing_date=date(2026, 1, 2),
        issue_date=date(2026, 1, 2),
        due_date=DUE,
    )
    values.update(fields)
    return approve(clerk, approver, draft(clerk, office, party, **values))


@pytest.fixture
def run_daily(django_capture_on_commit_callbacks):
    def run(day: str) -> int:
        with freeze_time(day), django_capture_on_commit_callbacks(execute=True):
            return send_payment_reminders.delay().get()

    return run


# --- the arithmetic -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "rate", "days", "expected"),
    [
        # 7750.00 EUR x 16 % x 8 / 365 = 27.178... -> 27.18
        (775000, "16", 8, 2718),
        # 7750.00 EUR x 16 % x 22 / 365 = 74.739... -> 74.74
        (775000, "16", 22, 7474),
        # 100.00 EUR x 10.5 % x 30 / 365 = 0.863... -> 0.86 (statutory, B2B, 1.1.-30.6.2026)
        (10000, "10.5", 30, 86),
        # exactly half a cent rounds up: 3.65 EUR x 10 % x 5 / 365 = 0.005 -> 0.01
        (365, "10", 5, 1),
        (365, "10", 4, 0),  # 0.004 -> 0.00
        (10000, "16", 0, 0),  # not overdue
        (0, "16", 30, 0),
    ],
)
def test_interest_is_amount_times_rate_times_actual_days_over_365_rounded_half_up(
    principal, rate, days, expected
):
    assert late_interest(principal, Decimal(rate), days) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 16), 0),  # the due date itself
        (date(2026, 1, 23), 0),  # 7 days overdue, inside the 8-day notice period
        (date(2026, 1, 24), 1),  # due date + notice period
        (date(2026, 2, 6), 1),
        (date(2026, 2, 7), 2),  # + 14 days
        (date(2026, 2, 21), 3),
        (date(2026, 6, 1), 3),  # at most 3
    ],
)
def test_reminder_periods_are_anchored_on_the_due_date(today, expected):
    assert reminder_period(DUE, today, notice_days=8, interval_days=14, max_reminders=3) == expected


# --- the daily task -----------------------------------------------------------------------------


def test_no_reminder_before_due_date_plus_notice_period(
    run_daily, clerk, approver, office, company, mailoutbox
):
    overdue_invoice(clerk, approver, office, company)
    assert run_daily("2026-01-16 09:00") == 0
    assert run_daily("2026-01-23 09:00") == 0
    assert Reminder.objects.count() == 0
    assert mailoutbox == []


def test_first_reminder_with_agreed_interest_pdf_and_email(
    run_daily, clerk, approver, office, company, mailoutbox
):
    invoice = overdue_invoice(clerk, approver, office, company)
    assert run_daily("2026-01-24 09:00") == 1
    reminder = Reminder.objects.get(invoice=invoice)
    assert reminder.period == 1
    assert reminder.period_start == date(2026, 1, 24)
    assert reminder.reminder_date == date(2026, 1, 24)
    assert reminder.days_overdue == 8
    assert (reminder.interest_rate, reminder.interest_rate_basis) == (Decimal("16"), "AGREED")
    assert reminder.principal == 775000
    assert reminder.interest == 2718  # 7750.00 x 16 % x 8 / 365 = 27.18
    assert reminder.total == 775000 + 2718
    assert reminder.new_due_date == date(2026, 2, 7)
    assert reminder.status == "SENT"
    document = Document.objects.get(pk=reminder.document_id)
    assert (document.kind, document.status) == ("REMINDER", "READY")
    (message,) = mailoutbox
    assert message.to == ["laskut@asiakas.example"]
    assert message.subject.startswith("Maksumuistutus")
    assert "27,18" in message.body
    assert "7\u00a0777,18" in message.body  # the total, Finnish formatting
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (
        f"payment-reminder-{invoice.invoice_number}-1.pdf",
        "application/pdf",
    )
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert invoice.invoice_number in text
    assert "27,18" in text and "7 777,18" in text.replace("\u00a0", " ")


def test_statutory_rate_when_none_is_agreed_b2b_and_consumer(
    run_daily, clerk, approver, office, company, party
):
    business = overdue_invoice(clerk, approver, office, company, late_payment_fee_percentage=None)
    consumer = overdue_invoice(clerk, approver, office, party, late_payment_fee_percentage=None)
    run_daily("2026-01-24 09:00")
    b2b = Reminder.objects.get(invoice=business)
    person = Reminder.objects.get(invoice=consumer)
    assert (b2b.interest_rate, b2b.interest_rate_basis) == (Decimal("10.5"), "STATUTORY")
    assert b2b.interest == 1784  # 7750.00 x 10.5 % x 8 / 365 = 17.835... -> 17.84
    assert (person.interest_rate, person.interest_rate_basis) == (Decimal("9.5"), "STATUTORY")
    assert person.interest == 1614  # 7750.00 x 9.5 % x 8 / 365 = 16.137... -> 16.14


def test_running_the_daily_task_twice_a_day_sends_one_reminder(
    run_daily, clerk, approver, office, company, mailoutbox
):
    overdue_invoice(clerk, approver, office, company)
    assert run_daily("2026-01-24 07:00") == 1
    assert run_daily("2026-01-24 19:00") == 0
    assert run_daily("2026-01-30 07:00") == 0  # still the same period
    assert Reminder.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_later_period_sends_the_next_reminder(
    run_daily, clerk, approver, office, company, mailoutbox
):
    invoice = overdue_invoice(clerk, approver, office, company)
    run_daily("2026-01-24 09:00")
    assert run_daily("2026-02-07 09:00") == 1
    first, second = Reminder.objects.filter(invoice=invoice).order_by("period")
    assert (first.period, second.period) == (1, 2)
    assert second.days_overdue == 22
    assert second.interest == 7474  # 7750.00 x 16 % x 22 / 365 = 74.74
    assert len(mailoutbox) == 2


def test_paid_credited_and_being_credited_invoices_get_no_reminder(
    run_daily, clerk, approver, office, company, mailoutbox
):
    paid = overdue_invoice(clerk, approver, office, company)
    lifecycle.invoice_action(actor=approver, invoice_id=paid.id, action="MARK_AS_PAID")
    credited = overdue_invoice(clerk, approver, office, company)
    credit(clerk, approver, credited)
    crediting = overdue_invoice(clerk, approver, office, company)
    lifecycle.credit_note_create(
        actor=clerk,
        invoice_id=crediting.id,
        invoicing_date=date(2026, 1, 20),
        issue_date=date(2026, 1, 20),
        due_date=date(2026, 1, 20),
        reason="Being credited",
    )
    assert run_daily("2026-01-24 09:00") == 0
    assert Reminder.objects.count() == 0
    assert mailoutbox == []


def test_party_without_email_gets_a_reminder_queued_for_printing(
    run_daily, clerk, approver, office, mailoutbox
):
    from ..factories import PartyFactory

    paper = PartyFactory(office=office, name="Paperi Oy", email="")
    invoice = overdue_invoice(clerk, approver, office, paper, invoicing_method_code="PAPER")
    run_daily("2026-01-24 09:00")
    reminder = Reminder.objects.get(invoice=invoice)
    assert (reminder.channel, reminder.status) == ("PAPER", "PRINT_QUEUED")
    assert reminder.document_id is not None
    assert mailoutbox == []


def test_reminders_are_listed_on_the_invoice(run_daily, clerk, approver, office, company):
    invoice = overdue_invoice(clerk, approver, office, company)
    run_daily("2026-01-24 09:00")
    response = Api(clerk).get(f"/api/v1/invoices/{invoice.id}/reminders")
    assert response.status_code == 200
    (item,) = response.json()["reminders"]
    assert item["period"] == 1
    assert item["daysOverdue"] == 8
    assert item["interestRate"] == 16
    assert item["interestRateBasis"] == "AGREED"
    assert (item["principal"], item["interest"], item["total"]) == (775000, 2718, 777718)
    assert item["statusCode"] == "SENT"
    document = Api(clerk).get(f"/api/v1/documents/{item['documentId']}")
    assert document.status_code == 200
    assert document.json()["statusCode"] == "READY"


def test_drafts_get_no_reminder(run_daily, clerk, office, company):
    draft(clerk, office, company, [cost(1000)], due_date=DUE, issue_date=date(2026, 1, 1))
    assert run_daily("2026-03-01 09:00") == 0
