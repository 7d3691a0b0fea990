package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// gatehouse runs the command and returns its exit status and output.
func gatehouse(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsersImportExport(t *testing.T) {
	t.Setenv("GATEHOUSE_DATABASE", "")
	hash, err := bcrypt.GenerateFromPassword([]byte("secret password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range testdb.Engines() {
		t.Run("db="+engine.Name, func(t *testing.T) {
			db := engine.New(t)
			dir := t.TempDir()
			for _, p := range []string{"one", "two"} {
				if code, _, stderr := gatehouse(t, "projects", "create", "--database", db, "--create", "--id", p, "--name", p); code != 0 {
					t.Fatalf("projects create: %s", stderr)
				}
			}
			in := filepath.Join(dir, "users.jsonl")
			data := `{"$id": "amy", "email": "amy@example.com", "password": "` + string(hash) + `", "hash": "bcrypt"}` + "\n" +
				`{"$id": "bad", "email": "not an email"}` + "\n" +
				`{"$id": "ben", "phone": "+15555550100", "labels": ["staff"]}` + "\n"
			if err := os.WriteFile(in, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}

			// Flags may follow the file.
			code, stdout, stderr := gatehouse(t, "users", "import", "--database", db, in, "--project", "one", "--format", "appwrite")
			if code != 1 || !strings.HasPrefix(stdout, "imported 2, skipped 0, failed 1 (3 rows in ") ||
				!strings.Contains(stderr, "line 2: user bad: Invalid `email` param") || !strings.Contains(stderr, "1 of 3 rows failed") {
				t.Fatalf("import = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if strings.Contains(stderr, "\r") {
				t.Errorf("progress drawn off a terminal: %q", stderr)
			}
			code, stdout, _ = gatehouse(t, "users", "import", "--database", db, "--project", "one", "--format", "appwrite", in)
			if code != 1 || !strings.HasPrefix(stdout, "imported 0, skipped 2, failed 1") {
				t.Fatalf("re-run = %d: %s", code, stdout)
			}

			out := filepath.Join(dir, "export.jsonl")
			code, stdout, stderr = gatehouse(t, "users", "export", "--database", db, "--project", "one", out)
			if code != 0 || !strings.HasPrefix(stdout, "exported 2 users") {
				t.Fatalf("export = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("export file mode %v; want 0600: it holds password hashes", fi.Mode().Perm())
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".export.jsonl.*")); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
			exported, _ := os.ReadFile(out)
			if n := strings.Count(string(exported), "\n"); n != 2 || !strings.Contains(string(exported), `"hash":"bcrypt"`) {
				t.Errorf("export:\n%s", exported)
			}

			t.Setenv("GATEHOUSE_DATABASE", db) // the default for --database
			code, stdout, stderr = gatehouse(t, "users", "import", "--project", "two", "--format", "appwrite", out)
			if code != 0 || !strings.HasPrefix(stdout, "imported 2, skipped 0, failed 0") {
				t.Fatalf("import of the export = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
		})
	}
}

func TestUsersCommandErrors(t *testing.T) {
	db := testdb.SQLite(t)
	if code, _, stderr := gatehouse(t, "projects", "create", "--database", db, "--create", "--id", "p", "--name", "p"); code != 0 {
		t.Fatal(stderr)
	}
	file := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(file, []byte(`{"users": []}`), 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"users"}, "want: users import | users export"},
		{"no project", []string{"users", "export", "--database", db, file}, "--project is required"},
		{"no format", []string{"users", "import", "--database", db, "--project", "p", file}, "--format is required"},
		{"unknown format", []string{"users", "import", "--database", db, "--project", "p", "--format", "okta", file}, `unknown format "okta"`},
		{"no file", []string{"users", "import", "--database", db, "--project", "p", "--format", "appwrite"}, "want exactly one FILE"},
		{"two files", []string{"users", "import", "--database", db, "--project", "p", "--format", "appwrite", file, file}, "want exactly one FILE"},
		{"unknown project", []string{"users", "import", "--database", db, "--project", "nope", "--format", "firebase", file}, `project "nope" not found`},
		{"firebase rounds", []string{"users", "import", "--database", db, "--project", "p", "--format", "firebase", "--rounds", "10", "missing.json"},
			"rounds 10 and mem_cost 14"},
		{"firebase hash needs key", []string{"users", "import", "--database", db, "--project", "p", "--format", "firebase", "--salt-separator", "Bw==", file},
			"salt separator was given without the signer key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := gatehouse(t, c.args...)
			if code != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, c.want)
			}
		})
	}
	code, stdout, _ := gatehouse(t, "users", "import", "--database", db, "--project", "p", "--format", "firebase", file)
	if code != 0 || !strings.HasPrefix(stdout, "imported 0, skipped 0, failed 0") {
		t.Errorf("empty firebase file: %d %s", code, stdout)
	}
}
