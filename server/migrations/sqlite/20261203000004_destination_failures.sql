-- An import may also stop because its destination (a host's webhook
-- receiver) refused the rows or stayed unreachable: 'destination'. SQLite
-- cannot change a CHECK constraint, so the column is rebuilt under its name.
ALTER TABLE imports ADD COLUMN failure_cause TEXT CHECK (failure_cause IN ('infrastructure', 'abandoned', 'destination'));
UPDATE imports SET failure_cause = failure;
ALTER TABLE imports DROP COLUMN failure;
ALTER TABLE imports RENAME COLUMN failure_cause TO failure;
