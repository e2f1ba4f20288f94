"""Drop the single-column indexes that a wider index already leads with (docs/performance.md,
round four): on the invoice, its office, responsible agent, creation time and number (and the
number's ``varchar_pattern_ops`` twin on PostgreSQL, which no query used); on the audit events,
the documents and the reminders, the invoice; on the party links, the invoice and the party.
Every index costs every insert and the bench seed's rebuild. Django's state says
``db_index=False``; the database is changed by name (``invoicing_project.migration_indexes``
says why not by ``AlterField``). ``tests/test_migrations.py`` keeps it so.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from invoicing_project.migration_indexes import drop_indexes

INDEXES = {
    "invoices_invoice_agency_office_id_076cc6f4": ("invoices_invoice", "agency_office_id", ""),
    "invoices_invoice_responsible_agent_id_e60312b9": (
        "invoices_invoice",
        "responsible_agent_id",
        "",
    ),
    "invoices_invoice_created_at_0664c4b6": ("invoices_invoice", "created_at", ""),
    "invoices_invoice_invoice_number_69d5c6a9": ("invoices_invoice", "invoice_number", ""),
    "invoices_invoice_invoice_number_69d5c6a9_like": (
        "invoices_invoice",
        "invoice_number",
        "varchar_pattern_ops",
    ),
    "invoices_invoiceevent_invoice_id_8ec0ccf3": ("invoices_invoiceevent", "invoice_id", ""),
    "invoices_invoiceparty_invoice_id_91ddb1f9": ("invoices_invoiceparty", "invoice_id", ""),
    "invoices_invoiceparty_party_id_f1c0f9e4": ("invoices_invoiceparty", "party_id", ""),
    "invoices_document_invoice_id_df61dbff": ("invoices_document", "invoice_id", ""),
    "invoices_reminder_invoice_id_6e1fbf85": ("invoices_reminder", "invoice_id", ""),
}


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0011_invoicing_method_choices"),
        ("offices", "0002_idempotency"),
        ("parties", "0002_compat_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop_indexes(INDEXES)],
            state_operations=[
                migrations.AlterField(
                    model_name="invoice",
                    name="agency_office",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="offices.agencyoffice",
                    ),
                ),
                migrations.AlterField(
                    model_name="invoice",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True),
                ),
                migrations.AlterField(
                    model_name="invoice",
                    name="invoice_number",
                    field=models.CharField(blank=True, max_length=100, null=True),
                ),
                migrations.AlterField(
                    model_name="invoice",
                    name="responsible_agent",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="invoiceevent",
                    name="invoice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="invoices.invoice",
                    ),
                ),
                migrations.AlterField(
                    model_name="invoiceparty",
                    name="invoice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invoiced_parties",
                        to="invoices.invoice",
                    ),
                ),
                migrations.AlterField(
                    model_name="invoiceparty",
                    name="party",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoice_links",
                        to="parties.party",
                    ),
                ),
                migrations.AlterField(
                    model_name="document",
                    name="invoice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="invoices.invoice",
                    ),
                ),
                migrations.AlterField(
                    model_name="reminder",
                    name="invoice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reminders",
                        to="invoices.invoice",
                    ),
                ),
            ],
        )
    ]
