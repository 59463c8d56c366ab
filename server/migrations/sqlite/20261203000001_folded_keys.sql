-- Record keys compared ignoring case (a client's or lead's email, a
-- company's name) are folded once, in Rust (`csv_import_core::fold_key`),
-- into key_folded, which is what imports look records up by and what the
-- unique index holds. SQL's lower() is not that rule (SQLite folds ASCII
-- only), so the indexes on lower() go. Rows from before this migration get
-- their key_folded at start-up (`records::fill_folded_keys`); the partial
-- indexes find them at once, and are empty after that.
ALTER TABLE clients ADD COLUMN key_folded TEXT;
ALTER TABLE leads ADD COLUMN key_folded TEXT;
ALTER TABLE companies ADD COLUMN key_folded TEXT;

DROP INDEX clients_workspace_email;
DROP INDEX leads_workspace_email;
DROP INDEX companies_workspace_name;

CREATE UNIQUE INDEX clients_workspace_key ON clients (workspace_id, key_folded);
CREATE UNIQUE INDEX leads_workspace_key ON leads (workspace_id, key_folded);
CREATE UNIQUE INDEX companies_workspace_key ON companies (workspace_id, key_folded);

CREATE INDEX clients_unfolded ON clients (id) WHERE key_folded IS NULL AND email IS NOT NULL;
CREATE INDEX leads_unfolded ON leads (id) WHERE key_folded IS NULL AND email IS NOT NULL;
CREATE INDEX companies_unfolded ON companies (id) WHERE key_folded IS NULL AND name IS NOT NULL;
