"""Helpers for the clerk UI tests: drafts and approved invoices made through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices.lifecycle import invoice_action
from invoices.services import CostData, InvoiceData, invoice_create

VAT = Decimal("25.5")


def make_draft(agent, office, party, *, amount=10000, includes_vat=True, **fields):
    """A draft with one cost line (minor units) for *party*, created as *agent*."""
    costs = fields.pop("costs", None)
    if costs is None:
        costs = [CostData(amount=amount, vat_percentage=VAT, includes_vat=includes_vat)]
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code=fields.pop("invoicing_reason_code", "OTHER"),
        party_ids=[party.id],
        costs=costs,
        **fields,
    )
    return invoice_create(actor=agent, data=data)


def make_approved(
    approver, office, party, *, issue: date | None = None, due: date | None = None, **fields
):
    """A draft taken through LOCK and APPROVE by *approver* (who may do both)."""
    issue = issue or timezone.localdate()
    invoice = make_draft(approver, office, party, issue_date=issue, due_date=due or issue, **fields)
    invoice_action(actor=approver, invoice_id=invoice.id, action="LOCK")
    return invoice_action(actor=approver, invoice_id=invoice.id, action="APPROVE")


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def logged_in(client):
    """``logged_in(agent)`` -> the test client with *agent*'s session."""

    def login(agent):
        client.force_login(agent)
        return client

    return login
