package apitest

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestConsoleAssets: /console serves the app with a strict CSP (self
// only, no inline code, no framing) and fixed content types; every file
// the page loads is served; nothing outside the embedded folder is.
func TestConsoleAssets(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		get := func(path string) (*http.Response, string) {
			t.Helper()
			hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err := hc.Get(s.base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		}
		res, _ := get("/console")
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/console/" {
			t.Fatalf("/console: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, page := get("/console/")
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") || res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
			res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("page: %d %v", res.StatusCode, res.Header)
		}
		// No inline script or style in the page: everything is a file.
		if regexp.MustCompile(`<script[^>]*>[^<]`).MatchString(page) || strings.Contains(page, "<style") || strings.Contains(page, "style=") ||
			regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
			t.Fatalf("inline code in the page:\n%s", page)
		}
		types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
		files := regexp.MustCompile(`(?:src|href)="([a-z]+\.[a-z]+)"`).FindAllStringSubmatch(page, -1)
		if len(files) < 3 {
			t.Fatalf("page loads %v", files)
		}
		for _, f := range append(files, []string{"", "api.js"}, []string{"", "dom.js"}, []string{"", "users.js"}) {
			res, body := get("/console/" + f[1])
			ext := f[1][strings.LastIndex(f[1], "."):]
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != types[ext] || res.Header.Get("Content-Security-Policy") != csp || body == "" {
				t.Errorf("%s: %d %q", f[1], res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		for _, p := range []string{"/console/nope.js", "/console/../go.mod", "/console/ui/index.html", "/console/console.go"} {
			if res, body := get(p); res.StatusCode != 404 && (res.StatusCode/100 != 3 || strings.HasPrefix(res.Header.Get("Location"), "/console")) || strings.Contains(body, "package ") {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	})
}

// TestConsoleInfoCallbackURL: the endpoint GET /v1/console/info gives the
// console is the base of the OAuth2 callback the server really sends to
// providers, with and without GATEHOUSE_PUBLIC_URL, so the URL the console
// shows to register is exact.
func TestConsoleInfoCallbackURL(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			for _, public := range []string{"", "https://auth.example.test/"} {
				s := startServer(t, e, options{publicURL: public})
				p := s.newProject(t)
				a := newConsoleAdmin(t, s)
				info := a.c.do("GET", "/console/info", nil)
				expect(t, info, 200, "")
				expect(t, s.client(t, "console").do("GET", "/console/info", nil), 401, "general_unauthorized_scope")
				expect(t, s.admin(t).do("PATCH", "/projects/"+p.project+"/oauth2", map[string]any{"provider": "github", "appId": "app",
					"secret": "shh", "enabled": true}), 200, "")
				res := s.client(t, p.project).get(s.base + "/v1/account/sessions/oauth2/github?project=" + p.project +
					"&success=" + url.QueryEscape("https://app.example.test/ok"))
				loc, err := url.Parse(res.Header.Get("Location"))
				if err != nil || res.StatusCode/100 != 3 {
					t.Fatalf("start: %d %q", res.StatusCode, res.Header.Get("Location"))
				}
				want := info.str(t, "endpoint") + "/account/sessions/oauth2/callback/github/" + p.project
				if got := loc.Query().Get("redirect_uri"); got != want {
					t.Fatalf("public %q: the server sends %q, the console would show %q", public, got, want)
				}
				if public != "" && !strings.HasPrefix(want, "https://auth.example.test/v1/") {
					t.Fatalf("endpoint %q ignores the public URL", want)
				}
			}
		})
	}
}
