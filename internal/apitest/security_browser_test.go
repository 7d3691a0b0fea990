package apitest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// Cross-site requests and what the browser tells us: Origin: null, the
// forwarded headers, and cookies a sibling subdomain cannot set. See
// docs/security.md.

// rawRequest sends one request as a browser would, with headers and
// cookies set by hand (the harness's cookie jar neither sends Secure
// cookies over plain http nor lets a test plant a sibling's cookie).
type rawRequest struct {
	method, path string
	header       map[string]string
	cookies      []*http.Cookie // sent in this order
	form         url.Values     // application/x-www-form-urlencoded body
	json         string         // application/json body
}

func (s *server) raw(t *testing.T, q rawRequest) *resp {
	t.Helper()
	var body io.Reader
	switch {
	case q.form != nil:
		body = strings.NewReader(q.form.Encode())
	case q.json != "":
		body = strings.NewReader(q.json)
	}
	req, err := http.NewRequest(q.method, s.base+"/v1"+q.path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case q.form != nil:
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case q.json != "":
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range q.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	for _, ck := range q.cookies {
		req.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &resp{status: res.StatusCode, header: res.Header, body: b, cookies: res.Cookies()}
}

// sessionCookie is the a_session_<project> cookie holding credential, as
// Gatehouse writes it.
func sessionCookie(project, credential string) *http.Cookie {
	return &http.Cookie{Name: "a_session_" + project, Value: url.QueryEscape(credential)}
}

// TestBrowserNullOriginCSRF: a plain HTML form (no preflight) posted from
// a sandboxed frame or through a cross-origin redirect carries the
// victim's cookie and Origin: null, without a Referer. It must not merge
// the attacker's account into the victim's; a client without an Origin
// (a server SDK, a native app) keeps working.
func TestBrowserNullOriginCSRF(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victimMail, attackerMail := email(), email()
		victimID := s.client(t, c.project).signUp(victimMail, "correct horse")
		attacker := s.client(t, c.project)
		attackerID := attacker.signUp(attackerMail, "battery staple")
		attacker.signIn(attackerMail, "battery staple")
		jwt := attacker.do("POST", "/account/jwts", nil).str(t, "jwt")
		if jwt == "" {
			t.Fatal("no JWT for the attacker")
		}
		_, victimCred := s.client(t, c.project).signIn(victimMail, "correct horse")
		victimCookie := sessionCookie(c.project, victimCred)

		// The project travels in the query: a form cannot set headers.
		for _, path := range []string{"/account/identities", "/users/" + victimID + "/identities"} {
			for _, origin := range []string{"null", "http://[::1", "https://app.example.test:bad"} {
				r := s.raw(t, rawRequest{method: "POST", path: path + "?project=" + c.project,
					header: map[string]string{"Origin": origin}, cookies: []*http.Cookie{victimCookie},
					form: url.Values{"linkWith": {jwt}}})
				expect(t, r, 403, "general_unknown_origin")
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
					t.Fatalf("Origin %q answered with Access-Control-Allow-Origin %q", origin, got)
				}
			}
		}
		// An email change from a sandboxed page is refused the same way.
		r := s.raw(t, rawRequest{method: "PATCH", path: "/account/email?project=" + c.project,
			header: map[string]string{"Origin": "null"}, cookies: []*http.Cookie{victimCookie},
			form: url.Values{"email": {email()}, "password": {"correct horse"}}})
		expect(t, r, 403, "general_unknown_origin")

		// Nothing was merged: the attacker's account and session still
		// stand on their own, and the victim's email is unchanged.
		if got := whoAmI(t, attacker); got != attackerID {
			t.Fatalf("attacker now %s", got)
		}
		key := s.client(t, c.project).with("X-Appwrite-Key", c.key("users.read"))
		u := key.do("GET", "/users/"+victimID, nil)
		expect(t, u, 200, "")
		if u.str(t, "email") != victimMail {
			t.Fatalf("victim's email became %s", u.str(t, "email"))
		}
		expect(t, key.do("GET", "/users/"+attackerID, nil), 200, "")

		// A client without an Origin (server SDK, native app) still
		// writes with the same session; so does the app's own page.
		r = s.raw(t, rawRequest{method: "PATCH", path: "/account/name?project=" + c.project,
			cookies: []*http.Cookie{victimCookie}, form: url.Values{"name": {"Vic"}}})
		expect(t, r, 200, "")
		r = s.raw(t, rawRequest{method: "PATCH", path: "/account/name?project=" + c.project,
			header: map[string]string{"Origin": "https://app.example.test"}, cookies: []*http.Cookie{victimCookie},
			json: `{"name":"Victoria"}`})
		expect(t, r, 200, "")
	})
}

// TestBrowserNullOriginCORS: no answer, early error or preflight, ever
// says Access-Control-Allow-Origin: null, so a sandboxed page can neither
// read an answer nor send a preflighted write.
func TestBrowserNullOriginCORS(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, q := range []rawRequest{
			// the preflight of a JSON write
			{method: "OPTIONS", path: "/account/email", header: map[string]string{"Origin": "null",
				"Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "content-type,x-appwrite-project"}},
			// an answer of the project
			{method: "GET", path: "/account?project=" + c.project, header: map[string]string{"Origin": "null"}},
			// errors answered before a project is known (corsError)
			{method: "GET", path: "/account?project=nosuchproject", header: map[string]string{"Origin": "null"}},
			{method: "GET", path: "/account", header: map[string]string{"Origin": "null"}},
			{method: "GET", path: "/account", header: map[string]string{"Origin": "http://[::1"}},
		} {
			r := s.raw(t, q)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Fatalf("%s %s Origin %q: Access-Control-Allow-Origin %q", q.method, q.path, q.header["Origin"], got)
			}
		}
		// A real origin is still reflected where Appwrite reflects it.
		r := s.raw(t, rawRequest{method: "OPTIONS", path: "/account", header: map[string]string{"Origin": "https://app.example.test",
			"Access-Control-Request-Method": "POST"}})
		if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.test" {
			t.Fatalf("preflight of the app: %d %v", r.status, r.header)
		}
		r = s.raw(t, rawRequest{method: "GET", path: "/account", header: map[string]string{"Origin": "https://app.example.test"}})
		expect(t, r, 404, "project_not_found")
		if r.header.Get("Access-Control-Allow-Origin") != "https://app.example.test" {
			t.Fatalf("early error not readable by the app: %v", r.header)
		}
	})
}

// TestBrowserForwardedProtoNeedsTrustedProxy: X-Forwarded-Proto decides
// cookie flags and HSTS, so only a trusted proxy's word counts. The
// harness's clients sit on loopback, trusted by default; with no proxy
// trusted, the same request is plain http.
func TestBrowserForwardedProtoNeedsTrustedProxy(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			for _, tc := range []struct {
				noProxies bool
				https     bool
			}{{false, true}, {true, false}} {
				s := startServer(t, e, options{noProxies: tc.noProxies})
				c := s.newProject(t)
				mail := email()
				c.signUp(mail, "correct horse")
				r := s.raw(t, rawRequest{method: "POST", path: "/account/sessions/email", header: map[string]string{
					"X-Appwrite-Project": c.project, "X-Forwarded-Proto": "https", "Host": "api.example.test"},
					json: `{"email":"` + mail + `","password":"correct horse"}`})
				expect(t, r, 201, "")
				if hsts := r.header.Get("Strict-Transport-Security") != ""; hsts != tc.https {
					t.Fatalf("trusted proxy %v: HSTS %v", !tc.noProxies, hsts)
				}
				var seen bool
				for _, ck := range r.cookies {
					if ck.Name == "a_session_"+c.project {
						seen = true
						if ck.Secure != tc.https || (ck.SameSite == http.SameSiteNoneMode) != tc.https {
							t.Fatalf("trusted proxy %v: session cookie Secure %v SameSite %v", !tc.noProxies, ck.Secure, ck.SameSite)
						}
					}
				}
				if !seen {
					t.Fatalf("no session cookie: %v", r.cookies)
				}
			}
		})
	}
}
