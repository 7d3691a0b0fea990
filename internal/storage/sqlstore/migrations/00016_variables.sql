-- Project variables of Appwrite 1.9's Project API (/v1/project/variables):
-- key and value pairs a project keeps for its own server code. A secret
-- variable's value is sealed by the caller.

-- +goose Up
CREATE TABLE variables (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    secret     BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX variables_key ON variables (project_id, key);
CREATE INDEX variables_created ON variables (project_id, created_at, id);

-- +goose Down
DROP TABLE variables;
