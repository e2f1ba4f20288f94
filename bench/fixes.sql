-- The search indexes this bench proposed are in the product now:
-- invoices/migrations/0008_search_indexes.py (applied by migrate). What stays here is the one
-- deployment setting the measurements needed (docs/performance.md, docs/deploy.md): with the
-- data in memory or on SSD a random page costs about as much as a sequential one, and with the
-- default 4 the planner read whole tables instead of following those indexes.
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END $$;

ANALYZE invoices_invoice;
ANALYZE parties_party;
