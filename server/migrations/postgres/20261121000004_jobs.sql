-- Background imports (seed 004): the rows a browser staged for an import,
-- batch by batch, and the job that commits them. Runners in any number of
-- server processes claim queued jobs; a running job whose heartbeat is stale
-- was abandoned (its process stopped) and may be claimed again, and resumes
-- where it was: batches already in import_batches are not applied twice.
CREATE TABLE import_jobs (
    id BIGSERIAL PRIMARY KEY,
    import_id TEXT NOT NULL UNIQUE REFERENCES imports (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    claimed_by TEXT,
    claimed_at TEXT,
    heartbeat_at TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX import_jobs_state ON import_jobs (state, id);
CREATE INDEX import_jobs_workspace_finished ON import_jobs (workspace_id, finished_at);

CREATE TABLE import_staged (
    import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    -- JSON array of the batch's records, as the browser sent them.
    payload TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (import_id, seq)
);
