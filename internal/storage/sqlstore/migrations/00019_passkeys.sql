-- Passkeys (WebAuthn credentials). A passkey is an identity of its user
-- (provider 'passkey', provider_uid the credential id in base64url), so it
-- moves with links and unlinks and counts as a way in like any identity;
-- this table holds what only a passkey has, keyed by the identity and
-- removed with it. passkey_ceremonies are the registration and sign-in
-- challenges in flight: single-use, short-lived, kept as hashes.

-- +goose Up
CREATE TABLE passkeys (
    project_id         TEXT NOT NULL,
    identity_id        TEXT NOT NULL,
    name               TEXT NOT NULL,
    authenticator_type TEXT NOT NULL DEFAULT '',
    -- The WebAuthn user handle the credential was made with (base64url):
    -- a discoverable sign-in brings it back.
    user_handle        TEXT NOT NULL,
    -- The credential record as the WebAuthn library keeps it (JSON):
    -- public key, sign counter, flags, AAGUID, transports.
    credential         TEXT NOT NULL,
    last_used_at       BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (project_id, identity_id),
    FOREIGN KEY (project_id, identity_id) REFERENCES identities (project_id, id) ON DELETE CASCADE
);

CREATE TABLE passkey_ceremonies (
    project_id     TEXT NOT NULL,
    challenge_hash TEXT NOT NULL,
    id             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    user_id        TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL,
    expire         BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (project_id, challenge_hash)
);
CREATE INDEX passkey_ceremonies_id ON passkey_ceremonies (project_id, id);
CREATE INDEX passkey_ceremonies_expire ON passkey_ceremonies (expire);

-- +goose Down
DROP TABLE passkey_ceremonies;
DROP TABLE passkeys;
