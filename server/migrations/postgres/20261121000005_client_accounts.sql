-- Client accounts (seed 002): clients who sign in with an email and a
-- password (stored only as an argon2 hash), their tags and custom attributes.
-- Imports add and update accounts, add tags to accounts and set attributes;
-- they never delete anything.
CREATE TABLE client_accounts (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email TEXT NOT NULL CHECK (email = LOWER(email)),
    password_hash TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birthdate TEXT,
    gender TEXT,
    external_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (workspace_id, email)
);

-- A tag's name is unique in its workspace, case ignored (name_key = LOWER(name)).
CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (workspace_id, name_key)
);

CREATE TABLE account_tags (
    account_id BIGINT NOT NULL REFERENCES client_accounts (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, tag_id)
);
CREATE INDEX account_tags_tag ON account_tags (tag_id);

CREATE TABLE account_attributes (
    account_id BIGINT NOT NULL REFERENCES client_accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);
