package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
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
			s := open(b, e)
			ctx := context.Background()
			t0 := time.Unix(1_700_000_000, 0).UTC()
			if err := s.CreateProject(ctx, &storage.Project{ID: "p", Name: "p", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < n; i++ {
				at := t0.Add(time.Duration(i) * time.Second)
				u := &storage.User{ProjectID: "p", ID: fmt.Sprintf("u%07d", i), Name: fmt.Sprintf("name%07d", i),
					Email: fmt.Sprintf("u%07d@example.test", i), Hash: "argon2", Registration: at, Status: i%10 != 0,
					Prefs: []byte("{}"), CreatedAt: at, UpdatedAt: at}
				if err := s.CreateUser(ctx, u); err != nil {
					b.Fatal(err)
				}
			}
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
