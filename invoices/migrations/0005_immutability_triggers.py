"""PostgreSQL triggers under the ORM: approved invoices and their lines are immutable, and the
audit trail is append-only. (The model layer has the same guards; these also stop raw SQL and
``QuerySet._update``.) Other databases rely on the model-layer guards only."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION invoicing_invoice_immutable() RETURNS trigger AS $$
DECLARE
  bookkeeping text[] := ARRAY['status_code', 'is_paid', 'paid_date', 'invoice_document_id',
                              'preview_invoice_document_id', 'modified_at'];
BEGIN
  IF OLD.status_code IN ('APPROVED', 'CREDITED') THEN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION 'invoice % is % and can never be deleted', OLD.id, OLD.status_code
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status_code <> OLD.status_code
       AND NOT (OLD.status_code = 'APPROVED' AND NEW.status_code = 'CREDITED') THEN
      RAISE EXCEPTION 'invoice % is %; its status cannot become %', OLD.id, OLD.status_code,
        NEW.status_code USING ERRCODE = 'check_violation';
    END IF;
    IF (to_jsonb(NEW) - bookkeeping) IS DISTINCT FROM (to_jsonb(OLD) - bookkeeping) THEN
      RAISE EXCEPTION 'invoice % is % and its content cannot change', OLD.id, OLD.status_code
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoice_immutable
  BEFORE UPDATE OR DELETE ON invoices_invoice
  FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_immutable();

CREATE OR REPLACE FUNCTION invoicing_line_immutable() RETURNS trigger AS $$
DECLARE
  parent_status text;
BEGIN
  SELECT status_code INTO parent_status FROM invoices_invoice
   WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
  IF parent_status IN ('APPROVED', 'CREDITED') THEN
    RAISE EXCEPTION 'the lines of an approved invoice cannot change'
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_line_immutable
  BEFORE INSERT OR UPDATE OR DELETE ON invoices_invoiceline
  FOR EACH ROW EXECUTE FUNCTION invoicing_line_immutable();

CREATE OR REPLACE FUNCTION invoicing_event_append_only() RETURNS trigger AS $$
BEGIN
  -- Only the events of a never-numbered draft may go, with the draft itself.
  IF TG_OP = 'DELETE' AND EXISTS (
       SELECT 1 FROM invoices_invoice
        WHERE id = OLD.invoice_id AND invoice_number IS NULL AND status_code = 'DRAFT') THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_event_append_only
  BEFORE UPDATE OR DELETE ON invoices_invoiceevent
  FOR EACH ROW EXECUTE FUNCTION invoicing_event_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS invoicing_event_append_only ON invoices_invoiceevent;
DROP FUNCTION IF EXISTS invoicing_event_append_only();
DROP TRIGGER IF EXISTS invoicing_line_immutable ON invoices_invoiceline;
DROP FUNCTION IF EXISTS invoicing_line_immutable();
DROP TRIGGER IF EXISTS invoicing_invoice_immutable ON invoices_invoice;
DROP FUNCTION IF EXISTS invoicing_invoice_immutable();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)  # no parameters: the '%' placeholders are PL/pgSQL's


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0004_documents")]

    operations = [migrations.RunPython(forward, backward)]
