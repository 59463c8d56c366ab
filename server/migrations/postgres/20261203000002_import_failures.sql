-- Why an import ended without committing its rows when its rows were not
-- the cause: 'infrastructure' (its background job stopped on a fault of the
-- server or the database, after its tries) or 'abandoned' (rows staged but
-- never queued, dropped after a day); with a message for the user, in the
-- import's language.
ALTER TABLE imports ADD COLUMN failure TEXT CHECK (failure IN ('infrastructure', 'abandoned'));
ALTER TABLE imports ADD COLUMN failure_message TEXT;

-- The rows each batch carried: what an import sends is counted against the
-- rows it announced.
ALTER TABLE import_batches ADD COLUMN row_count BIGINT NOT NULL DEFAULT 0;
