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
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I RESET random_page_cost', current_database());
END $$;
