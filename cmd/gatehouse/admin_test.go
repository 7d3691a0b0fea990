package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/httpapi"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestAdminFirstSteps runs the README's first steps on every engine: a
// project, a platform and a key, each saying which database it wrote to.
func TestAdminFirstSteps(t *testing.T) {
	t.Setenv("GATEHOUSE_DATABASE", "")
	for _, engine := range testdb.Engines() {
		t.Run("db="+engine.Name, func(t *testing.T) {
			db := engine.New(t)
			code, stdout, stderr := gatehouse(t, "projects", "create", "--database", db, "--create", "--id", "myapp", "--name", "My app")
			if code != 0 || stdout != "project myapp created\n" || !strings.HasPrefix(stderr, "database: "+engine.Name+" ") {
				t.Fatalf("projects create = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			code, stdout, stderr = gatehouse(t, "platforms", "add", "--database", db, "--project", "myapp", "--hostname", "app.example.com")
			if code != 0 || !strings.HasSuffix(stdout, " added for app.example.com\n") || !strings.Contains(stderr, "database: ") {
				t.Fatalf("platforms add = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			code, stdout, _ = gatehouse(t, "keys", "create", "--database", db, "--project", "myapp", "--name", "backend")
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "key ") || len(lines[1]) < 32 {
				t.Fatalf("keys create = %d: %s", code, stdout)
			}
			// The same project again is refused, not duplicated.
			if code, _, _ := gatehouse(t, "projects", "create", "--database", db, "--id", "myapp", "--name", "again"); code == 0 {
				t.Fatal("a second project myapp was created")
			}
			if code, _, stderr := gatehouse(t, "keys", "create", "--database", db, "--project", "myapp", "--name", "x", "--scopes", "nope"); code == 0 ||
				!strings.Contains(stderr, `unknown scope "nope"`) {
				t.Fatalf("unknown scope accepted: %s", stderr)
			}
		})
	}
}

// TestAdminRefusesANewDatabaseFile: run from the wrong folder, the default
// database path names a file that does not exist; the command refuses
// instead of writing to a new database the server never reads.
func TestAdminRefusesANewDatabaseFile(t *testing.T) {
	t.Setenv("GATEHOUSE_DATABASE", "")
	dir := t.TempDir()
	file := filepath.Join(dir, "data", "gatehouse.db")
	code, _, stderr := gatehouse(t, "projects", "create", "--database", "sqlite:"+file, "--name", "x")
	if code != 1 || !strings.Contains(stderr, "no database at "+file) || !strings.Contains(stderr, "--create") {
		t.Fatalf("= %d: %s", code, stderr)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("a database file was made: %v", err)
	}
	if code, _, _ := gatehouse(t, "users", "export", "--database", "sqlite:"+file, "--project", "x", "-"); code != 1 {
		t.Fatal("users export made a database")
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("a database file was made: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := gatehouse(t, "projects", "create", "--database", "sqlite:"+file, "--create", "--id", "p1", "--name", "x")
	if code != 0 || stdout != "project p1 created\n" || !strings.Contains(stderr, "database: sqlite "+file) {
		t.Fatalf("--create = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// TestHelpAndVersion: -h shows that command's own flags and exits 0;
// version names the build and the wire.
func TestHelpAndVersion(t *testing.T) {
	code, _, stderr := gatehouse(t, "keys", "create", "-h")
	if code != 0 || !strings.Contains(stderr, "-scopes") || strings.Contains(stderr, "-hostname") || strings.Contains(stderr, "-team") {
		t.Fatalf("keys create -h = %d:\n%s", code, stderr)
	}
	code, _, stderr = gatehouse(t, "platforms", "add", "-h")
	if code != 0 || !strings.Contains(stderr, "-hostname") || strings.Contains(stderr, "-scopes") {
		t.Fatalf("platforms add -h = %d:\n%s", code, stderr)
	}
	for _, args := range [][]string{{"serve", "-h"}, {"migrate", "-h"}, {"users", "import", "-h"}, {"bench", "-h"}} {
		if code, _, _ := gatehouse(t, args...); code != 0 {
			t.Errorf("%v exits %d", args, code)
		}
	}
	code, stdout, _ := gatehouse(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "gatehouse ") || !strings.Contains(stdout, " revision ") ||
		!strings.Contains(stdout, "Appwrite "+httpapi.Version) {
		t.Fatalf("version = %d: %q", code, stdout)
	}
}
