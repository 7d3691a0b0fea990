-- Registered OAuth2 clients of a project's OAuth2 server (Appwrite 2.0's
-- Apps, /v1/apps) and their credentials. An app belongs to the user who
-- created it (user_id) or to nobody ('': made with an API key or by
-- dynamic client registration). Secrets and app keys share one table,
-- told apart by kind, and are kept only as hashes with a short hint.

-- +goose Up
CREATE TABLE apps (
    project_id                TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id                        TEXT NOT NULL,
    name                      TEXT NOT NULL,
    description               TEXT NOT NULL,
    client_uri                TEXT NOT NULL,
    logo_uri                  TEXT NOT NULL,
    privacy_policy_url        TEXT NOT NULL,
    terms_url                 TEXT NOT NULL,
    contacts                  TEXT NOT NULL,
    tagline                   TEXT NOT NULL,
    tags                      TEXT NOT NULL,
    labels                    TEXT NOT NULL,
    images                    TEXT NOT NULL,
    support_url               TEXT NOT NULL,
    data_deletion_url         TEXT NOT NULL,
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    enabled                   BOOLEAN NOT NULL,
    type                      TEXT NOT NULL,
    device_flow               BOOLEAN NOT NULL,
    team_id                   TEXT NOT NULL,
    user_id                   TEXT NOT NULL,
    installation_scopes       TEXT NOT NULL,
    installation_redirect_url TEXT NOT NULL,
    registered                BOOLEAN NOT NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX apps_created ON apps (project_id, created_at, id);
CREATE INDEX apps_user ON apps (project_id, user_id, created_at, id);

CREATE TABLE app_credentials (
    project_id       TEXT NOT NULL,
    app_id           TEXT NOT NULL,
    kind             TEXT NOT NULL,
    id               TEXT NOT NULL,
    secret_hash      TEXT NOT NULL,
    hint             TEXT NOT NULL,
    created_by_id    TEXT NOT NULL,
    created_by_name  TEXT NOT NULL,
    last_accessed_at BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (project_id, app_id, kind, id),
    FOREIGN KEY (project_id, app_id) REFERENCES apps (project_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE app_credentials;
DROP TABLE apps;
