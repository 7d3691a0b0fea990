package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestAdminsCommands: create prints a one-time link to the console under
// --public-url; list shows the administrator without a password yet;
// link prints a new one; delete removes it; mistakes are errors.
func TestAdminsCommands(t *testing.T) {
	t.Setenv("GATEHOUSE_DATABASE", "")
	for _, engine := range testdb.Engines() {
		t.Run("db="+engine.Name, func(t *testing.T) {
			db := engine.New(t)
			code, stdout, stderr := gatehouse(t, "admins", "create", "--database", db, "--create", "--email", "Root@Example.com",
				"--name", "Root", "--public-url", "https://auth.example.com/")
			link := regexp.MustCompile(`https://auth\.example\.com/console/#/welcome\?secret=[0-9a-f]{64}&userId=[0-9a-z]+`)
			if code != 0 || !strings.Contains(stdout, "(root@example.com) created") || !link.MatchString(stdout) {
				t.Fatalf("create = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			code, stdout, _ = gatehouse(t, "admins", "list", "--database", db)
			if code != 0 || !strings.Contains(stdout, "root@example.com\tRoot\tno password yet") {
				t.Fatalf("list = %d: %s", code, stdout)
			}
			if code, _, stderr = gatehouse(t, "admins", "create", "--database", db, "--email", "root@example.com"); code != 1 ||
				!strings.Contains(stderr, "user_already_exists") {
				t.Fatalf("duplicate = %d: %s", code, stderr)
			}
			code, stdout, _ = gatehouse(t, "admins", "link", "--database", db, "--email", "root@example.com", "--public-url", "http://localhost:8080")
			if code != 0 || !strings.Contains(stdout, "http://localhost:8080/console/#/welcome?secret=") {
				t.Fatalf("link = %d: %s", code, stdout)
			}
			if code, stdout, _ = gatehouse(t, "admins", "delete", "--database", db, "--email", "root@example.com"); code != 0 || !strings.Contains(stdout, "deleted") {
				t.Fatalf("delete = %d: %s", code, stdout)
			}
			if code, stdout, _ = gatehouse(t, "admins", "list", "--database", db); code != 0 || stdout != "" {
				t.Fatalf("list after delete = %d: %q", code, stdout)
			}
			if code, _, _ = gatehouse(t, "admins", "delete", "--database", db, "--email", "root@example.com"); code != 1 {
				t.Fatalf("delete twice = %d", code)
			}
			if code, _, _ = gatehouse(t, "admins", "create", "--database", db); code != 1 {
				t.Fatalf("create without --email = %d", code)
			}
			if code, _, _ = gatehouse(t, "admins", "promote", "--database", db); code != 1 {
				t.Fatalf("unknown command = %d", code)
			}
		})
	}
}
