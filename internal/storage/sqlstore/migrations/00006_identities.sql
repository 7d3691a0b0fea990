-- OAuth2 identities: the ways a user signs in through other providers, and
-- the short-lived, single-use state of a sign-in in flight.

-- +goose Up
CREATE TABLE identities (
    project_id                   TEXT NOT NULL,
    id                           TEXT NOT NULL,
    user_id                      TEXT NOT NULL,
    provider                     TEXT NOT NULL,
    provider_uid                 TEXT NOT NULL,
    provider_email               TEXT NOT NULL DEFAULT '',
    provider_email_verified      BOOLEAN NOT NULL DEFAULT FALSE,
    provider_access_token        TEXT NOT NULL DEFAULT '',
    provider_access_token_expiry BIGINT NOT NULL DEFAULT 0,
    provider_refresh_token       TEXT NOT NULL DEFAULT '',
    -- The profile of the account this identity came from, when it was
    -- merged in by linking (JSON; '' otherwise).
    profile_data                 TEXT NOT NULL DEFAULT '',
    created_at                   BIGINT NOT NULL,
    updated_at                   BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX identities_provider ON identities (project_id, provider, provider_uid);
CREATE INDEX identities_user ON identities (project_id, user_id);
CREATE INDEX identities_email ON identities (project_id, provider_email);

CREATE TABLE oauth_states (
    id_hash    TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    data       TEXT NOT NULL,
    expire     BIGINT NOT NULL
);
CREATE INDEX oauth_states_expire ON oauth_states (expire);

-- +goose Down
DROP TABLE oauth_states;
DROP TABLE identities;
