// Package testdb gives tests a fresh, empty database of each engine: a
// SQLite file in a temporary folder, and, when GATEHOUSE_TEST_POSTGRES
// holds a DSN, a PostgreSQL schema of its own that is dropped afterwards.
package testdb

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// EnvPostgres names the variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "GATEHOUSE_TEST_POSTGRES"

// Engine is a database engine tests run against.
type Engine struct {
	Name string
	// New returns a GATEHOUSE_DATABASE value for an empty database that
	// lives until the test ends.
	New func(t testing.TB) string
}

// Engines returns SQLite always and PostgreSQL when configured.
func Engines() []Engine {
	out := []Engine{{Name: "sqlite", New: SQLite}}
	if os.Getenv(EnvPostgres) != "" {
		out = append(out, Engine{Name: "postgres", New: Postgres})
	}
	return out
}

// SQLite returns a database in the test's temporary folder.
func SQLite(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db")
}

// Postgres creates a schema of its own and returns a DSN whose
// search_path selects it. It skips the test when no DSN is configured.
func Postgres(t testing.TB) string {
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " not set")
	}
	schema := "t_" + secret.Hex(8)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s := u.String()
	if !strings.HasPrefix(s, "postgres") {
		t.Fatalf("%s must be a postgres:// URL", EnvPostgres)
	}
	return s
}
