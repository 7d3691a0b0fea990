-- The foundation schema. One file serves SQLite and PostgreSQL: times are
-- BIGINT Unix microseconds (0 = unset), JSON is TEXT, booleans are BOOLEAN.

-- +goose Up
CREATE TABLE instance (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    team_id     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    settings    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX projects_created ON projects (created_at);

CREATE TABLE platforms (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    type       TEXT NOT NULL,
    name       TEXT NOT NULL,
    key        TEXT NOT NULL DEFAULT '',
    store      TEXT NOT NULL DEFAULT '',
    hostname   TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
);

CREATE TABLE api_keys (
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    expire      BIGINT NOT NULL DEFAULT 0,
    secret_hash TEXT NOT NULL,
    prefix      TEXT NOT NULL DEFAULT '',
    accessed_at BIGINT NOT NULL DEFAULT 0,
    sdks        TEXT NOT NULL DEFAULT '[]',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_hash);

CREATE TABLE users (
    project_id         TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    email              TEXT,
    phone              TEXT,
    password_hash      TEXT,
    hash               TEXT NOT NULL DEFAULT 'argon2',
    hash_options       TEXT,
    password_update    BIGINT NOT NULL DEFAULT 0,
    password_history   TEXT NOT NULL DEFAULT '[]',
    registration       BIGINT NOT NULL,
    status             BOOLEAN NOT NULL DEFAULT TRUE,
    labels             TEXT NOT NULL DEFAULT '[]',
    email_verification BOOLEAN NOT NULL DEFAULT FALSE,
    phone_verification BOOLEAN NOT NULL DEFAULT FALSE,
    mfa                BOOLEAN NOT NULL DEFAULT FALSE,
    reset              BOOLEAN NOT NULL DEFAULT FALSE,
    prefs              TEXT NOT NULL DEFAULT '{}',
    accessed_at        BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (project_id, id)
);
-- NULLs are distinct in unique indexes on both engines, so users without
-- an email or phone do not collide.
CREATE UNIQUE INDEX users_email ON users (project_id, email);
CREATE UNIQUE INDEX users_phone ON users (project_id, phone);
CREATE INDEX users_created ON users (project_id, created_at);

CREATE TABLE sessions (
    project_id                   TEXT NOT NULL,
    id                           TEXT NOT NULL,
    user_id                      TEXT NOT NULL,
    secret_hash                  TEXT NOT NULL,
    provider                     TEXT NOT NULL,
    provider_uid                 TEXT NOT NULL DEFAULT '',
    provider_access_token        TEXT NOT NULL DEFAULT '',
    provider_access_token_expiry BIGINT NOT NULL DEFAULT 0,
    provider_refresh_token       TEXT NOT NULL DEFAULT '',
    client                       TEXT NOT NULL DEFAULT '{}',
    factors                      TEXT NOT NULL DEFAULT '[]',
    mfa_updated_at               BIGINT NOT NULL DEFAULT 0,
    expire                       BIGINT NOT NULL,
    created_at                   BIGINT NOT NULL,
    updated_at                   BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
-- The hot path: every authenticated request finds its session by this hash.
CREATE UNIQUE INDEX sessions_secret ON sessions (secret_hash);
CREATE INDEX sessions_user ON sessions (project_id, user_id, created_at);

CREATE TABLE logs (
    project_id TEXT NOT NULL,
    id         TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    event      TEXT NOT NULL,
    mode       TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT '',
    user_email TEXT NOT NULL DEFAULT '',
    user_name  TEXT NOT NULL DEFAULT '',
    client     TEXT NOT NULL DEFAULT '{}',
    time       BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, user_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX logs_user ON logs (project_id, user_id, time);

CREATE TABLE rate_counters (
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);

-- +goose Down
DROP TABLE rate_counters;
DROP TABLE logs;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE api_keys;
DROP TABLE platforms;
DROP TABLE projects;
DROP TABLE instance;
