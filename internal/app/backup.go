package app

import (
	"context"
	"errors"

	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
)

// ErrBackupPostgres answers a backup asked of a PostgreSQL database:
// PostgreSQL's own tools do it better than Gatehouse could.
var ErrBackupPostgres = errors.New("the database is PostgreSQL: back it up with pg_dump " +
	"(for example pg_dump --format=custom --file=gatehouse.dump \"$GATEHOUSE_DATABASE\"; see docs/deploy.md)")

// Backup writes a consistent copy of the configured SQLite database to
// dest while servers keep running on it (see sqlstore.BackupSQLite). An
// existing dest is replaced only when overwrite is set.
func Backup(ctx context.Context, cfg config.Config, dest string, overwrite bool) (sqlstore.BackupInfo, error) {
	engine, dsn, err := cfg.Engine()
	if err != nil {
		return sqlstore.BackupInfo{}, err
	}
	if engine != "sqlite" {
		return sqlstore.BackupInfo{}, ErrBackupPostgres
	}
	return sqlstore.BackupSQLite(ctx, dsn, dest, overwrite)
}
