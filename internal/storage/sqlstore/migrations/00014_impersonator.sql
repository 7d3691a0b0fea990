-- Impersonation (Appwrite 1.9): a user flagged as an impersonator may act
-- as another user of its own project. The flag is set only through the
-- Users API (an API key with users.write); see docs/security.md.

-- +goose Up
ALTER TABLE users ADD COLUMN impersonator BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE users DROP COLUMN impersonator;
