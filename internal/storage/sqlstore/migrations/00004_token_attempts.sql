-- Wrong guesses at a user's short codes are counted; a code guessed at
-- too often is withdrawn, so six digits stay out of brute-force reach
-- even from many addresses.

-- +goose Up
ALTER TABLE tokens ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE tokens DROP COLUMN attempts;
