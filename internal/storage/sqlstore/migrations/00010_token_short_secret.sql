-- Tokens whose secrets carry fewer than 128 random bits (six-digit codes,
-- short server-made tokens) are marked: wrong guesses count against them
-- and withdraw them, whatever their type. Rows made before this migration
-- stay unmarked; their secrets were hashed without the instance's code
-- key, so they no longer redeem anyway and simply expire.

-- +goose Up
ALTER TABLE tokens ADD COLUMN short_secret BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE tokens DROP COLUMN short_secret;
