package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// packages returns every package folder under the module root, with its
// parsed non-test files.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			out[rel] = append(out[rel], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for dir, files := range packages(t) {
		found := false
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ParseComments|parser.PackageClauseOnly)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("package %s has no doc comment", dir)
		}
	}
}

// Capability packages hold the rules; they must not know about HTTP or a
// particular database.
var capability = []string{
	"internal/account", "internal/project", "internal/password", "internal/session", "internal/secret",
	"internal/ratelimit", "internal/validate", "internal/query", "internal/apperr", "internal/clientinfo",
	"internal/storage", "internal/jobs", "internal/outbox", "internal/seal", "internal/geoip", "internal/locale",
	"internal/maintenance", "internal/emailpolicy", "internal/oauthapps", "internal/oauth2server", "internal/memtrim",
}

var forbidden = []string{
	"github.com/gatehouse-auth/gatehouse/internal/httpapi",
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore",
	"database/sql",
	"github.com/jackc/pgx",
	"modernc.org/sqlite",
}

func TestCapabilityPackagesStayIndependent(t *testing.T) {
	pkgs := packages(t)
	for _, dir := range capability {
		files, ok := pkgs[filepath.FromSlash(dir)]
		if !ok {
			t.Errorf("package %s not found", dir)
			continue
		}
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range forbidden {
					if p == bad || strings.HasPrefix(p, bad+"/") {
						t.Errorf("%s imports %s", f, p)
					}
				}
			}
		}
	}
}

// testOnly are packages made for tests; the server must never import them.
var testOnly = []string{
	"github.com/gatehouse-auth/gatehouse/internal/delivery/smtptest",
	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest",
	"github.com/gatehouse-auth/gatehouse/internal/testdb",
	"github.com/gatehouse-auth/gatehouse/internal/geoip/mmdbtest",
}

func TestTestOnlyPackagesStayInTests(t *testing.T) {
	for dir, files := range packages(t) {
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range testOnly {
					if p == bad && !strings.HasPrefix(filepath.ToSlash(dir), "internal/"+strings.TrimPrefix(bad, "github.com/gatehouse-auth/gatehouse/internal/")) {
						t.Errorf("%s imports the test-only package %s", f, p)
					}
				}
			}
		}
	}
}

func TestFilesStaySmall(t *testing.T) {
	for _, files := range packages(t) {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(b), "\n"); n > 800 {
				t.Errorf("%s has %d lines; split it by idea", f, n)
			}
		}
	}
}
