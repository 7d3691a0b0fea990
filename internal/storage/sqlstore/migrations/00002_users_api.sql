-- The Users API: messaging targets, deletion in the background, and the
-- indexes admin queries need.

-- +goose Up
ALTER TABLE users ADD COLUMN deleted_at BIGINT NOT NULL DEFAULT 0;
-- A copy of the user's targets as JSON, kept in step by the store in the
-- same transaction, so reading an account stays one row.
ALTER TABLE users ADD COLUMN targets TEXT NOT NULL DEFAULT '[]';

CREATE TABLE targets (
    project_id    TEXT NOT NULL,
    id            TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    provider_id   TEXT,
    provider_type TEXT NOT NULL,
    identifier    TEXT NOT NULL,
    expired       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX targets_user ON targets (project_id, user_id);
CREATE UNIQUE INDEX targets_identifier ON targets (project_id, provider_type, identifier);

-- One-time secrets that sign a user in or prove an address: magic URLs,
-- email and phone codes, recovery and verification links, OAuth2 token
-- mode, and tokens servers create. Only the hash of the secret is kept.
CREATE TABLE tokens (
    project_id  TEXT NOT NULL,
    id          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    type        INTEGER NOT NULL,
    secret_hash TEXT NOT NULL,
    expire      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX tokens_user ON tokens (project_id, user_id, secret_hash);

CREATE INDEX users_name ON users (project_id, name);
CREATE INDEX users_registration ON users (project_id, registration);
CREATE INDEX users_updated ON users (project_id, updated_at);

-- +goose Down
DROP INDEX users_updated;
DROP INDEX users_registration;
DROP INDEX users_name;
DROP TABLE tokens;
DROP TABLE targets;
ALTER TABLE users DROP COLUMN targets;
ALTER TABLE users DROP COLUMN deleted_at;
