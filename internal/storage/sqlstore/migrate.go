package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateOnce is migrate with processes that open one SQLite file at the
// same moment taking turns (PostgreSQL's take turns inside migrate):
// goose has no lock of its own for SQLite, and two of them both saw an
// empty database and both created its first tables.
func (s *Store) migrateOnce(ctx context.Context, dsn string) error {
	if s.engine != "sqlite" {
		return s.migrate(ctx)
	}
	unlock, err := lockFile(dsn + ".migrate-lock")
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer unlock()
	return s.migrate(ctx)
}

// migrate applies every pending migration. On PostgreSQL a session lock
// makes nodes that start together take turns.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// 00015 is in Go (search.go); the others are the SQL files.
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(s.searchMigration())}
	dialect := goose.DialectSQLite3
	if s.engine == "postgres" {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.w, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Migrations returns the embedded migration files, for tests that check
// what was applied. MigrationCount counts them with the Go ones.
func Migrations() fs.FS {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return fsys
}

// goMigrations is how many migrations are written in Go: 00015.
const goMigrations = 1

// MigrationCount is how many migrations there are, SQL files and Go.
func MigrationCount() int {
	files, err := fs.Glob(Migrations(), "*.sql")
	if err != nil {
		panic(err) // the pattern is valid
	}
	return len(files) + goMigrations
}
