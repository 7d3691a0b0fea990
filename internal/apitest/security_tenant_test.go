package apitest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Projects are tenants: nothing one project issues (JWTs, session
// strings, tokens, keys, link and undo tokens, OAuth states) acts in
// another, even where both hold a user with the same id.

// twoProjects makes projects A and B, each with a user of the same id
// (and address) and a users.write key, and returns their clients: the
// keyed ones and plain ones.
func twoProjects(t *testing.T, s *server, uid, mail, pw string) (keyA, keyB, a, b *client) {
	t.Helper()
	a, b = s.newProject(t), s.newProject(t)
	keyA = a.with("X-Appwrite-Key", a.key("users.read", "users.write"))
	keyB = b.with("X-Appwrite-Key", b.key("users.read", "users.write"))
	for _, k := range []*client{keyA, keyB} {
		expect(t, k.do("POST", "/users", map[string]any{"userId": uid, "email": mail, "password": pw, "name": "Alice"}), 201, "")
	}
	return keyA, keyB, a, b
}

// mintJWT has a key mint a JWT of uid (sessionID "" for none).
func mintJWT(t *testing.T, key *client, uid, sessionID string) string {
	t.Helper()
	body := map[string]any{}
	if sessionID != "" {
		body["sessionId"] = sessionID
	}
	r := key.do("POST", "/users/"+uid+"/jwts", body)
	expect(t, r, 201, "")
	return r.str(t, "jwt")
}

// TestTenantJWTStaysInItsProject: a key holder of project A mints a JWT
// of A's alice (with and without a session); with X-Appwrite-Project: B it
// neither reads nor changes B's alice, nor proves control of her to a
// link (which would merge her into the attacker's account in B).
func TestTenantJWTStaysInItsProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		mail := email()
		keyA, keyB, a, b := twoProjects(t, s, "alice", mail, "correct horse")
		sidA, _ := a.signIn(mail, "correct horse")
		for _, sid := range []string{"", sidA} {
			jwt := mintJWT(t, keyA, "alice", sid)
			// Good in A...
			expect(t, a.with("X-Appwrite-JWT", jwt).do("GET", "/account", nil), 200, "")
			// ...and nowhere else.
			inB := s.client(t, b.project).with("X-Appwrite-JWT", jwt)
			expect(t, inB.do("GET", "/account", nil), 401, "user_jwt_invalid")
			expect(t, inB.do("PATCH", "/account/name", map[string]any{"name": "Mallory"}), 401, "user_jwt_invalid")
			expect(t, inB.do("POST", "/account/jwts", nil), 401, "user_jwt_invalid")

			// An attacker signed in to B offers it as proof of alice.
			attacker := s.client(t, b.project)
			am := email()
			attacker.signUp(am, "battery staple")
			attacker.signIn(am, "battery staple")
			expect(t, attacker.do("POST", "/account/identities", map[string]any{"linkWith": jwt}), 401, "user_jwt_invalid")
			expect(t, attacker.do("GET", "/account/identities/preview?linkWith="+jwt, nil), 401, "user_jwt_invalid")
		}
		// B's alice is untouched.
		r := keyB.do("GET", "/users/alice", nil)
		expect(t, r, 200, "")
		if r.str(t, "name") != "Alice" || r.str(t, "email") != mail {
			t.Fatalf("B's alice changed: %s", r.body)
		}
	})
}

// TestTenantRateLimitsPerProject: rate-limit counters are the project's
// own (as Appwrite's, kept in each project's database). Otherwise anyone
// with a project on the instance, or access to any open one, could spend
// another project's sign-in allowance for an address and lock its owner
// out there.
func TestTenantRateLimitsPerProject(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			srv := startServer(t, e, options{rateLimits: true})
			mail := email()
			_, _, a, b := twoProjects(t, srv, "alice", mail, "correct horse")
			for range 10 {
				expect(t, srv.client(t, a.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "wrong horse"}),
					401, "user_invalid_credentials")
			}
			expect(t, srv.client(t, a.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}),
				429, "general_rate_limit_exceeded")
			r := srv.client(t, b.project).do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
			expect(t, r, 201, "")
			if r.header.Get("X-RateLimit-Remaining") != "9" {
				t.Fatalf("B's counter starts at %s remaining", r.header.Get("X-RateLimit-Remaining"))
			}
		})
	}
}

// TestTenantKeysStayInTheirProject: an API key works only with its own
// project, and a key reads no user of another project by id.
func TestTenantKeysStayInTheirProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		keyA, keyB, _, b := twoProjects(t, s, "alice", email(), "correct horse")
		expect(t, keyB.do("POST", "/users", map[string]any{"userId": "bobonly", "email": email(), "password": "correct horse"}), 201, "")
		secretA := keyA.headers["X-Appwrite-Key"]
		expect(t, b.with("X-Appwrite-Key", secretA).do("GET", "/users/alice", nil), 401, "user_unauthorized")
		expect(t, b.with("X-Appwrite-Key", secretA).do("GET", "/users", nil), 401, "user_unauthorized")
		expect(t, keyA.do("GET", "/users/bobonly", nil), 404, "user_not_found")
		expect(t, keyA.do("GET", "/users/alice", nil), 200, "")
	})
}

// TestTenantSessionStringsStayInTheirProject: alice's session string of
// project A, offered to project B (which has an alice too) in every place
// a session string is read, makes a guest: the lookup is bound to the
// project on both engines (SQLite's raw lookup, PostgreSQL's batches).
func TestTenantSessionStringsStayInTheirProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		mail := email()
		_, _, a, b := twoProjects(t, s, "alice", mail, "correct horse")
		for _, c := range []*client{a, b} {
			c.setAuth("multi-accounts", map[string]any{"enabled": true})
		}
		_, cred := s.client(t, a.project).signIn(mail, "correct horse")
		if got := whoAmI(t, s.client(t, a.project).with("X-Appwrite-Session", cred)); got != "alice" {
			t.Fatalf("A's session string is %s in A", got)
		}
		fallback := func(name string) string {
			b, _ := json.Marshal(map[string]string{name: cred})
			return string(b)
		}
		inB := s.client(t, b.project)
		for what, c := range map[string]*client{
			"header":          inB.with("X-Appwrite-Session", cred),
			"cookie":          inB.with("Cookie", "a_session_"+b.project+"="+url.QueryEscape(cred)),
			"legacy cookie":   inB.with("Cookie", "a_session_"+b.project+"_legacy="+url.QueryEscape(cred)),
			"fallback":        inB.with("X-Fallback-Cookies", fallback("a_session_"+b.project)),
			"device cookie":   inB.with("Cookie", "a_device_"+b.project+"="+url.QueryEscape(cred)).with("X-Gatehouse-Account", "alice"),
			"device fallback": inB.with("X-Fallback-Cookies", fallback("a_device_"+b.project)).with("X-Gatehouse-Account", "alice"),
		} {
			t.Run(what, func(t *testing.T) {
				expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")
			})
		}
		// Nor does B's device list show it.
		r := inB.with("X-Fallback-Cookies", fallback("a_device_"+b.project)).do("GET", "/account/device/accounts", nil)
		expect(t, r, 200, "")
		if r.obj(t)["total"] != float64(0) {
			t.Fatalf("B's device list shows A's account: %s", r.body)
		}
	})
}

// TestTenantTokensStayInTheirProject: a token of A's alice (made by A's
// key, or mailed as a code) does not sign in B's alice, and the try in B
// does not spend or withdraw it in A.
func TestTenantTokensStayInTheirProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		mail := email()
		keyA, _, a, b := twoProjects(t, s, "alice", mail, "correct horse")
		r := keyA.do("POST", "/users/alice/tokens", map[string]any{"length": 64})
		expect(t, r, 201, "")
		server := r.str(t, "secret")
		expect(t, s.client(t, a.project).do("POST", "/account/tokens/email", map[string]any{"userId": "alice", "email": mail}), 201, "")
		code := codeIn(t, s.mailTo(t, mail).Text)
		for _, sec := range []string{server, code} {
			for range 3 {
				expect(t, s.client(t, b.project).do("POST", "/account/sessions/token", map[string]any{"userId": "alice", "secret": sec}),
					401, "user_invalid_token")
			}
			in := s.client(t, a.project)
			expect(t, in.do("POST", "/account/sessions/token", map[string]any{"userId": "alice", "secret": sec}), 201, "")
			if got := whoAmI(t, in); got != "alice" {
				t.Fatalf("signed in as %s", got)
			}
		}
	})
}

// TestTenantUndoTokensStayInTheirProject: the "this wasn't me" link of a
// link in A, sent to B's undo page, undoes nothing in B (where the same
// ids were linked too) and stays good in A.
func TestTenantUndoTokensStayInTheirProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		_, kA, _, smA := linkedPair(t, s)
		cB, kB, _, _ := linkedPair(t, s)
		expect(t, kA.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		expect(t, kB.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		link := linkIn(t, s.mailWith(t, smA, "linked").Text)
		sec := link.Query().Get("secret")
		inB := *link
		inB.Path = strings.TrimSuffix(link.Path, kA.project) + cB.project
		if inB.Path == link.Path {
			t.Fatalf("undo link %s does not end with its project", link)
		}
		get := browse(t, "GET", &inB, "")
		if get.status == 200 && strings.Contains(string(get.body), "<form") {
			t.Fatalf("B's undo page offers A's change: %s", get.body)
		}
		post := browse(t, "POST", &inB, sec)
		if post.status == 200 {
			t.Fatalf("B's undo page took A's secret: %s", post.body)
		}
		expect(t, kB.do("GET", "/users/sec", nil), 404, "user_not_found") // still merged in B
		expectPage(t, browse(t, "POST", link, sec), 200, "undone")
		expect(t, kA.do("GET", "/users/sec", nil), 200, "")
	})
}

// TestTenantOAuthStateStaysInItsProject: the state of a sign-in started in
// A, brought back to B's callback, signs nobody in to B, and makes no user
// there. Two rules stop it, each alone: the callback refuses a state of
// another project, and the code is redeemed with B's callback address,
// which the provider bound it to A's.
func TestTenantOAuthStateStaysInItsProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a, idp := oauthProject(t, s)
		// B uses the same provider and app, so the client alone does not
		// tell the projects apart.
		b := s.newProject(t)
		sec, _ := json.Marshal(map[string]string{"clientSecret": idp.ClientSecret(), "wellKnownEndpoint": idp.WellKnownURL()})
		expect(t, s.admin(t).do("PATCH", "/projects/"+b.project+"/oauth2", map[string]any{"provider": "oidc", "appId": idp.ClientID(),
			"secret": string(sec), "enabled": true}), 200, "")
		idp.AddUser("sub-eve", "eve.oidc@example.test", true, "Eve")
		idp.Next("sub-eve")
		browser := s.client(t, a.project)
		start := s.base + "/v1/account/sessions/oauth2/oidc?project=" + a.project +
			"&success=" + url.QueryEscape("https://app.example.test/ok") + "&failure=" + url.QueryEscape("https://app.example.test/fail")
		res := browser.get(start)
		if res.StatusCode != 301 {
			t.Fatalf("start: %d", res.StatusCode)
		}
		res = browser.get(res.Header.Get("Location")) // the provider approves
		back, err := url.Parse(res.Header.Get("Location"))
		if err != nil || !strings.HasSuffix(back.Path, "/oidc/"+a.project) {
			t.Fatalf("callback %q: %v", res.Header.Get("Location"), err)
		}
		back.Path = strings.TrimSuffix(back.Path, a.project) + b.project
		browser.project = b.project
		res = browser.get(back.String())
		if loc := res.Header.Get("Location"); strings.HasPrefix(loc, "https://app.example.test/ok") {
			t.Fatalf("A's state signed in to B: %s", loc)
		}
		expect(t, browser.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		list := b.with("X-Appwrite-Key", b.key("users.read")).do("GET", "/users", nil)
		expect(t, list, 200, "")
		if list.obj(t)["total"] != float64(0) {
			t.Fatalf("B has users: %s", list.body)
		}
	})
}

// TestTenantDeletionStaysInItsProject: deleting A's alice, and the
// background clean-up of her rows, leaves B's alice, her sessions and her
// JWTs alone.
func TestTenantDeletionStaysInItsProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		mail := email()
		keyA, keyB, _, b := twoProjects(t, s, "alice", mail, "correct horse")
		inB := s.client(t, b.project)
		inB.signIn(mail, "correct horse")
		jwt := mintJWT(t, keyB, "alice", "")
		expect(t, keyA.do("DELETE", "/users/alice", nil), 204, "")
		deadline := time.Now().Add(20 * time.Second)
		for keyA.do("POST", "/users", map[string]any{"userId": "alice", "email": email(), "password": "another one"}).status != 201 {
			if time.Now().After(deadline) {
				t.Fatal("A's alice was never cleaned up")
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got := whoAmI(t, inB); got != "alice" {
			t.Fatalf("B's session is %s", got)
		}
		jwtWorks(t, b, jwt, "")
		r := keyB.do("GET", "/users/alice", nil)
		expect(t, r, 200, "")
		if r.str(t, "email") != mail {
			t.Fatalf("B's alice %s", r.body)
		}
	})
}

// TestTenantChallengesStayInTheirProject: an MFA challenge of A's alice,
// answered with its right code, completes no session of B's alice.
func TestTenantChallengesStayInTheirProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		mail := email()
		keyA, keyB, a, b := twoProjects(t, s, "alice", mail, "correct horse")
		for _, k := range []*client{keyA, keyB} {
			expect(t, k.do("PATCH", "/users/alice/verification", map[string]any{"emailVerification": true}), 200, "")
			expect(t, k.do("PATCH", "/users/alice/mfa", map[string]any{"mfa": true}), 200, "")
		}
		inA, inB := s.client(t, a.project), s.client(t, b.project)
		inA.signIn(mail, "correct horse")
		inB.signIn(mail, "correct horse")
		ch := inA.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"})
		expect(t, ch, 200, "")
		code := codeIn(t, s.mailTo(t, mail).Text)
		r := inB.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": code})
		if r.status < 400 || r.status >= 500 {
			t.Fatalf("A's challenge answered in B: %d %s", r.status, r.body)
		}
		expect(t, inB.do("GET", "/account", nil), 401, "user_more_factors_required")
		expect(t, inA.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": code}), 200, "")
		if got := whoAmI(t, inA); got != "alice" {
			t.Fatalf("A's session is %s", got)
		}
	})
}

// TestTenantLinkTokensStayInTheirProject: the link token of a suggested
// link in A, confirmed by B's eve (same id, same verified address), links
// nothing in B.
func TestTenantLinkTokensStayInTheirProject(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a, idp := oauthProject(t, s)
		b := s.newProject(t)
		mail := email()
		for _, c := range []*client{a, b} {
			k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
			expect(t, k.do("POST", "/users", map[string]any{"userId": "eve", "email": mail, "password": "correct horse"}), 201, "")
			expect(t, k.do("PATCH", "/users/eve/verification", map[string]any{"emailVerification": true}), 200, "")
		}
		expect(t, s.admin(t).do("PATCH", "/projects/"+a.project+"/auth/linking", map[string]any{"mode": "suggested"}), 200, "")
		idp.AddUser("sub-eve", mail, true, "Eve")
		idp.Next("sub-eve")
		end := oauthFlow(t, s, s.client(t, a.project), "sessions")
		if typ := oauthError(t, end); typ != "user_link_suggested" {
			t.Fatalf("flow: %s", typ)
		}
		tok := end.Query().Get("linkToken")
		eveB := s.client(t, b.project)
		eveB.signIn(mail, "correct horse")
		expect(t, eveB.do("POST", "/account/identities/link", map[string]any{"linkToken": tok}), 401, "user_invalid_token")
		if n := eveB.do("GET", "/account/identities", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("%v identities in B", n)
		}
	})
}
