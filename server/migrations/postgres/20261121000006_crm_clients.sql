-- CRM clients (seed 003): clients with a system-generated ID (24 lowercase
-- hex digits), stored per workspace. Email and username are unique in a
-- workspace; imports insert or update, never delete.
CREATE TABLE crm_clients (
    id TEXT PRIMARY KEY CHECK (LENGTH(id) = 24),
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT,
    middle_name TEXT,
    email TEXT NOT NULL CHECK (email = LOWER(email)),
    username TEXT NOT NULL,
    project TEXT NOT NULL,
    desk TEXT NOT NULL,
    active TEXT NOT NULL,
    client_type TEXT NOT NULL,
    created TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (workspace_id, email),
    UNIQUE (workspace_id, username)
);
