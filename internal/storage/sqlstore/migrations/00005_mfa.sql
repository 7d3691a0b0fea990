-- Multi-factor authentication: TOTP authenticators, challenges and
-- recovery codes. Secrets that must be read back (the TOTP key, recovery
-- codes) are sealed by the application; challenge codes are hashed.

-- +goose Up
ALTER TABLE users ADD COLUMN totp BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT '';

CREATE TABLE authenticators (
    project_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    type       TEXT NOT NULL,
    secret     TEXT NOT NULL,
    verified   BOOLEAN NOT NULL DEFAULT FALSE,
    -- The last 30-second step whose code was accepted: a code works once.
    last_step  BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, user_id, type),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);

CREATE TABLE challenges (
    project_id TEXT NOT NULL,
    id         TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    type       TEXT NOT NULL,
    code_hash  TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    expire     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX challenges_user ON challenges (project_id, user_id);

-- +goose Down
DROP TABLE challenges;
DROP TABLE authenticators;
ALTER TABLE users DROP COLUMN recovery_codes;
ALTER TABLE users DROP COLUMN totp;
