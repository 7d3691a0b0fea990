package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/storage/storagetest"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// open returns a store on a fresh database of engine e, closed when tb ends.
func open(tb testing.TB, e testdb.Engine) *sqlstore.Store {
	tb.Helper()
	dsn := e.New(tb) // a GATEHOUSE_DATABASE value: "sqlite:PATH" or a postgres URL
	if e.Name == "sqlite" {
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	}
	st, err := sqlstore.Open(context.Background(), e.Name, dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", e.Name, err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close %s: %v", e.Name, err)
		}
	})
	if st.Engine() != e.Name {
		tb.Fatalf("Engine() = %q, want %q", st.Engine(), e.Name)
	}
	return st
}

func TestConformance(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storage.Store { return open(t, e) })
		})
	}
}

// TestReopen checks that a second Open of the same database finds the
// schema in place and the data kept.
func TestReopen(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := t.Context()
			dsn := e.New(t)
			if e.Name == "sqlite" {
				dsn = strings.TrimPrefix(dsn, "sqlite:")
			}
			st, err := sqlstore.Open(ctx, e.Name, dsn)
			if err != nil {
				t.Fatal(err)
			}
			p := &storage.Project{ID: "p1", Name: "One", CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := st.CreateProject(ctx, p); err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st, err = sqlstore.Open(ctx, e.Name, dsn)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer st.Close()
			if _, err := st.GetProject(ctx, "p1"); err != nil {
				t.Errorf("GetProject after reopening: %v", err)
			}
		})
	}
}

func TestOpenUnknownEngine(t *testing.T) {
	if _, err := sqlstore.Open(t.Context(), "mysql", "whatever"); err == nil {
		t.Error("Open of an unknown engine succeeded")
	}
}

// BenchmarkSessionBySecret measures the lookup every authenticated request
// makes, from parallel goroutines, among 1,000 users' sessions.
func BenchmarkSessionBySecret(b *testing.B) {
	for _, e := range testdb.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			st := open(b, e)
			now := time.Now().UTC()
			if err := st.CreateProject(ctx, &storage.Project{ID: "bench", Name: "Bench", CreatedAt: now, UpdatedAt: now}); err != nil {
				b.Fatal(err)
			}
			const n = 1000
			hashes := make([]string, n)
			for i := range n {
				uid := fmt.Sprintf("user%04d", i)
				u := &storage.User{ProjectID: "bench", ID: uid, Name: "User " + uid, Email: uid + "@example.com",
					PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", Hash: "argon2",
					Labels: []string{"a"}, Prefs: []byte(`{"theme":"dark"}`), Status: true,
					Registration: now, CreatedAt: now, UpdatedAt: now}
				if err := st.CreateUser(ctx, u); err != nil {
					b.Fatal(err)
				}
				hashes[i] = fmt.Sprintf("%064x", i)
				s := &storage.Session{ProjectID: "bench", ID: "s" + uid, UserID: uid, SecretHash: hashes[i],
					Provider: "email", Client: storage.Client{IP: "203.0.113.7", ClientName: "Firefox"},
					Factors: []string{"password"}, Expire: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}
				if _, err := st.CreateSession(ctx, s, 10, nil); err != nil {
					b.Fatal(err)
				}
			}
			for _, lookup := range []struct {
				name string
				fn   func(ctx context.Context, projectID, userID, secretHash string) (*storage.Session, *storage.User, error)
			}{{"full", st.SessionBySecret}, {"lite", st.SessionBySecretLite}} {
				b.Run(lookup.name, func(b *testing.B) {
					b.ReportAllocs()
					b.RunParallel(func(pb *testing.PB) {
						i := 0
						for pb.Next() {
							i = (i + 7919) % n
							sess, u, err := lookup.fn(ctx, "bench", fmt.Sprintf("user%04d", i), hashes[i])
							if err != nil {
								b.Error(err)
								return
							}
							if sess.UserID != u.ID {
								b.Errorf("session of %s came with user %s", sess.UserID, u.ID)
								return
							}
						}
					})
				})
			}
		})
	}
}
