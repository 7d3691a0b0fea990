-- A mailed or texted secret is good only for the address it was sent to:
-- each token keeps that address, checked against the user's current one
-- when it is redeemed, and the session that asked for it, so a
-- verification link opened by that same session is told apart from one
-- opened by anybody else.

-- +goose Up
ALTER TABLE tokens ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN session_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tokens DROP COLUMN session_id;
ALTER TABLE tokens DROP COLUMN address;
