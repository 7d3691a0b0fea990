-- The maintenance sweep (internal/maintenance) removes rows that have
-- outlived their use in batches, each picked by a range on the row's date.
-- These indexes make that range a walk of an index instead of a scan of
-- the table. oauth_states (expire), link_undos (expire), rate_counters
-- (window_start) and jobs (state, updated_at) have theirs already.
-- +goose Up
CREATE INDEX sessions_expire ON sessions (expire);
CREATE INDEX tokens_expire ON tokens (expire);
CREATE INDEX challenges_expire ON challenges (expire);
CREATE INDEX logs_time ON logs (time);
CREATE INDEX linked_logs_time ON linked_logs (time);
-- +goose Down
DROP INDEX linked_logs_time;
DROP INDEX logs_time;
DROP INDEX challenges_expire;
DROP INDEX tokens_expire;
DROP INDEX sessions_expire;
