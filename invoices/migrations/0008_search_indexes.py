"""Indexes for the invoice search at a million invoices (measured in bench/, see
docs/performance.md). PostgreSQL only: trigram indexes (pg_trgm) for the ``icontains`` of
freeTextSearch and partyName, covering indexes for the filters, sorts and deep pages."""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS party_name_upper_trgm
    ON parties_party USING gin (upper(name::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS invoice_number_upper_trgm
    ON invoices_invoice USING gin (upper(invoice_number::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS invoice_street_upper_trgm
    ON invoices_invoice USING gin (upper(billing_street_address::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS invoiceparty_party_invoice
    ON invoices_invoiceparty (party_id, invoice_id);
CREATE INDEX IF NOT EXISTS invoice_id_cover
    ON invoices_invoice (id) INCLUDE (agency_office_id, created_at);
CREATE INDEX IF NOT EXISTS invoice_type_office
    ON invoices_invoice (invoice_type_code, agency_office_id);
CREATE INDEX IF NOT EXISTS invoice_reason_office
    ON invoices_invoice (invoicing_reason_code, agency_office_id);
CREATE INDEX IF NOT EXISTS invoice_direction_office
    ON invoices_invoice (direction, agency_office_id);
CREATE INDEX IF NOT EXISTS invoice_paid_office
    ON invoices_invoice (is_paid, agency_office_id);
CREATE INDEX IF NOT EXISTS invoice_agent_office
    ON invoices_invoice (responsible_agent_id, agency_office_id);
CREATE INDEX IF NOT EXISTS invoice_status_created
    ON invoices_invoice (status_code, created_at DESC, id);
CREATE INDEX IF NOT EXISTS invoice_status_desc_created
    ON invoices_invoice (status_code DESC, created_at DESC, id);
CREATE INDEX IF NOT EXISTS invoice_number_desc_created
    ON invoices_invoice (invoice_number, created_at, id DESC);
CREATE INDEX IF NOT EXISTS invoice_created_cover
    ON invoices_invoice (created_at DESC, id)
    INCLUDE (agency_office_id, status_code, issue_date, due_date);
"""

BACKWARD = """
DROP INDEX IF EXISTS invoice_created_cover;
DROP INDEX IF EXISTS invoice_number_desc_created;
DROP INDEX IF EXISTS invoice_status_desc_created;
DROP INDEX IF EXISTS invoice_status_created;
DROP INDEX IF EXISTS invoice_agent_office;
DROP INDEX IF EXISTS invoice_paid_office;
DROP INDEX IF EXISTS invoice_direction_office;
DROP INDEX IF EXISTS invoice_reason_office;
DROP INDEX IF EXISTS invoice_type_office;
DROP INDEX IF EXISTS invoice_id_cover;
DROP INDEX IF EXISTS invoiceparty_party_invoice;
DROP INDEX IF EXISTS invoice_street_upper_trgm;
DROP INDEX IF EXISTS invoice_number_upper_trgm;
DROP INDEX IF EXISTS party_name_upper_trgm;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0007_delivery_reminder"),
        ("parties", "0002_compat_fields"),
    ]

    operations = [migrations.RunPython(forward, backward)]
