package apitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
)

// oauthProject is a project with the in-test OpenID provider as "oidc".
func oauthProject(t *testing.T, s *server) (*client, *oidctest.Server) {
	t.Helper()
	c := s.newProject(t)
	idp := oidctest.Start(t)
	sec, _ := json.Marshal(map[string]string{"clientSecret": idp.ClientSecret(), "wellKnownEndpoint": idp.WellKnownURL()})
	r := s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": "oidc", "appId": idp.ClientID(),
		"secret": string(sec), "enabled": true})
	expect(t, r, 200, "")
	return c, idp
}

// get fetches a URL with c's cookies, without following redirects.
func (c *client) get(rawURL string) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", rawURL, nil)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", rawURL, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// oauthFlow runs the browser's part of a sign-in and returns where the
// server finally sent it.
func oauthFlow(t *testing.T, s *server, c *client, mode string) *url.URL {
	t.Helper()
	start := s.base + "/v1/account/" + mode + "/oauth2/oidc?project=" + c.project +
		"&success=" + url.QueryEscape("https://app.example.test/ok") + "&failure=" + url.QueryEscape("https://app.example.test/fail")
	res := c.get(start)
	if res.StatusCode != 301 {
		t.Fatalf("start: %d", res.StatusCode)
	}
	authorize, _ := url.Parse(res.Header.Get("Location"))
	if authorize.Query().Get("state") == "" || authorize.Query().Get("code_challenge") == "" {
		t.Fatalf("authorize URL %s", authorize)
	}
	res = c.get(authorize.String()) // the provider approves and sends back
	if res.StatusCode/100 != 3 {
		t.Fatalf("authorize: %d", res.StatusCode)
	}
	res = c.get(res.Header.Get("Location")) // our callback
	if res.StatusCode != 301 {
		t.Fatalf("callback: %d", res.StatusCode)
	}
	end, _ := url.Parse(res.Header.Get("Location"))
	return end
}

func oauthError(t *testing.T, end *url.URL) string {
	t.Helper()
	if end.Path != "/fail" {
		t.Fatalf("expected the failure URL, got %s", end)
	}
	var e struct{ Type string }
	json.Unmarshal([]byte(end.Query().Get("error")), &e)
	return e.Type
}

func TestOAuthSignIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		idp.AddUser("sub-ann", "ann.oidc@example.test", true, "Ann O")
		idp.Next("sub-ann")
		end := oauthFlow(t, s, c, "sessions")
		if end.String() != "https://app.example.test/ok" {
			t.Fatalf("success URL %s", end)
		}
		u := c.do("GET", "/account", nil)
		expect(t, u, 200, "")
		if u.str(t, "email") != "ann.oidc@example.test" || u.obj(t)["emailVerification"] != true || u.str(t, "name") != "Ann O" {
			t.Fatalf("user %s", u.body)
		}
		sess := c.do("GET", "/account/sessions/current", nil)
		if sess.str(t, "provider") != "oidc" || sess.str(t, "providerUid") != "sub-ann" || len(sess.obj(t)["factors"].([]any)) != 2 ||
			sess.str(t, "providerAccessToken") == "" || strings.HasPrefix(sess.str(t, "providerAccessToken"), "gh1:") {
			t.Fatalf("session %s", sess.body)
		}
		// Extending the session renews the provider's tokens.
		before := sess.str(t, "providerAccessToken")
		ext := c.do("PATCH", "/account/sessions/current", nil)
		expect(t, ext, 200, "")
		if after := ext.str(t, "providerAccessToken"); after == "" || after == before {
			t.Fatalf("provider token not refreshed: %q -> %q", before, after)
		}
		ids := c.do("GET", "/account/identities", nil)
		expect(t, ids, 200, "")
		if ids.obj(t)["total"] != float64(1) {
			t.Fatalf("identities %s", ids.body)
		}

		// Signing in again finds the same user; token mode works too.
		c2 := s.client(t, c.project)
		idp.Next("sub-ann")
		end = oauthFlow(t, s, c2, "tokens")
		if end.Query().Get("userId") != u.str(t, "$id") || end.Query().Get("secret") == "" {
			t.Fatalf("token mode %s", end)
		}
		ts := c2.do("POST", "/account/sessions/token", map[string]any{"userId": end.Query().Get("userId"), "secret": end.Query().Get("secret")})
		expect(t, ts, 201, "")
		if ts.str(t, "provider") != "oauth2" {
			t.Fatalf("token session %s", ts.body)
		}

		// Denied consent lands on the failure URL with an Appwrite error.
		idp.Deny()
		if typ := oauthError(t, oauthFlow(t, s, s.client(t, c.project), "sessions")); typ != "user_oauth2_provider_error" {
			t.Fatalf("deny: %s", typ)
		}
	})
}

func TestOAuthEmailRules(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))

		// An unverified account with the email: the provider's verified
		// email proves the address, so the sign-in claims the account and
		// the password set before the proof no longer signs in
		// (pre-account takeover; see security_prehijack_test.go).
		expect(t, k.do("POST", "/users", map[string]any{"userId": "bob", "email": "bob@example.test", "password": "correct horse"}), 201, "")
		idp.AddUser("sub-bob", "bob@example.test", true, "Bob")
		idp.Next("sub-bob")
		if end := oauthFlow(t, s, s.client(t, c.project), "sessions"); end.Path != "/ok" {
			t.Fatalf("unverified account: %s", end)
		}
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": "bob@example.test", "password": "correct horse"}),
			401, "user_invalid_credentials")
		// Both verified: the sign-in lands in the existing account.
		b := s.client(t, c.project)
		idp.Next("sub-bob")
		if end := oauthFlow(t, s, b, "sessions"); end.Path != "/ok" {
			t.Fatalf("verified link: %s", end)
		}
		if b.do("GET", "/account", nil).str(t, "$id") != "bob" {
			t.Fatal("not signed into the existing account")
		}
		// A provider that does not vouch for the email never links.
		expect(t, k.do("POST", "/users", map[string]any{"userId": "cy", "email": "cy@example.test"}), 201, "")
		expect(t, k.do("PATCH", "/users/cy/verification", map[string]any{"emailVerification": true}), 200, "")
		idp.AddUser("sub-cy", "cy@example.test", false, "Cy")
		idp.Next("sub-cy")
		if typ := oauthError(t, oauthFlow(t, s, s.client(t, c.project), "sessions")); typ != "user_already_exists" {
			t.Fatalf("unverified provider email: %s", typ)
		}

		// A signed-in user adds the provider to its own account, through
		// the link route: signing in never links (docs/linking.md).
		mail := email()
		d := s.client(t, c.project)
		uid := d.signUp(mail, "correct horse")
		d.signIn(mail, "correct horse")
		idp.AddUser("sub-dee", "dee.work@example.test", true, "Dee")
		idp.Next("sub-dee")
		if end := oauthFlow(t, s, d, "identities"); end.Path != "/ok" {
			t.Fatalf("link: %s", end)
		}
		ids := d.do("GET", "/account/identities", nil)
		list := ids.obj(t)["identities"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["userId"] != uid {
			t.Fatalf("linked identities %s", ids.body)
		}
		// The identity's email is now taken across the project.
		expect(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": "dee.work@example.test", "password": "correct horse"}), 400, "general_bad_request")
		// Deleting someone else's identity is refused; one's own works.
		iid := list[0].(map[string]any)["$id"].(string)
		expect(t, b.do("DELETE", "/account/identities/"+iid, nil), 404, "user_identity_not_found")
		expect(t, d.do("DELETE", "/account/identities/"+iid, nil), 204, "")
		all := c.with("X-Appwrite-Key", c.key("users.read")).do("GET", "/users/identities", nil)
		expect(t, all, 200, "")
	})
}

func TestOAuthErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		g := s.client(t, c.project)
		res := g.get(s.base + "/v1/account/sessions/oauth2/github?project=" + c.project + "&success=" + url.QueryEscape("https://app.example.test/ok"))
		if res.StatusCode != 412 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("disabled provider: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		res = g.get(s.base + "/v1/account/sessions/oauth2/oidc?project=" + c.project + "&success=" + url.QueryEscape("https://evil.example.net/ok"))
		if res.StatusCode != 400 {
			t.Fatalf("foreign success URL: %d", res.StatusCode)
		}
		res = g.get(s.base + "/v1/account/sessions/oauth2/nope?project=" + c.project + "&success=" + url.QueryEscape("https://app.example.test/ok"))
		if res.StatusCode != 400 {
			t.Fatalf("unknown provider: %d", res.StatusCode)
		}
		// A callback with a made-up or replayed state is refused.
		res = g.get(s.base + "/v1/account/sessions/oauth2/callback/oidc/" + c.project + "?code=x&state=forged")
		if res.StatusCode != 400 {
			t.Fatalf("forged state: %d", res.StatusCode)
		}
		idp.AddUser("sub-x", "x@example.test", true, "X")
		idp.Next("sub-x")
		start := s.base + "/v1/account/sessions/oauth2/oidc?project=" + c.project + "&success=" + url.QueryEscape("https://app.example.test/ok")
		auth := g.get(start).Header.Get("Location")
		cb := g.get(auth).Header.Get("Location")
		if r := g.get(cb); r.StatusCode != 301 {
			t.Fatalf("first callback %d", r.StatusCode)
		}
		if r := g.get(cb); r.StatusCode != 400 {
			t.Fatalf("replayed callback %d", r.StatusCode)
		}
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": "oidc", "secret": "not json"}), 400, "general_argument_invalid")
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": "myspace"}), 400, "general_argument_invalid")
	})
}

func TestLinkingModes(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "eve", "email": "eve@example.test", "password": "correct horse"}), 201, "")
		expect(t, k.do("PATCH", "/users/eve/verification", map[string]any{"emailVerification": true}), 200, "")
		idp.AddUser("sub-eve", "eve@example.test", true, "Eve")
		for mode, want := range map[string]string{"off": "user_already_exists", "suggested": "user_link_suggested"} {
			r := s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/linking", map[string]any{"mode": mode})
			expect(t, r, 200, "")
			if r.str(t, "authLinkingMode") != mode {
				t.Fatalf("mode %s", r.body)
			}
			idp.Next("sub-eve")
			end := oauthFlow(t, s, s.client(t, c.project), "sessions")
			if typ := oauthError(t, end); typ != want {
				t.Fatalf("mode %s: %s", mode, typ)
			}
			if tok := end.Query().Get("linkToken"); (tok != "") != (mode == "suggested") {
				t.Fatalf("mode %s: link token %q", mode, tok)
			}
		}
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/linking", map[string]any{"mode": "sometimes"}), 400, "general_argument_invalid")
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/linking", map[string]any{"mode": "automatic"}), 200, "")
		b := s.client(t, c.project)
		idp.Next("sub-eve")
		if end := oauthFlow(t, s, b, "sessions"); end.Path != "/ok" {
			t.Fatalf("automatic: %s", end)
		}
		if b.do("GET", "/account", nil).str(t, "$id") != "eve" {
			t.Fatal("automatic linking did not sign into the verified account")
		}
	})
}

// TestSuggestedLinking: in "suggested" mode a sign-in whose verified email
// is an existing user's verified email links nothing; the user signs in
// to the existing account and confirms with the link token.
func TestSuggestedLinking(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "eve", "email": "eve@example.test", "password": "correct horse"}), 201, "")
		expect(t, k.do("PATCH", "/users/eve/verification", map[string]any{"emailVerification": true}), 200, "")
		expect(t, k.do("POST", "/users", map[string]any{"userId": "mallory", "email": "mallory@example.test", "password": "battery staple"}), 201, "")
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/linking", map[string]any{"mode": "suggested"}), 200, "")
		idp.AddUser("sub-eve", "eve@example.test", true, "Eve")
		suggest := func(mode string) string {
			t.Helper()
			idp.Next("sub-eve")
			b := s.client(t, c.project)
			end := oauthFlow(t, s, b, mode)
			if typ := oauthError(t, end); typ != "user_link_suggested" {
				t.Fatalf("%s flow: %s", mode, typ)
			}
			expect(t, b.do("GET", "/account", nil), 401, "general_unauthorized_scope")
			tok := end.Query().Get("linkToken")
			if len(tok) < 32 {
				t.Fatalf("link token %q", tok)
			}
			return tok
		}
		tok := suggest("sessions")
		// Nothing was linked or created.
		if n := k.do("GET", "/users/identities", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("%v identities before confirming", n)
		}
		if n := k.do("GET", "/users", nil).obj(t)["total"]; n != float64(2) {
			t.Fatalf("%v users", n)
		}

		// A guest cannot confirm; another signed-in user spends the token
		// and is refused.
		expect(t, s.client(t, c.project).do("POST", "/account/identities/link", map[string]any{"linkToken": tok}), 401, "general_unauthorized_scope")
		mallory := s.client(t, c.project)
		mallory.signIn("mallory@example.test", "battery staple")
		expect(t, mallory.do("POST", "/account/identities/link", map[string]any{"linkToken": tok}), 401, "user_unauthorized")
		eve := s.client(t, c.project)
		eve.signIn("eve@example.test", "correct horse")
		expect(t, eve.do("POST", "/account/identities/link", map[string]any{"linkToken": tok}), 401, "user_invalid_token")
		expect(t, eve.do("POST", "/account/identities/link", map[string]any{"linkToken": "nonsense"}), 401, "user_invalid_token")
		expect(t, eve.do("POST", "/account/identities/link", map[string]any{}), 400, "general_argument_invalid")

		// A link token is no sign-in state: the callback refuses it.
		tok = suggest("tokens")
		res := s.client(t, c.project).get(s.base + "/v1/account/sessions/oauth2/callback/oidc/" + c.project + "?code=x&state=" + tok)
		if res.StatusCode != 400 {
			t.Fatalf("link token as state: %d", res.StatusCode)
		}
		// ...which spent it; a fresh one is confirmed by its owner.
		tok = suggest("sessions")
		r := eve.do("POST", "/account/identities/link", map[string]any{"linkToken": tok})
		expect(t, r, 201, "")
		if r.str(t, "userId") != "eve" || r.str(t, "provider") != "oidc" || r.str(t, "providerUid") != "sub-eve" ||
			r.str(t, "providerEmail") != "eve@example.test" {
			t.Fatalf("linked identity %s", r.body)
		}
		expect(t, eve.do("POST", "/account/identities/link", map[string]any{"linkToken": tok}), 401, "user_invalid_token")

		// From now on the provider signs eve in, even in suggested mode.
		idp.Next("sub-eve")
		b := s.client(t, c.project)
		if end := oauthFlow(t, s, b, "sessions"); end.Path != "/ok" {
			t.Fatalf("after linking: %s", end)
		}
		if b.do("GET", "/account", nil).str(t, "$id") != "eve" {
			t.Fatal("the linked identity did not sign eve in")
		}
		// Logged in eve's security log.
		logs := k.do("GET", "/users/eve/logs", nil).obj(t)["logs"].([]any)
		found := false
		for _, l := range logs {
			found = found || l.(map[string]any)["event"] == "user.link"
		}
		if !found {
			t.Fatalf("no user.link in eve's logs: %v", logs)
		}
	})
}

// TestOAuthProviderReused: discovery and the signing keys are fetched once,
// not on every start and callback.
func TestOAuthProviderReused(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		idp.AddUser("sub-rae", "rae@example.test", true, "Rae")
		for i := 0; i < 3; i++ {
			idp.Next("sub-rae")
			if end := oauthFlow(t, s, s.client(t, c.project), "sessions"); end.Path != "/ok" {
				t.Fatalf("sign-in %d: %s", i, end)
			}
		}
		if d, k := idp.Hits("/.well-known/openid-configuration"), idp.Hits("/jwks"); d != 1 || k != 1 {
			t.Fatalf("three sign-ins fetched discovery %d times and the keys %d times", d, k)
		}
		// A changed secret builds a new provider, which discovers again.
		sec, _ := json.Marshal(map[string]string{"clientSecret": idp.ClientSecret(), "wellKnownEndpoint": idp.WellKnownURL()})
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": "oidc", "appId": idp.ClientID(),
			"secret": string(sec), "enabled": true}), 200, "")
		idp.Next("sub-rae")
		if end := oauthFlow(t, s, s.client(t, c.project), "sessions"); end.Path != "/ok" {
			t.Fatalf("after the change: %s", end)
		}
		if d := idp.Hits("/.well-known/openid-configuration"); d != 2 {
			t.Fatalf("discovery fetched %d times after a settings change", d)
		}
	})
}
