-- The role of users from outside a workspace's team (who see only their own
-- imports) is the importer's 'external'; the demo portal gives it to
-- partners' users, who had a role named after them.
CREATE TABLE memberships_new (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'viewer', 'external')),
    PRIMARY KEY (workspace_id, user_id)
);
INSERT INTO memberships_new (workspace_id, user_id, role)
    SELECT workspace_id, user_id, CASE role WHEN 'partner' THEN 'external' ELSE role END FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_user ON memberships (user_id);
