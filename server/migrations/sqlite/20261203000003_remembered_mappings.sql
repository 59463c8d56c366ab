-- The column mapping a user confirmed for a template in a workspace, by
-- the file's headers (trimmed, lowercased, joined by U+001F): the next
-- file with the same headers is mapped "as last time". `columns` is JSON:
-- [{"column": header, "field": key or null}, ...]. Admins may clear them.
CREATE TABLE remembered_mappings (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    template TEXT NOT NULL,
    headers TEXT NOT NULL,
    columns TEXT NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, template, headers)
);
