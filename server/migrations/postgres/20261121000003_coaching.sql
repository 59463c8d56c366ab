-- Coaching (seed 000): in a workspace (a coaching instance), members who are
-- leads, and the coaches each lead may see. Imports only ever add rows here.
CREATE TABLE coaching_leads (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE coaching_pairs (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    lead_user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    coach_user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, lead_user_id, coach_user_id)
);
CREATE INDEX coaching_pairs_coach ON coaching_pairs (workspace_id, coach_user_id);
