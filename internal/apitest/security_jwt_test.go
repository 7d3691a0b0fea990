package apitest

import (
	"testing"
	"time"
)

// What ends a JWT: a session's JWT ends with its session (deleted or
// expired); a JWT minted without a session ends when all of the user's
// sessions end, the password changes with session invalidation on, or the
// user is deleted, and never comes back for a new user of the same id.

// jwtUser signs up a user in a fresh project and returns the project's
// plain client (signed in), a users.write key client, and the user's id.
func jwtUser(t *testing.T, s *server, mail, pw string) (c, key *client, uid string) {
	t.Helper()
	c = s.newProject(t)
	uid = c.signUp(mail, pw)
	c.signIn(mail, pw)
	key = c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
	return c, key, uid
}

// jwtWorks checks what a JWT does on GET /account: 200, or the error type
// (user_jwt_invalid for a refused token, general_unauthorized_scope when
// it makes a guest).
func jwtWorks(t *testing.T, c *client, jwt string, typ string) {
	t.Helper()
	r := guestOf(c).with("X-Appwrite-JWT", jwt).do("GET", "/account", nil)
	if typ == "" {
		expect(t, r, 200, "")
		return
	}
	expect(t, r, 401, typ)
}

// guestOf is a cookie-less client of c's project.
func guestOf(c *client) *client { return c.s.client(c.t, c.project) }

// TestJWTWithoutSessionIsRevocable: every way of ending all of a user's
// sessions ends the JWTs minted without one; a JWT minted right after (in
// the same second, likely the same millisecond) works.
func TestJWTWithoutSessionIsRevocable(t *testing.T) {
	const pw = "correct horse"
	cases := []struct {
		name string
		end  func(t *testing.T, c, key *client, uid string)
	}{
		{"admin deletes all sessions", func(t *testing.T, c, key *client, uid string) {
			expect(t, key.do("DELETE", "/users/"+uid+"/sessions", nil), 204, "")
		}},
		{"sign out everywhere", func(t *testing.T, c, key *client, uid string) {
			expect(t, c.do("DELETE", "/account/sessions", nil), 204, "")
		}},
		{"password change", func(t *testing.T, c, key *client, uid string) {
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "battery staple", "oldPassword": pw}), 200, "")
		}},
		{"admin sets the password", func(t *testing.T, c, key *client, uid string) {
			expect(t, key.do("PATCH", "/users/"+uid+"/password", map[string]any{"password": "battery staple"}), 200, "")
		}},
		{"password recovery", func(t *testing.T, c, key *client, uid string) {
			mail := key.do("GET", "/users/"+uid, nil).str(t, "email")
			g := guestOf(c)
			expect(t, g.do("POST", "/account/recovery", map[string]any{"email": mail, "url": "https://app.example.test/reset"}), 201, "")
			q := linkIn(t, c.s.mailTo(t, mail).Text).Query()
			expect(t, g.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": q.Get("secret"), "password": "battery staple"}), 200, "")
		}},
	}
	eachEngine(t, func(t *testing.T, srv *server) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c, key, uid := jwtUser(t, srv, email(), pw)
				jwt := mintJWT(t, key, uid, "")
				jwtWorks(t, c, jwt, "")
				tc.end(t, c, key, uid)
				jwtWorks(t, c, jwt, "user_jwt_invalid")
				// A JWT minted just after the revocation is good.
				jwtWorks(t, c, mintJWT(t, key, uid, ""), "")
			})
		}
	})
}

// TestJWTWithoutSessionEndsWithDeletedUser: deleting the user ends its
// JWTs, and a new user given the same id later is not reachable through
// them.
func TestJWTWithoutSessionEndsWithDeletedUser(t *testing.T) {
	eachEngine(t, func(t *testing.T, srv *server) {
		c := srv.newProject(t)
		key := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mail := email()
		expect(t, key.do("POST", "/users", map[string]any{"userId": "alice", "email": mail, "password": "correct horse"}), 201, "")
		jwt := mintJWT(t, key, "alice", "")
		jwtWorks(t, c, jwt, "")
		expect(t, key.do("DELETE", "/users/alice", nil), 204, "")
		jwtWorks(t, c, jwt, "general_unauthorized_scope")
		// The clean-up runs in the background; the id is free after it.
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := key.do("POST", "/users", map[string]any{"userId": "alice", "email": email(), "password": "another one"})
			if r.status == 201 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("alice's id not free again: %s", r.body)
			}
			time.Sleep(100 * time.Millisecond)
		}
		jwtWorks(t, c, jwt, "user_jwt_invalid")
		jwtWorks(t, c, mintJWT(t, key, "alice", ""), "")
	})
}

// TestJWTEndsWithItsSession: a JWT of a session (minted by the session or
// by a key naming it) ends when that session is deleted, and when it
// expires; ending a session keeps the JWTs of the others.
func TestJWTEndsWithItsSession(t *testing.T) {
	eachEngine(t, func(t *testing.T, srv *server) {
		mail := email()
		c, key, uid := jwtUser(t, srv, mail, "correct horse")
		other := guestOf(c)
		otherSID, _ := other.signIn(mail, "correct horse")
		mine := c.do("POST", "/account/jwts", nil).str(t, "jwt")
		keyMade := mintJWT(t, key, uid, otherSID)
		theirs := other.do("POST", "/account/jwts", nil).str(t, "jwt")
		for _, j := range []string{mine, keyMade, theirs} {
			jwtWorks(t, c, j, "")
		}
		expect(t, other.do("DELETE", "/account/sessions/current", nil), 204, "")
		jwtWorks(t, c, keyMade, "general_unauthorized_scope")
		jwtWorks(t, c, theirs, "general_unauthorized_scope")
		jwtWorks(t, c, mine, "")
	})
}

// TestJWTEndsWhenItsSessionExpires: a session's JWT is refused once the
// session has expired, though the JWT itself has not.
func TestJWTEndsWhenItsSessionExpires(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, srv *server, clk *testClock) {
		c := srv.newProject(t)
		c.setAuth("duration", map[string]any{"duration": 60})
		mail := email()
		uid := c.signUp(mail, "correct horse")
		sid, _ := c.signIn(mail, "correct horse")
		key := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		fromSession := c.do("POST", "/account/jwts", nil).str(t, "jwt")
		fromKey := mintJWT(t, key, uid, sid)
		jwtWorks(t, c, fromSession, "")
		jwtWorks(t, c, fromKey, "")
		clk.advance(61 * time.Second)                                              // past the session, well inside the JWTs' 15 minutes
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope") // the session itself
		jwtWorks(t, c, fromSession, "general_unauthorized_scope")
		jwtWorks(t, c, fromKey, "general_unauthorized_scope")
	})
}
