-- The safety of linking: the single-use "this wasn't me" tokens mailed
-- after each link and unlink, and the security logs of accounts merged
-- into others, kept aside under their own ids until an unlink gives them
-- back.

-- +goose Up
-- One row per mailed token; the tokens of one change share change_id and
-- spending one spends them all. Only the hash of the secret is kept. The
-- rows go with the account that was kept (primary_id).
CREATE TABLE link_undos (
    secret_hash  TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL,
    change_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    primary_id   TEXT NOT NULL,
    secondary_id TEXT NOT NULL,
    provider     TEXT NOT NULL DEFAULT '',
    provider_uid TEXT NOT NULL DEFAULT '',
    recipient    TEXT NOT NULL DEFAULT '',
    time         BIGINT NOT NULL,
    expire       BIGINT NOT NULL,
    used_at      BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (project_id, primary_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX link_undos_change ON link_undos (project_id, change_id);
CREATE INDEX link_undos_expire ON link_undos (expire);

-- The log entries of a merged account (user_id, which no longer names a
-- user), held by the account it was merged into (holder_id): out of every
-- user's log, removed with the holder, and moved back into logs when an
-- unlink splits the account out again.
CREATE TABLE linked_logs (
    project_id TEXT NOT NULL,
    id         TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    holder_id  TEXT NOT NULL,
    event      TEXT NOT NULL,
    mode       TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT '',
    user_email TEXT NOT NULL DEFAULT '',
    user_name  TEXT NOT NULL DEFAULT '',
    client     TEXT NOT NULL DEFAULT '{}',
    time       BIGINT NOT NULL,
    PRIMARY KEY (project_id, id),
    FOREIGN KEY (project_id, holder_id) REFERENCES users (project_id, id) ON DELETE CASCADE
);
CREATE INDEX linked_logs_holder ON linked_logs (project_id, holder_id, user_id);

-- +goose Down
DROP TABLE linked_logs;
DROP TABLE link_undos;
