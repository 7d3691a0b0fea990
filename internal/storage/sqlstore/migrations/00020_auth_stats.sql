-- Daily counts of a project's sign-ups, sign-ins and failed sign-ins, for
-- the console's dashboard (GET /v1/projects/{id}/stats). One row per
-- project, day (days since 1970-01-01, UTC) and kind; counted as the
-- events happen, so deleting users or expiring logs does not rewrite the
-- past.

-- +goose Up
CREATE TABLE auth_stats (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    day        BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (project_id, day, kind)
);

-- +goose Down
DROP TABLE auth_stats;
