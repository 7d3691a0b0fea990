package apitest

import (
	"net/url"
	"testing"
)

// TestControlCharactersAreRefused: a NUL, another control character or
// invalid UTF-8 in any text a client sends is a 400 of Appwrite's kind on
// every engine (PostgreSQL cannot store a NUL and answered 500), and
// nothing is stored.
func TestControlCharactersAreRefused(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		keyed := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")

		// Names, emails and passwords in JSON bodies, raw and escaped.
		expect(t, c.do("PATCH", "/account/name", map[string]any{"name": "Ann\x00"}), 400, "general_argument_invalid")
		expect(t, c.do("PATCH", "/account/name", `{"name":"Ann\u0000"}`), 400, "general_argument_invalid")
		expect(t, c.do("PATCH", "/account/name", `{"name":"Ann\nBob"}`), 400, "general_argument_invalid")
		expect(t, c.do("PATCH", "/account/name", `{"name":"Ann\u009bBob"}`), 400, "general_argument_invalid")
		expect(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": "x\x00" + email(), "password": "correct horse"}), 400, "general_argument_invalid")
		expect(t, keyed.do("POST", "/users", map[string]any{"userId": "unique()", "email": email(), "name": "A\x00"}), 400, "general_argument_invalid")
		// Prefs may hold line breaks, never a NUL.
		expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"note": "two\nlines"}}), 200, "")
		expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"note": "a\x00b"}}), 400, "general_argument_invalid")
		expect(t, c.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"k\x00": "v"}}), 400, "general_argument_invalid")
		// Form bodies.
		expect(t, c.with("Content-Type", "application/x-www-form-urlencoded").do("PATCH", "/account/name", "name=Ann%00"), 400, "general_argument_invalid")

		// Searches and query values, in query strings.
		expect(t, keyed.do("GET", "/users?search="+url.QueryEscape("a\x00"), nil), 400, "general_argument_invalid")
		q := `{"method":"equal","attribute":"name","values":["a\u0000"]}`
		expect(t, keyed.do("GET", "/users?queries[]="+url.QueryEscape(q), nil), 400, "general_argument_invalid")
		q = `{"method":"equal","attribute":"na\u0000me","values":["a"]}`
		expect(t, keyed.do("GET", "/users?queries[]="+url.QueryEscape(q), nil), 400, "general_argument_invalid")
		expect(t, keyed.do("GET", "/users?search=%ff%fe", nil), 400, "general_argument_invalid")

		// Path parameters.
		expect(t, keyed.do("GET", "/users/a%00b", nil), 400, "general_argument_invalid")
		expect(t, keyed.do("GET", "/users/a%ffb", nil), 400, "general_argument_invalid")
		expect(t, keyed.do("DELETE", "/users/a%00b/sessions", nil), 400, "general_argument_invalid")

		// Project ids.
		// (A NUL cannot be sent in a header; it comes in the query string.)
		for _, pid := range []string{"p\xffx", c.project + "\xc0"} {
			expect(t, s.client(t, pid).do("GET", "/account", nil), 404, "project_not_found")
		}
		for _, pid := range []string{"p\x00x", c.project + "\x00", "p\xffx"} {
			expect(t, s.client(t, "").do("GET", "/account?project="+url.QueryEscape(pid), nil), 404, "project_not_found")
		}

		// A session string carrying an escaped NUL is no session.
		bad := "eyJpZCI6ImFcdTAwMDBiIiwic2VjcmV0IjoieCJ9" // {"id":"a\u0000b","secret":"x"}
		expect(t, s.client(t, c.project).with("X-Appwrite-Session", bad).do("GET", "/account", nil), 401, "general_unauthorized_scope")

		// Nothing was stored.
		u := c.do("GET", "/account", nil)
		expect(t, u, 200, "")
		if u.str(t, "name") != "Ann" {
			t.Fatalf("name stored: %q", u.str(t, "name"))
		}
	})
}
