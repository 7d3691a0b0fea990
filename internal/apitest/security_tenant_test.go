package apitest

import (
	"testing"
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
