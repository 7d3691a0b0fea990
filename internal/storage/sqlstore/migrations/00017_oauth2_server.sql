-- The OAuth2 / OpenID Connect provider of a project (Appwrite 2.0's OAuth2
-- server). Every key starts with project_id: a code, grant, token or
-- consent of one project is never found from another. Secrets handed to
-- clients (codes, refresh tokens, request_uri handles, device codes) are
-- stored as SHA-256 hashes; user codes, short enough to guess offline,
-- as keyed hashes. Times are Unix microseconds.

-- +goose Up
-- Signing keys. generation numbers a project's keys: inserting the next
-- generation is the insert-if-absent that lets only one of two nodes
-- create or rotate a key. private_key is sealed. A key signs from
-- activates_at until a newer key activates, is published in the JWKS
-- from created_at, and is dropped once expires_at (0: not yet known) has
-- passed, when every token it signed has expired.
CREATE TABLE oauth2_keys (
    project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    generation   BIGINT NOT NULL,
    kid          TEXT NOT NULL,
    private_key  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    activates_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, generation)
);
CREATE INDEX oauth2_keys_expires ON oauth2_keys (expires_at);

-- Pending grants: authorize requests waiting for the user's consent on
-- the project's consent page, and device requests bound to a user by
-- their user code. request is the validated authorize request (JSON).
CREATE TABLE oauth2_grants (
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id                    TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    session_id            TEXT NOT NULL DEFAULT '',
    client_id             TEXT NOT NULL,
    device_id             TEXT NOT NULL DEFAULT '',
    request               TEXT NOT NULL,
    scopes                TEXT NOT NULL DEFAULT '[]',
    resources             TEXT NOT NULL DEFAULT '[]',
    authorization_details TEXT NOT NULL DEFAULT '',
    prompt                TEXT NOT NULL DEFAULT '',
    redirect_uri          TEXT NOT NULL DEFAULT '',
    auth_time             BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth2_grants_expires ON oauth2_grants (expires_at);

-- Pushed authorization requests (RFC 9126), by the hash of their
-- request_uri; single-use.
CREATE TABLE oauth2_pars (
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    handle_hash TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    request     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (project_id, handle_hash)
);
CREATE INDEX oauth2_pars_expires ON oauth2_pars (expires_at);

-- Consents: one per user and client, what the user approved.
CREATE TABLE oauth2_consents (
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id                    TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    cimd                  BOOLEAN NOT NULL DEFAULT FALSE,
    scopes                TEXT NOT NULL DEFAULT '[]',
    resources             TEXT NOT NULL DEFAULT '[]',
    authorization_details TEXT NOT NULL DEFAULT '',
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX oauth2_consents_client ON oauth2_consents (project_id, user_id, client_id);
CREATE INDEX oauth2_consents_created ON oauth2_consents (project_id, user_id, created_at, id);

-- Authorization codes, by hash; single-use (used_at), and family_id
-- names the token family the code minted, so a replay can revoke it.
CREATE TABLE oauth2_codes (
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    code_hash             TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    consent_id            TEXT NOT NULL,
    session_id            TEXT NOT NULL DEFAULT '',
    redirect_uri          TEXT NOT NULL,
    scopes                TEXT NOT NULL DEFAULT '[]',
    resources             TEXT NOT NULL DEFAULT '[]',
    authorization_details TEXT NOT NULL DEFAULT '',
    code_challenge        TEXT NOT NULL DEFAULT '',
    nonce                 TEXT NOT NULL DEFAULT '',
    auth_time             BIGINT NOT NULL DEFAULT 0,
    amr                   TEXT NOT NULL DEFAULT '[]',
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    used_at               BIGINT NOT NULL DEFAULT 0,
    family_id             TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, code_hash),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth2_codes_expires ON oauth2_codes (expires_at);

-- Token families: one refresh-token lineage under a consent. Revoking a
-- family deletes it; an access token is alive while its jti is the
-- family's current one. Deleting the consent or the user deletes it.
CREATE TABLE oauth2_families (
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id                    TEXT NOT NULL,
    consent_id            TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    public_client         BOOLEAN NOT NULL DEFAULT FALSE,
    session_id            TEXT NOT NULL DEFAULT '',
    scopes                TEXT NOT NULL DEFAULT '[]',
    resources             TEXT NOT NULL DEFAULT '[]',
    authorization_details TEXT NOT NULL DEFAULT '',
    auth_time             BIGINT NOT NULL DEFAULT 0,
    amr                   TEXT NOT NULL DEFAULT '[]',
    refresh_hash          TEXT NOT NULL,
    refresh_expires_at    BIGINT NOT NULL,
    access_jti            TEXT NOT NULL,
    access_expires_at     BIGINT NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, consent_id) REFERENCES oauth2_consents (project_id, id) ON DELETE CASCADE,
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX oauth2_families_refresh ON oauth2_families (project_id, refresh_hash);
CREATE UNIQUE INDEX oauth2_families_access ON oauth2_families (project_id, access_jti);
CREATE INDEX oauth2_families_consent ON oauth2_families (project_id, consent_id, created_at, id);
CREATE INDEX oauth2_families_expires ON oauth2_families (refresh_expires_at);

-- Refresh tokens a family has rotated away: presenting one again is reuse
-- and revokes the family (the rows go with it).
CREATE TABLE oauth2_refresh_used (
    project_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    family_id  TEXT NOT NULL,
    PRIMARY KEY (project_id, token_hash),
    FOREIGN KEY (project_id, family_id) REFERENCES oauth2_families (project_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth2_refresh_used_family ON oauth2_refresh_used (project_id, family_id);

-- Device authorization requests (RFC 8628). status: pending, approved,
-- denied. user_id and the approval are set by the consent page.
CREATE TABLE oauth2_devices (
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id                    TEXT NOT NULL,
    device_hash           TEXT NOT NULL,
    user_code_hash        TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    scopes                TEXT NOT NULL DEFAULT '[]',
    resources             TEXT NOT NULL DEFAULT '[]',
    authorization_details TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL,
    user_id               TEXT NOT NULL DEFAULT '',
    consent_id            TEXT NOT NULL DEFAULT '',
    session_id            TEXT NOT NULL DEFAULT '',
    auth_time             BIGINT NOT NULL DEFAULT 0,
    amr                   TEXT NOT NULL DEFAULT '[]',
    interval_seconds      BIGINT NOT NULL,
    last_poll_at          BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX oauth2_devices_device ON oauth2_devices (project_id, device_hash);
CREATE UNIQUE INDEX oauth2_devices_user_code ON oauth2_devices (project_id, user_code_hash);
CREATE INDEX oauth2_devices_expires ON oauth2_devices (expires_at);

-- +goose Down
DROP TABLE oauth2_devices;
DROP TABLE oauth2_refresh_used;
DROP TABLE oauth2_families;
DROP TABLE oauth2_codes;
DROP TABLE oauth2_consents;
DROP TABLE oauth2_pars;
DROP TABLE oauth2_grants;
DROP TABLE oauth2_keys;
