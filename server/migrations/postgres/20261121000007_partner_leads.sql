-- Partner leads (seed 001): partners of a workspace and their users, each
-- with an ID people copy into import files; the workspace's lead
-- registration form (which decides the import's columns); and the leads,
-- which start pending until an admin approves or rejects them.

-- A partner user may sign in with the role 'partner': memberships accept it.
ALTER TABLE memberships DROP CONSTRAINT IF EXISTS memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('admin', 'staff', 'viewer', 'partner'));

-- IDs such as P-1001 are unique in a workspace, case ignored (code_key = LOWER(code)).
CREATE TABLE partners (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (workspace_id, code_key)
);

-- A partner's team; user_id is the sign-in account, when the person has one.
CREATE TABLE partner_users (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (workspace_id, code_key)
);
CREATE INDEX partner_users_partner ON partner_users (partner_id);
CREATE INDEX partner_users_user ON partner_users (user_id);

-- The lead registration form: its fields as a JSON array. No row: the
-- default form (the partner-leads template's fields).
CREATE TABLE lead_forms (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    fields TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Leads: the form's values as a JSON object by field key; email (lowercase)
-- kept apart to find duplicates.
CREATE TABLE partner_leads (
    id BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    partner_user_id BIGINT NOT NULL REFERENCES partner_users (id) ON DELETE CASCADE,
    email TEXT NOT NULL CHECK (email = LOWER(email)),
    field_values TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    import_id TEXT REFERENCES imports (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    reviewed_at TEXT,
    reviewed_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX partner_leads_workspace ON partner_leads (workspace_id, id);
CREATE INDEX partner_leads_email ON partner_leads (workspace_id, email);
CREATE INDEX partner_leads_partner ON partner_leads (partner_id, id);
