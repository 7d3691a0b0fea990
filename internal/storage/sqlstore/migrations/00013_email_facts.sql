-- What the email policies (Appwrite 1.9's deny-*-email) found about a
-- user's email when it was last set: its canonical form and the kind of
-- provider. NULL for users whose email was set before, or who have none;
-- the API shows those as null. Adding nullable columns rewrites no rows
-- on either engine.

-- +goose Up
ALTER TABLE users ADD COLUMN email_canonical TEXT;
ALTER TABLE users ADD COLUMN email_is_free BOOLEAN;
ALTER TABLE users ADD COLUMN email_is_disposable BOOLEAN;
ALTER TABLE users ADD COLUMN email_is_corporate BOOLEAN;
ALTER TABLE users ADD COLUMN email_is_canonical BOOLEAN;

-- +goose Down
ALTER TABLE users DROP COLUMN email_is_canonical;
ALTER TABLE users DROP COLUMN email_is_corporate;
ALTER TABLE users DROP COLUMN email_is_disposable;
ALTER TABLE users DROP COLUMN email_is_free;
ALTER TABLE users DROP COLUMN email_canonical;
