package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// BenchmarkListUsers pages through a project of many users with a filter,
// as GET /v1/users does: a name prefix and the newest first. The number
// of users is GATEHOUSE_BENCH_USERS (default 100000).
func BenchmarkListUsers(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("GATEHOUSE_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	for _, e := range testdb.Engines() {
		b.Run(fmt.Sprintf("db=%s/users=%d", e.Name, n), func(b *testing.B) {
			s, dsn := openDSN(b, e)
			ctx := context.Background()
			t0 := time.Unix(1_700_000_000, 0).UTC()
			if err := s.CreateProject(ctx, &storage.Project{ID: "p", Name: "p", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				b.Fatal(err)
			}
			seedUsers(b, e.Name, dsn, n, t0)
			q := storage.UserQuery{
				Filters: []query.Query{{Method: "startsWith", Attribute: "name", Values: []any{"name00"}},
					{Method: "equal", Attribute: "status", Values: []any{true}}},
				Orders: []query.Query{{Method: "orderDesc", Attribute: "$createdAt"}},
				Page:   query.Page{Limit: 25},
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				users, total, err := s.ListUsers(ctx, "p", q)
				if err != nil || len(users) != 25 || total == 0 {
					b.Fatalf("%d users, total %d, %v", len(users), total, err)
				}
			}
		})
	}
}

// openDSN is open, also returning the data source, for bulk seeding.
func openDSN(tb testing.TB, e testdb.Engine) (*sqlstore.Store, string) {
	tb.Helper()
	dsn := e.New(tb)
	if e.Name == "sqlite" {
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	}
	st, err := sqlstore.Open(context.Background(), e.Name, dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", e.Name, err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, dsn
}

// seedUsers inserts n users in one statement: creating them one by one
// through the store takes minutes on PostgreSQL at 100,000.
func seedUsers(tb testing.TB, engine, dsn string, n int, t0 time.Time) {
	tb.Helper()
	driver, gen := "pgx", "generate_series(0, $1 - 1) AS g(i)"
	idx := "i"
	if engine == "sqlite" {
		driver = "sqlite"
		dsn = "file:" + dsn + "?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	base := t0.UnixMicro()
	var q string
	if engine == "sqlite" {
		q = `WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < ?1)
			INSERT INTO users (project_id, id, name, email, hash, registration, status, prefs, created_at, updated_at)
			SELECT 'p', printf('u%07d', i), printf('name%07d', i), printf('u%07d@example.test', i), 'argon2',
				?2 + i * 1000000, i % 10 <> 0, '{}', ?2 + i * 1000000, ?2 + i * 1000000 FROM g`
	} else {
		q = `INSERT INTO users (project_id, id, name, email, hash, registration, status, prefs, created_at, updated_at)
			SELECT 'p', 'u' || lpad(` + idx + `::text, 7, '0'), 'name' || lpad(` + idx + `::text, 7, '0'),
				'u' || lpad(` + idx + `::text, 7, '0') || '@example.test', 'argon2', $2::bigint + ` + idx + `::bigint * 1000000, ` + idx + ` % 10 <> 0, '{}',
				$2::bigint + ` + idx + `::bigint * 1000000, $2::bigint + ` + idx + `::bigint * 1000000 FROM ` + gen
	}
	if _, err := db.Exec(q, n, base); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if engine != "sqlite" {
		db.Exec(`ANALYZE users`)
	}
}
