"""PostgreSQL only: the indexes of ``issue_date``, ``due_date`` and ``modified_at`` also carry the
office and the creation time (``INCLUDE``), under the same names, so that a date range of the
search (``issueDate...``, ``dueDate...``, ``modifiedAfter``) is scoped to the caller's offices,
counted and sorted by the default order from the index alone (docs/performance.md, "Round
three"). The model's indexes are unchanged for Django (SQLite has no ``INCLUDE``)."""

from django.db import migrations

COLUMNS = {
    "invoice_issue_date": "issue_date",
    "invoice_due_date": "due_date",
    "invoices_invoice_modified_at_3e1facf8": "modified_at",
}


def _rebuild(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, column in COLUMNS.items():
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute(f"CREATE INDEX {name} ON invoices_invoice ({column}){include}")


def forward(apps, schema_editor):
    _rebuild(schema_editor, " INCLUDE (agency_office_id, created_at, id)")


def backward(apps, schema_editor):
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("invoices", "0009_invoiceparty_office")]

    operations = [migrations.RunPython(forward, backward)]
