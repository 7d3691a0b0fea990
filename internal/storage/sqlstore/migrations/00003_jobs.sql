-- The durable job queue (internal/jobs). Same conventions as the
-- foundation: times are BIGINT Unix microseconds (0 = unset), JSON is TEXT.

-- +goose Up
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    locked_by    TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- Claiming looks for queued jobs whose run_at has come, and running jobs
-- (few) whose lease has expired.
CREATE INDEX jobs_claim ON jobs (state, run_at);
-- The admin listing, by state, newest first; pruning finds old done jobs.
CREATE INDEX jobs_state_created ON jobs (state, created_at);
CREATE INDEX jobs_state_updated ON jobs (state, updated_at);

-- +goose Down
DROP TABLE jobs;
