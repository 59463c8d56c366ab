-- People, their roles per workspace, and their sessions.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    -- Stored lowercase; sign-in lowercases what is typed.
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    name TEXT NOT NULL,
    -- argon2id PHC string; the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE memberships (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    -- SHA-256 (hex) of the cookie's random token; the token is never stored.
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Record tables: one column per field of the built-in template of the same
-- name (values as normalised text), plus bookkeeping. Upserts look records up
-- by the template's key, compared ignoring case; a unique index per key keeps
-- two imports running at once from adding the same record twice (rows
-- without a key value are not constrained: NULLs are distinct).
CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    company TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX clients_workspace_id ON clients (workspace_id, id);
CREATE UNIQUE INDEX clients_workspace_email ON clients (workspace_id, lower(email));

CREATE TABLE leads (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    company TEXT,
    source TEXT,
    status TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX leads_workspace_id ON leads (workspace_id, id);
CREATE UNIQUE INDEX leads_workspace_email ON leads (workspace_id, lower(email));

CREATE TABLE companies (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT,
    website TEXT,
    email TEXT,
    phone TEXT,
    address TEXT,
    city TEXT,
    country TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX companies_workspace_id ON companies (workspace_id, id);
CREATE UNIQUE INDEX companies_workspace_name ON companies (workspace_id, lower(name));
CREATE INDEX companies_workspace_email ON companies (workspace_id, lower(email));

-- Imports, the batches committed for each (idempotency: one row per
-- import and sequence number), and the rows not imported with their reasons.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    template TEXT NOT NULL,
    file_name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'cancelled')),
    total_rows BIGINT NOT NULL DEFAULT 0,
    inserted BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    note TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX imports_workspace_created ON imports (workspace_id, created_at);

CREATE TABLE import_batches (
    import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    inserted BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_skips (
    import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    -- The batch whose server-side check skipped the row; NULL: the browser did.
    seq BIGINT,
    row BIGINT NOT NULL,
    -- JSON array of strings, one per problem.
    reasons TEXT NOT NULL
);
CREATE INDEX import_skips_import ON import_skips (import_id, row);
