-- The sizes of an import's staged batches without their rows: the checks
-- of a batch against what its import announced sum them for every batch,
-- and the table's rows keep the count after the batch's JSON, which SQLite
-- reads through to get to it (the whole staged file again for each batch).
CREATE INDEX import_staged_counts ON import_staged (import_id, seq, row_count);
