package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestSeedThenRun seeds a small database, checks the rows are what the
// server would have stored (the seeded sessions authenticate, the users
// list and search), and drives every scenario that reads it.
func TestSeedThenRun(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: starts a server")
	}
	for _, eng := range testdb.Engines() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			database := eng.New(t)
			manifest := filepath.Join(t.TempDir(), "seed.json")
			var out bytes.Buffer
			if err := Seed([]string{"--database", database, "--users", "500", "--sessions-per-user", "3", "--chunk", "200",
				"--samples", "50", "--manifest", manifest}, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "seeded 500 users, 1500 sessions, 2000 log entries") {
				t.Errorf("seed said: %s", out.String())
			}
			man, err := readManifest(manifest)
			if err != nil {
				t.Fatal(err)
			}
			if len(man.SessionStrings) < 10 || len(man.Emails) != 50 {
				t.Fatalf("manifest: %d sessions, %d emails", len(man.SessionStrings), len(man.Emails))
			}

			cfg := config.Defaults()
			cfg.Addr = "127.0.0.1:0"
			cfg.Database = database
			cfg.AdminKey = strings.Repeat("k", 40)
			cfg.RateLimits = false
			cfg.HashMemoryKiB, cfg.HashTime = 64, 1
			ctx := context.Background()
			srv, err := app.Start(ctx, cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Shutdown(ctx)

			// The store reads the seeded rows back.
			st, err := app.OpenStore(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			users, total, err := st.ListUsers(ctx, man.Project, storage.UserQuery{
				Filters: []query.Query{{Method: "equal", Attribute: "email", Values: []any{man.Emails[3]}}}, Page: query.Page{Limit: 25}})
			if err != nil || total != 1 || len(users) != 1 || users[0].PasswordHash == "" || len(users[0].Targets) != 1 {
				t.Fatalf("user by email: %d of %d, %v", len(users), total, err)
			}

			out.Reset()
			err = Run([]string{"--url", "http://" + srv.Addr, "--seeded", manifest, "--json",
				"--duration", "200ms", "--warmup", "0s", "--concurrency", "2",
				"--scenario", "account-get,users-email,users-status,users-search,users-cursor,signup"}, &out)
			if err != nil {
				t.Fatal(err)
			}
			var rep Report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if len(rep.Rows) != 6 {
				t.Fatalf("rows: %s", out.String())
			}
			for _, r := range rep.Rows {
				if r.Requests == 0 || len(r.Errors) != 0 {
					t.Errorf("%s: %+v", r.Name, r)
				}
			}
		})
	}
}

// TestSeedFlags: bad flags are refused together, before any work.
func TestSeedFlags(t *testing.T) {
	err := Seed([]string{"--database", "mysql://x", "--users", "0", "--sessions-per-user", "99", "--chunk", "0"}, io.Discard)
	for _, want := range []string{"database", "users", "sessions-per-user", "chunk"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %s, got %v", want, err)
		}
	}
}
