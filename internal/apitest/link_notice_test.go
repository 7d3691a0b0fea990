package apitest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLinkNoticeReachesIdentityEmails: an email a provider verified for
// one of the account's identities is an address of the account too, so
// it gets its own notice with its own undo link.
func TestLinkNoticeReachesIdentityEmails(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		gmail := "g" + email()
		idp.AddUser("sub-gil", gmail, true, "Gil")
		idp.Next("sub-gil")
		b := s.client(t, c.project)
		if end := oauthFlow(t, s, b, "sessions"); end.Path != "/ok" {
			t.Fatalf("sign-in: %s", end)
		}
		uid := b.do("GET", "/account", nil).str(t, "$id")
		// The account's own email moves elsewhere; the identity keeps the
		// provider's verified one.
		own := email()
		expect(t, k.do("PATCH", "/users/"+uid+"/email", map[string]any{"email": own}), 200, "")
		expect(t, k.do("PATCH", "/users/"+uid+"/verification", map[string]any{"emailVerification": true}), 200, "")
		sec := email()
		expect(t, k.do("POST", "/users", map[string]any{"userId": "unique()", "email": sec, "password": "secondary pass"}), 201, "")
		secID := k.do("GET", "/users?search="+sec, nil).obj(t)["users"].([]any)[0].(map[string]any)["$id"].(string)
		expect(t, k.do("POST", "/users/"+uid+"/identities", map[string]any{"userId": secID}), 200, "")
		for _, to := range []string{own, gmail} {
			m := s.mailWith(t, to, "linked")
			if l := linkIn(t, m.Text); l.Path != "/v1/account/identities/undo/"+c.project || len(l.Query().Get("secret")) != 64 {
				t.Fatalf("the notice to %s: %s", to, m.Text)
			}
		}
	})
}

// TestUndoLinkIgnoresHost: the undo link in a notice points at the server,
// whatever Host header the request that made the change carried.
func TestUndoLinkIgnoresHost(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, k, pm, _ := linkedPair(t, s)
		body := strings.NewReader(`{"userId":"sec"}`)
		req, err := http.NewRequest("POST", s.base+"/v1/users/prim/identities", body)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "evil.example"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Appwrite-Project", c.project)
		req.Header.Set("X-Appwrite-Key", k.headers["X-Appwrite-Key"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("link: %d", res.StatusCode)
		}
		l := linkIn(t, s.mailWith(t, pm, "linked").Text)
		if base, _ := url.Parse(s.base); l.Host != base.Host {
			t.Fatalf("undo link on %s, want the server's %s", l.Host, base.Host)
		}
	})
}
