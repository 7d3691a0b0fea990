//go:build unix

package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/app"
	"github.com/gatehouse-auth/gatehouse/internal/config"
)

// TestBackupCommand: the flags and refusals of gatehouse backup. The copy
// taken during sign-ups and restored is TestBackupDuringSignUps in
// internal/apitest.
func TestBackupCommand(t *testing.T) {
	t.Setenv("GATEHOUSE_DATABASE", "")
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "gatehouse.db")
	if code, _, stderr := gatehouse(t, "projects", "create", "--database", db, "--create", "--id", "p1", "--name", "x"); code != 0 {
		t.Fatal(stderr)
	}
	dbFile := filepath.Join(dir, "gatehouse.db")
	if os.Geteuid() == 0 {
		// Run by root, the backup leaves no -wal or -shm file the
		// database's owner (the server's user) could not open.
		if err := os.Chown(dbFile, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	to := filepath.Join(dir, "copy.db")
	code, stdout, stderr := gatehouse(t, "backup", "--database", db, "--to", to)
	if code != 0 || !strings.HasPrefix(stdout, "backup written to "+to+" (") || !strings.Contains(stdout, " 0 users, schema version ") ||
		!strings.Contains(stderr, "database: sqlite "+filepath.Join(dir, "gatehouse.db")) {
		t.Fatalf("backup = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if os.Geteuid() == 0 {
		for _, f := range []string{dbFile + "-wal", dbFile + "-shm"} {
			st, err := os.Stat(f)
			if err == nil && st.Sys().(*syscall.Stat_t).Uid != 65534 {
				t.Errorf("%s belongs to uid %d", f, st.Sys().(*syscall.Stat_t).Uid)
			}
		}
	}
	first, err := os.ReadFile(to)
	if err != nil {
		t.Fatal(err)
	}
	// A second backup to the same file is refused and leaves it alone.
	code, _, stderr = gatehouse(t, "backup", "--database", db, "--to", to)
	if code != 1 || !strings.Contains(stderr, "exists") || !strings.Contains(stderr, "--force") {
		t.Fatalf("overwrite = %d: %s", code, stderr)
	}
	if again, _ := os.ReadFile(to); string(again) != string(first) {
		t.Fatal("the refused backup changed the file")
	}
	if code, _, stderr := gatehouse(t, "backup", "--database", db, "--to", to, "--force"); code != 0 {
		t.Fatalf("--force = %d: %s", code, stderr)
	}
	// The copy is a database a server starts on, with the project in it.
	if code, stdout, stderr := gatehouse(t, "projects", "create", "--database", "sqlite:"+to, "--id", "p1", "--name", "x"); code == 0 {
		t.Fatalf("project p1 missing from the copy: %s %s", stdout, stderr)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--database", db}, "--to FILE is required"},
		{[]string{"--database", db, to}, "unexpected argument"},
		{[]string{"--database", "sqlite:" + filepath.Join(dir, "none.db"), "--to", filepath.Join(dir, "x.db")}, "no database at " + filepath.Join(dir, "none.db")},
		{[]string{"--database", db, "--to", filepath.Join(dir, "gatehouse.db")}, "the destination is the database itself"},
		{[]string{"--database", db, "--to", filepath.Join(dir, "no", "such", "folder.db")}, "temporary file"},
		{[]string{"--database", "postgres://gatehouse@127.0.0.1:1/gatehouse", "--to", filepath.Join(dir, "pg.db")}, "pg_dump"},
	} {
		code, _, stderr := gatehouse(t, append([]string{"backup"}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("backup %v = %d, want 1 and %q: %s", c.args, code, c.want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Fatal("backup made the missing source database")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*")); len(files) > 0 {
		t.Fatalf("temporary files left: %v", files)
	}
	if code, _, _ := gatehouse(t, "backup", "-h"); code != 0 {
		t.Fatal("backup -h")
	}
}

// TestHealthCommand: gatehouse health exits 0 while a server answers its
// health check and 1 when it does not, or answers 503.
func TestHealthCommand(t *testing.T) {
	cfg := config.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.Database = "sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db")
	cfg.AdminKey = strings.Repeat("k", 32)
	srv, err := app.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := gatehouse(t, "health", "--addr", srv.Addr)
	if code != 0 || !strings.Contains(stdout, `"status":"pass"`) {
		t.Fatalf("health = %d: %s %s", code, stdout, stderr)
	}
	// GATEHOUSE_ADDR names the server when --addr is not given; an
	// address of every interface is asked on loopback.
	_, port, _ := strings.Cut(srv.Addr, ":")
	t.Setenv("GATEHOUSE_ADDR", ":"+port)
	if code, _, stderr := gatehouse(t, "health"); code != 0 {
		t.Fatalf("health from GATEHOUSE_ADDR = %d: %s", code, stderr)
	}
	srv.Shutdown(context.Background())
	if code, _, stderr := gatehouse(t, "health", "--addr", srv.Addr); code != 1 || !strings.Contains(stderr, "gatehouse health: ") {
		t.Fatalf("health of a stopped server = %d: %s", code, stderr)
	}

	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"message":"The database is unreachable.","code":503,"type":"general_server_error"}`)
	}))
	defer down.Close()
	code, _, stderr = gatehouse(t, "health", "--url", down.URL+"/v1/health")
	if code != 1 || !strings.Contains(stderr, "503") || !strings.Contains(stderr, "The database is unreachable.") {
		t.Fatalf("health of a 503 = %d: %s", code, stderr)
	}
	if code, _, stderr := gatehouse(t, "health", "--addr", "nonsense"); code != 1 || !strings.Contains(stderr, "addr") {
		t.Fatalf("bad addr = %d: %s", code, stderr)
	}
	if code, _, stderr := gatehouse(t, "health", "-h"); code != 0 || !strings.Contains(stderr, "-url") {
		t.Fatalf("health -h = %d: %s", code, stderr)
	}
}
