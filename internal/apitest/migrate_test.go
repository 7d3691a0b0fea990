package apitest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestNodesStartingTogetherMigrateOnce: several nodes started at once on
// one empty database all come up, and each migration was applied exactly
// once (PostgreSQL serialises them behind a session lock, SQLite behind
// its write lock).
func TestNodesStartingTogetherMigrateOnce(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			db := e.New(t)
			const nodes = 4
			var wg sync.WaitGroup
			servers := make([]*server, nodes)
			for i := range servers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					servers[i] = startServer(t, e, options{database: db, adminKey: "shared_admin_key_" + strings.Repeat("m", 20)})
				}()
			}
			wg.Wait()
			for _, s := range servers {
				if s == nil {
					t.Fatal("a node did not start")
				}
			}
			// All nodes serve one database.
			c := servers[0].newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")
			servers[nodes-1].client(t, c.project).signIn(mail, "correct horse")

			want := sqlstore.MigrationCount()
			raw := openRaw(t, db)
			var applied, distinct int
			if err := raw.QueryRowContext(context.Background(),
				`SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0 AND is_applied`).Scan(&applied, &distinct); err != nil {
				t.Fatal(err)
			}
			if applied != want || distinct != want {
				t.Fatalf("%d migrations, %d applied rows (%d distinct)", want, applied, distinct)
			}
		})
	}
}

// openRaw opens the database behind a GATEHOUSE_DATABASE value directly.
func openRaw(t *testing.T, database string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", database
	if path, ok := strings.CutPrefix(database, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
