-- A "before" run on the bench database: drops the search indexes of migrations 0008 and 0009
-- and resets random_page_cost (bench/run.py --undo-fixes). migrate puts the indexes back.
DROP INDEX IF EXISTS party_name_upper_trgm;
DROP INDEX IF EXISTS invoice_number_upper_trgm;
DROP INDEX IF EXISTS invoice_street_upper_trgm;
DROP INDEX IF EXISTS invoiceparty_party_invoice;
DROP INDEX IF EXISTS invoiceparty_party_invoice_office;
DROP INDEX IF EXISTS invoice_type_office;
DROP INDEX IF EXISTS invoice_reason_office;
DROP INDEX IF EXISTS invoice_direction_office;
DROP INDEX IF EXISTS invoice_paid_office;
DROP INDEX IF EXISTS invoice_agent_office;
DROP INDEX IF EXISTS invoice_status_created;
DROP INDEX IF EXISTS invoice_status_desc_created;
DROP INDEX IF EXISTS invoice_number_desc_created;
DROP INDEX IF EXISTS invoice_created_id_office;
DROP INDEX IF EXISTS invoice_created_cover;
DROP INDEX IF EXISTS invoice_id_cover;
-- The product before these indexes still had Django's single-column ones, which migration 0012
-- dropped as redundant with them: a "before" gets them back.
CREATE INDEX IF NOT EXISTS invoices_invoice_agency_office_id_076cc6f4
    ON invoices_invoice (agency_office_id);
CREATE INDEX IF NOT EXISTS invoices_invoice_responsible_agent_id_e60312b9
    ON invoices_invoice (responsible_agent_id);
CREATE INDEX IF NOT EXISTS invoices_invoice_created_at_0664c4b6 ON invoices_invoice (created_at);
CREATE INDEX IF NOT EXISTS invoices_invoice_invoice_number_69d5c6a9
    ON invoices_invoice (invoice_number);
CREATE INDEX IF NOT EXISTS invoices_invoiceparty_invoice_id_91ddb1f9
    ON invoices_invoiceparty (invoice_id);
CREATE INDEX IF NOT EXISTS invoices_invoiceparty_party_id_f1c0f9e4
    ON invoices_invoiceparty (party_id);
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I RESET random_page_cost', current_database());
END $$;
