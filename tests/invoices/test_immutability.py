"""An approved invoice cannot change: not through the API, not through the ORM, and on
PostgreSQL not even through raw SQL (a trigger). The audit trail is append-only likewise."""

import pytest
from django.db import IntegrityError, connection, models, transaction
from djmoney.money import Money

from invoices.lifecycle import invoice_action
from invoices.models import ImmutableInvoice, Invoice, InvoiceEvent, InvoiceLine
from invoices.services import CostData, InvoiceData, invoice_create

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


@pytest.fixture
def approved(office, party, clerk, approver, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invoice = invoice_create(
        actor=clerk,
        data=InvoiceData(
            agency_office_id=office.id,
            invoicing_reason_code="OTHER",
            party_ids=[party.id],
            costs=[CostData(amount=10000, vat_percentage=25.5, includes_vat=True)],
        ),
    )
    invoice_action(actor=clerk, invoice_id=invoice.id, action="LOCK")
    invoice_action(actor=approver, invoice_id=invoice.id, action="APPROVE")
    return Invoice.objects.get(pk=invoice.id)


def test_saving_a_changed_approved_invoice_raises(approved):
    approved.billing_recipient = "Someone else"
    with pytest.raises(ImmutableInvoice):
        approved.save()


def test_changing_the_total_of_an_approved_invoice_raises(approved):
    approved.total_vat_included = Money("1.00", "EUR")
    with pytest.raises(ImmutableInvoice):
        approved.save()


def test_queryset_update_of_approved_content_raises(approved):
    with pytest.raises(ImmutableInvoice):
        Invoice.objects.filter(pk=approved.pk).update(invoice_number="X-1")
    with pytest.raises(ImmutableInvoice):
        Invoice.objects.filter(pk=approved.pk).update(status_code="DRAFT")


def test_bookkeeping_fields_of_an_approved_invoice_may_change(approved):
    Invoice.objects.filter(pk=approved.pk).update(is_paid=True)
    approved.refresh_from_db()
    approved.paid_date = approved.issue_date
    approved.save()
    assert Invoice.objects.get(pk=approved.pk).is_paid


def test_deleting_an_approved_invoice_raises(approved):
    with pytest.raises(ImmutableInvoice):
        approved.delete()
    with pytest.raises(ImmutableInvoice):
        Invoice.objects.filter(pk=approved.pk).delete()


@postgres_only
def test_trigger_stops_raw_sql_changes_to_an_approved_invoice(approved):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoice SET billing_recipient = 'x' WHERE id = %s", [approved.pk]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        # The base QuerySet.update, past the model-layer guard: the trigger still refuses.
        models.QuerySet.update(Invoice.objects.filter(pk=approved.pk), billing_recipient="x")


@postgres_only
def test_trigger_allows_marking_paid_and_crediting(approved):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoice SET is_paid = true, paid_date = issue_date WHERE id = %s",
            [approved.pk],
        )
        cursor.execute(
            "UPDATE invoices_invoice SET status_code = 'CREDITED' WHERE id = %s", [approved.pk]
        )
    assert Invoice.objects.get(pk=approved.pk).status_code == "CREDITED"


@postgres_only
def test_trigger_stops_changes_to_the_lines_of_an_approved_invoice(approved):
    line = InvoiceLine.objects.filter(invoice=approved).first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoiceline SET vat_percentage = 0 WHERE id = %s", [line.pk]
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM invoices_invoiceline WHERE id = %s", [line.pk])


@postgres_only
def test_trigger_keeps_the_audit_trail_append_only(approved):
    event = InvoiceEvent.objects.filter(invoice=approved).first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE invoices_invoiceevent SET agent_id = NULL WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM invoices_invoiceevent WHERE id = %s", [event.pk])


def test_orm_keeps_the_audit_trail_append_only(approved):
    event = InvoiceEvent.objects.filter(invoice=approved).first()
    with pytest.raises(TypeError):
        InvoiceEvent.objects.filter(pk=event.pk).update(request_id="x")
    with pytest.raises(TypeError):
        event.save()
