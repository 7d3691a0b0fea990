-- A JWT minted without a session (POST /v1/users/{id}/jwts) has no
-- session to end with. Ending all of a user's sessions (sign out
-- everywhere, a password change that invalidates sessions, an admin's
-- DELETE /v1/users/{id}/sessions) sets this instant, in microseconds, and
-- such a JWT issued at or before it is refused from then on.

-- +goose Up
ALTER TABLE users ADD COLUMN jwts_revoked_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN jwts_revoked_at;
