-- The column mapping a user confirmed for a template in a workspace, by
-- the file's headers (trimmed, lowercased, joined by U+001F): the next
-- file with the same headers is mapped "as last time". `columns` is JSON:
-- [{"column": header, "field": key or null}, ...]. Admins may clear them.
CREATE TABLE remembered_mappings (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    template TEXT NOT NULL,
    headers TEXT NOT NULL,
    columns TEXT NOT NULL,
    updated_by BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, template, headers)
);
