"""Double-entry journal entries of approved invoices, and their CSV export.

An approved sales invoice is one entry: **debit** accounts receivable with the VAT-included
total, **credit** each line's revenue account (its ``account_code``; the default revenue
account when it has none) with the line's VAT-excluded amount, and **credit** VAT payable with
the VAT. All figures are the tax module's per-line figures, and the totals are their sums, so
the entry always balances; ``journal_entry_post`` checks it anyway before saving. Negative
amounts (a discount line) go to the other side. Posting is idempotent: one entry per invoice.

The receivable, VAT payable and default revenue accounts are the first ``GlAccount`` of their
kind (by code); a chart without one gets the standard account created (1300000 Accounts
receivable, 1700000 VAT payable, 7000000 Sales).
"""

import csv
from collections import defaultdict
from decimal import Decimal
from uuid import UUID

from django.db import transaction

from invoices.choices import Direction, InvoiceStatus
from invoices.locks import lock_invoice
from invoices.money import to_major, to_minor
from invoices.services import invoice_totals
from invoicing_project.errors import InvalidState
from offices.models import Agent

from .choices import GlAccountKind
from .models import GlAccount, JournalEntry, JournalLine

STANDARD_ACCOUNTS = {
    GlAccountKind.RECEIVABLE: ("compat-receivable", "1300000", "Accounts receivable"),
    GlAccountKind.VAT_PAYABLE: ("compat-vat-payable", "1700000", "VAT payable"),
    GlAccountKind.REVENUE: ("compat-sales", "7000000", "Sales"),
}
CSV_COLUMNS = (
    "entry_id",
    "entry_date",
    "office",
    "invoice_id",
    "invoice_number",
    "line",
    "account_code",
    "account_title",
    "description",
    "debit",
    "credit",
    "currency",
)


class UnbalancedEntry(AssertionError):
    """Debits and credits differ: a bug, never input (the figures are sums of lines)."""


def system_account(kind: str) -> GlAccount:
    account = GlAccount.objects.filter(kind=kind).order_by("code").first()
    if account is not None:
        return account
    account_id, code, title = STANDARD_ACCOUNTS[kind]
    account, _ = GlAccount.objects.get_or_create(
        code=code, defaults={"account_id": account_id, "title": title, "kind": kind}
    )
    return account


def _side(amount: Decimal) -> tuple[Decimal, Decimal]:
    """``(debit, credit)`` of a signed amount (positive: debit)."""
    return (amount, Decimal(0)) if amount >= 0 else (Decimal(0), -amount)


@transaction.atomic
def journal_entry_post(*, invoice_id: UUID, actor: Agent | None) -> JournalEntry:
    """The journal entry of an APPROVED sales invoice (the existing one if posted already)."""
    invoice = lock_invoice(invoice_id)
    existing = JournalEntry.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    if invoice.status_code != InvoiceStatus.APPROVED:
        raise InvalidState(
            f"Only an APPROVED invoice is posted; this one is {invoice.status_code}."
        )
    if invoice.direction != Direction.SALES:
        raise InvalidState("Only sales invoices are posted to the ledger.")
    lines = list(invoice.lines.all())
    totals = invoice_totals(invoice, lines)
    currency = invoice.currency_code
    revenue_default = system_account(GlAccountKind.REVENUE)
    by_code = {
        a.code: a for a in GlAccount.objects.filter(code__in={ln.account_code for ln in lines})
    }
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    accounts: dict[int, GlAccount] = {}
    for index, amounts in enumerate(totals.lines):
        line = lines[index] if index < len(lines) else None  # past the lines: the discount
        account = by_code.get(line.account_code, revenue_default) if line else revenue_default
        accounts[account.pk] = account
        revenue[account.pk] += amounts.vat_excluded
    label = f"Invoice {invoice.invoice_number}"
    postings = [(system_account(GlAccountKind.RECEIVABLE), totals.vat_included, label)]
    postings += [(accounts[pk], -amount, f"{label} revenue") for pk, amount in revenue.items()]
    if totals.vat:
        postings.append((system_account(GlAccountKind.VAT_PAYABLE), -totals.vat, f"{label} VAT"))
    rows = []
    for position, (account, amount, description) in enumerate(p for p in postings if p[1] != 0):
        debit, credit = _side(amount)
        rows.append(
            JournalLine(
                position=position,
                account=account,
                description=description,
                debit=to_major(debit, currency),
                credit=to_major(credit, currency),
            )
        )
    if sum(r.debit for r in rows) != sum(r.credit for r in rows):
        raise UnbalancedEntry(f"The entry of invoice {invoice.pk} does not balance")
    entry = JournalEntry.objects.create(
        office_id=invoice.agency_office_id,
        invoice=invoice,
        entry_date=invoice.approved_date or invoice.issue_date,
        description=label,
        currency_code=currency,
        created_by=actor,
    )
    for row in rows:
        row.entry = entry
    JournalLine.objects.bulk_create(rows)
    return entry


def write_csv(out, entries) -> None:
    """One CSV row per journal line of *entries* (a queryset), oldest entry first."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    lines = (
        JournalLine.objects.filter(entry__in=entries)
        .select_related("entry__office", "entry__invoice", "account")
        .order_by("entry__entry_date", "entry__created_at", "entry_id", "position")
    )
    for line in lines:
        entry = line.entry
        writer.writerow(
            (
                entry.id,
                entry.entry_date.isoformat(),
                entry.office.name,
                entry.invoice_id,
                entry.invoice.invoice_number or "",
                line.position,
                line.account.code,
                line.account.title,
                line.description,
                _amount(line.debit, entry.currency_code),
                _amount(line.credit, entry.currency_code),
                entry.currency_code,
            )
        )


def _amount(value: Decimal, currency: str) -> str:
    return str(to_major(to_minor(value, currency), currency))
