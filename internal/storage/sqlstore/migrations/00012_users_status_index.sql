-- GET /v1/users filtered on status (the blocked users, say) had no index
-- to use: at a million users PostgreSQL scanned the whole table to count
-- up to 5,000 matches. With status and deleted_at ahead of the creation
-- time, the count reads only the index (no table page per match) and the
-- page walks the matching entries in list order.
-- On a large PostgreSQL table the build holds writes to users for a few
-- seconds; see docs/benchmarks.md ("At a million users").

-- +goose Up
CREATE INDEX users_status ON users (project_id, status, deleted_at, created_at);

-- +goose Down
DROP INDEX users_status;
