"""``InvoiceParty.agency_office`` is a copy of its invoice's office (migration 0009: a party search
is scoped to the caller's offices from the links alone). It must equal the invoice's office
after every write path: create, update (the links are replaced), credit notes, the model's
``save`` and ``bulk_create``, and on PostgreSQL also raw SQL and a change of the invoice's
office (triggers)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from invoices.models import Invoice, InvoiceParty
from invoices.services import CostData, InvoiceData, invoice_update

from ..factories import PartyFactory
from ..test_api_errors import fast_password_hashing  # noqa: F401
from .lifecycle_helpers import (
    create_invoice,
    credit_then_approve,
    make_invoice_in_state,
    service_draft,
)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"
)


def stale_links() -> list:
    return list(
        InvoiceParty.objects.exclude(agency_office_id=F("invoice__agency_office_id")).values_list(
            "id", "agency_office_id", "invoice__agency_office_id"
        )
    )


def test_api_create_copies_the_office(api, seed_body, office):
    invoice_id = create_invoice(api, seed_body)
    links = InvoiceParty.objects.filter(invoice_id=invoice_id)
    assert links.exists()
    assert {link.agency_office_id for link in links} == {office.id}
    assert stale_links() == []


def test_update_replaces_the_links_with_the_office(clerk, office, party):
    invoice = service_draft(clerk, office, party)
    second = PartyFactory(office=office)
    data = InvoiceData(
        agency_office_id=office.id,
        invoicing_reason_code="OTHER",
        invoicing_method_code="EMAIL",
        party_ids=[second.id, party.id],
        primary_party_id=second.id,
        costs=[
            CostData(
                amount=5000,
                vat_percentage=Decimal("25.5"),
                includes_vat=True,
                cost_type_code="COMMISSION",
                included_in_commission=True,
            )
        ],
    )
    invoice_update(actor=clerk, invoice_id=invoice.id, data=data)
    assert InvoiceParty.objects.filter(invoice=invoice).count() == 2
    assert stale_links() == []


def test_credit_note_links_carry_the_office(api_for, approver, seed_body, office):
    api = api_for(approver)
    invoice_id = make_invoice_in_state(api, seed_body, "APPROVED")
    credit_note_id = credit_then_approve(api, invoice_id)
    assert InvoiceParty.objects.filter(invoice_id=credit_note_id).exists()
    assert set(
        InvoiceParty.objects.filter(invoice_id=credit_note_id).values_list(
            "agency_office_id", flat=True
        )
    ) == {office.id}
    assert stale_links() == []


def test_save_and_bulk_create_take_the_invoices_office(clerk, office, other_office, party):
    invoice = service_draft(clerk, office, party)
    extra = PartyFactory(office=office)
    link = InvoiceParty(invoice=invoice, party=extra, position=1)
    link.agency_office_id = other_office.id  # a wrong value is overwritten
    link.save()
    assert InvoiceParty.objects.get(pk=link.pk).agency_office_id == office.id

    InvoiceParty.objects.filter(pk=link.pk).delete()
    wrong = InvoiceParty(invoice=invoice, party=extra, position=1)
    wrong.agency_office_id = other_office.id
    InvoiceParty.objects.bulk_create([wrong])
    assert stale_links() == []


@postgresql_only
def test_raw_sql_cannot_store_another_office(clerk, office, other_office, party):
    invoice = service_draft(clerk, office, party)
    extra = PartyFactory(office=office)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO invoices_invoiceparty "
            "(invoice_id, party_id, agency_office_id, is_primary, position) "
            "VALUES (%s, %s, %s, false, 1)",
            [invoice.id, extra.id, other_office.id],
        )
        cursor.execute(
            "UPDATE invoices_invoiceparty SET agency_office_id = %s WHERE invoice_id = %s",
            [other_office.id, invoice.id],
        )
    assert InvoiceParty.objects.filter(invoice=invoice).count() == 2
    assert stale_links() == []


@postgresql_only
def test_an_invoices_office_change_moves_its_links(clerk, office, other_office, party):
    """No write path moves an invoice (the API refuses, the admin shows the office read-only);
    should one ever do so, the links follow."""
    invoice = service_draft(clerk, office, party)
    Invoice.objects.filter(pk=invoice.pk).update(agency_office_id=other_office.id)
    assert InvoiceParty.objects.get(invoice=invoice).agency_office_id == other_office.id
    assert stale_links() == []
