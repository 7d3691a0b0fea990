package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandler: whatever path a request names, the handler answers 200
// with one of the embedded files (and the CSP), or 404; it never panics
// and never serves anything else.
func FuzzHandler(f *testing.F) {
	for _, seed := range []string{"/console/", "/console/app.js", "/console/../go.mod", "/console/ui/index.html", "/console//app.css",
		"/console/%2e%2e/console.go", "/console/app.js/", "/console/.", "/console/favicon.svg?x=1"} {
		f.Add(seed)
	}
	embedded := map[string]bool{}
	fs.WalkDir(files, "ui", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(files, p)
			embedded[string(b)] = true
		}
		return nil
	})
	h := Handler()
	f.Fuzz(func(t *testing.T, p string) {
		req := httptest.NewRequest(http.MethodGet, "http://gatehouse.test/", nil)
		req.URL.Path = p
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			if !embedded[rec.Body.String()] {
				t.Fatalf("%q served something not embedded", p)
			}
			if rec.Header().Get("Content-Security-Policy") != CSP || rec.Header().Get("Content-Type") == "" {
				t.Fatalf("%q: headers %v", p, rec.Header())
			}
		case http.StatusNotFound:
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
				t.Fatalf("%q: 404 as %q", p, rec.Header().Get("Content-Type"))
			}
		default:
			t.Fatalf("%q: status %d", p, rec.Code)
		}
	})
}
