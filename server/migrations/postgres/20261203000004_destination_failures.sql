-- An import may also stop because its destination (a host's webhook
-- receiver) refused the rows or stayed unreachable: 'destination'.
ALTER TABLE imports DROP CONSTRAINT IF EXISTS imports_failure_check;
ALTER TABLE imports ADD CONSTRAINT imports_failure_check CHECK (failure IN ('infrastructure', 'abandoned', 'destination'));
