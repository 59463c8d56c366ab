-- A background import's job is made with its first staged batch and
-- commits the batches as they arrive; the page seals it when every batch
-- is staged (queue_import), and only a sealed job ends the import. Jobs
-- made before were queued sealed.
ALTER TABLE import_jobs ADD COLUMN sealed INTEGER NOT NULL DEFAULT 1;
