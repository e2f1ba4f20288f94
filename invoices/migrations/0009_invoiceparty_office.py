"""The invoice's agency office copied onto its party links (``InvoiceParty.agency_office``), so
that a party-name search is scoped to the caller's offices from the links alone instead of
reading each matching invoice (docs/performance.md, "Round three").

The copy cannot go stale: the model sets it on ``save`` and ``bulk_create``, and on PostgreSQL
a trigger sets it from the invoice on every insert or update of a link (raw SQL included) and
another follows a change of an invoice's office. The party index gains the office, so that
the scoped match is read from the index alone."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION invoicing_invoiceparty_office() RETURNS trigger AS $$
BEGIN
  SELECT agency_office_id INTO NEW.agency_office_id FROM invoices_invoice
   WHERE id = NEW.invoice_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoiceparty_office
  BEFORE INSERT OR UPDATE ON invoices_invoiceparty
  FOR EACH ROW EXECUTE FUNCTION invoicing_invoiceparty_office();

CREATE OR REPLACE FUNCTION invoicing_invoice_office_to_parties() RETURNS trigger AS $$
BEGIN
  UPDATE invoices_invoiceparty SET agency_office_id = NEW.agency_office_id
   WHERE invoice_id = NEW.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoice_office_to_parties
  AFTER UPDATE OF agency_office_id ON invoices_invoice
  FOR EACH ROW WHEN (OLD.agency_office_id IS DISTINCT FROM NEW.agency_office_id)
  EXECUTE FUNCTION invoicing_invoice_office_to_parties();

CREATE INDEX IF NOT EXISTS invoiceparty_party_invoice_office
    ON invoices_invoiceparty (party_id, invoice_id) INCLUDE (agency_office_id);
DROP INDEX IF EXISTS invoiceparty_party_invoice;
"""

BACKWARD = """
CREATE INDEX IF NOT EXISTS invoiceparty_party_invoice
    ON invoices_invoiceparty (party_id, invoice_id);
DROP INDEX IF EXISTS invoiceparty_party_invoice_office;
DROP TRIGGER IF EXISTS invoicing_invoice_office_to_parties ON invoices_invoice;
DROP FUNCTION IF EXISTS invoicing_invoice_office_to_parties();
DROP TRIGGER IF EXISTS invoicing_invoiceparty_office ON invoices_invoiceparty;
DROP FUNCTION IF EXISTS invoicing_invoiceparty_office();
"""


def copy_offices(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE invoices_invoiceparty link SET agency_office_id = i.agency_office_id "
                "FROM invoices_invoice i WHERE i.id = link.invoice_id"
            )
        return
    InvoiceParty = apps.get_model("invoices", "InvoiceParty")
    Invoice = apps.get_model("invoices", "Invoice")
    InvoiceParty.objects.update(
        agency_office_id=models.Subquery(
            Invoice.objects.filter(pk=models.OuterRef("invoice_id")).values("agency_office_id")
        )
    )


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
        ("invoices", "0008_search_indexes"),
        ("offices", "0002_idempotency"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoiceparty",
            name="agency_office",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="offices.agencyoffice",
            ),
        ),
        migrations.RunPython(copy_offices, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invoiceparty",
            name="agency_office",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="offices.agencyoffice",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
