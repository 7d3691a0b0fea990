package apitest

import (
	"net/url"
	"strings"
	"testing"
)

// Impersonation (Appwrite 1.9): a user flagged impersonator acts as
// another user of its project through the X-Appwrite-Impersonate-User-*
// headers. See docs/security.md, "Impersonation: who can do what".

const impersonatePw = "correct horse battery"

// impersonationSetup is a project with an operator (flagged impersonator,
// signed in) and a target user, made with the Users API.
type impersonationSetup struct {
	p, key, op, as           *client // as: op impersonating the target by id
	opID, opMail, opSession  string
	tgtID, tgtMail, tgtPhone string
}

func newImpersonation(t *testing.T, s *server) *impersonationSetup {
	t.Helper()
	x := &impersonationSetup{p: s.newProject(t)}
	x.key = x.p.with("X-Appwrite-Key", x.p.key("users.read", "users.write", "sessions.write"))
	x.opMail = email()
	x.opID = s.client(t, x.p.project).signUp(x.opMail, impersonatePw)
	r := x.key.do("PATCH", "/users/"+x.opID+"/impersonator", map[string]any{"impersonator": true})
	expect(t, r, 200, "")
	if r.obj(t)["impersonator"] != true {
		t.Fatalf("impersonator flag not set: %s", r.body)
	}
	var cred string
	x.opSession, cred = s.client(t, x.p.project).signIn(x.opMail, impersonatePw)
	x.op = s.client(t, x.p.project).with("X-Appwrite-Session", cred)
	x.tgtMail, x.tgtPhone = email(), "+14155550000"
	r = x.key.do("POST", "/users", map[string]any{"userId": "unique()", "email": x.tgtMail, "phone": x.tgtPhone,
		"password": impersonatePw, "name": "Tom"})
	expect(t, r, 201, "")
	x.tgtID = r.str(t, "$id")
	x.as = x.op.with("X-Appwrite-Impersonate-User-Id", x.tgtID)
	return x
}

// accountID reads GET /account and returns its $id and impersonatorUserId.
func accountID(t *testing.T, c *client) (id string, operator any) {
	t.Helper()
	r := c.do("GET", "/account", nil)
	expect(t, r, 200, "")
	o := r.obj(t)
	return o["$id"].(string), o["impersonatorUserId"]
}

// TestImpersonatorFlagRoute: PATCH /users/{id}/impersonator takes a loose
// boolean, needs users.write, answers the User with the flag, and the
// users list filters and orders on it; formats before 1.9.0 see neither
// field.
func TestImpersonatorFlagRoute(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		path := "/users/" + x.tgtID + "/impersonator"
		for _, tc := range []struct {
			body any
			want bool
		}{{`{"impersonator":"true"}`, true}, {`{"impersonator":0}`, false}, {`{"impersonator":1}`, true}, {`{"impersonator":false}`, false}} {
			r := x.key.do("PATCH", path, tc.body)
			expect(t, r, 200, "")
			if o := r.obj(t); o["impersonator"] != tc.want || o["impersonatorUserId"] != nil {
				t.Fatalf("%v: %s", tc.body, r.body)
			}
			if _, ok := r.obj(t)["impersonatorUserId"]; !ok {
				t.Fatalf("impersonatorUserId missing: %s", r.body)
			}
		}
		expect(t, x.key.do("PATCH", path, map[string]any{}), 400, "general_argument_invalid")
		expect(t, x.key.do("PATCH", path, map[string]any{"impersonator": "maybe"}), 400, "general_argument_invalid")
		expect(t, x.key.do("PATCH", "/users/nobody/impersonator", map[string]any{"impersonator": true}), 404, "user_not_found")
		ro := x.p.with("X-Appwrite-Key", x.p.key("users.read"))
		expect(t, ro.do("PATCH", path, map[string]any{"impersonator": true}), 401, "general_unauthorized_scope")
		// A session, even an impersonator's, cannot set the flag.
		expect(t, x.op.do("PATCH", path, map[string]any{"impersonator": true}), 401, "general_unauthorized_scope")

		r := x.key.do("GET", "/users?"+q(`{"method":"equal","attribute":"impersonator","values":[true]}`), nil)
		expect(t, r, 200, "")
		users := r.obj(t)["users"].([]any)
		if len(users) != 1 || users[0].(map[string]any)["$id"] != x.opID {
			t.Fatalf("impersonators: %s", r.body)
		}
		r = x.key.do("GET", "/users?"+q(`{"method":"orderDesc","attribute":"impersonator"}`), nil)
		expect(t, r, 200, "")
		if users := r.obj(t)["users"].([]any); len(users) != 2 || users[0].(map[string]any)["$id"] != x.opID {
			t.Fatalf("ordered on impersonator: %s", r.body)
		}

		old := x.key.with("X-Appwrite-Response-Format", "1.8.0")
		for _, r := range []*resp{old.do("GET", "/users/"+x.opID, nil), old.do("PATCH", path, map[string]any{"impersonator": false})} {
			expect(t, r, 200, "")
			if o := r.obj(t); o["impersonator"] != nil || strings.Contains(string(r.body), "impersonator") {
				t.Fatalf("1.8.0 format shows impersonation fields: %s", r.body)
			}
		}
		r = x.op.with("X-Appwrite-Response-Format", "1.8.0").do("GET", "/account", nil)
		expect(t, r, 200, "")
		if strings.Contains(string(r.body), "impersonator") {
			t.Fatalf("1.8.0 account shows impersonation fields: %s", r.body)
		}
		r = x.op.with("X-Appwrite-Response-Format", "1.9.0").do("GET", "/account", nil)
		expect(t, r, 200, "")
		if o := r.obj(t); o["impersonator"] != true || o["impersonatorUserId"] != nil || !strings.HasSuffix(string(r.body), `"impersonator":true,"impersonatorUserId":null}`) {
			t.Fatalf("1.9.0 account: %s", r.body)
		}
	})
}

// TestImpersonateActsAsTarget: the operator's session, and its JWT, read
// the target's account by id, email (any case) or phone, from a header or
// a query parameter; id comes first; an empty value is not set.
func TestImpersonateActsAsTarget(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		for name, c := range map[string]*client{
			"id":       x.as,
			"email":    x.op.with("X-Appwrite-Impersonate-User-Email", strings.ToUpper(x.tgtMail)),
			"phone":    x.op.with("X-Appwrite-Impersonate-User-Phone", x.tgtPhone),
			"id first": x.as.with("X-Appwrite-Impersonate-User-Email", x.opMail),
			"empty id": x.op.with("X-Appwrite-Impersonate-User-Id", "").with("X-Appwrite-Impersonate-User-Email", x.tgtMail),
		} {
			id, op := accountID(t, c)
			if id != x.tgtID || op != x.opID {
				t.Errorf("%s: account %s impersonatorUserId %v, want %s and %s", name, id, op, x.tgtID, x.opID)
			}
		}
		for _, param := range []string{"impersonateUserId=" + x.tgtID, "impersonateuserid=" + x.tgtID,
			"impersonateEmail=" + url.QueryEscape(x.tgtMail), "impersonateemail=" + url.QueryEscape(x.tgtMail),
			"impersonatePhone=" + url.QueryEscape(x.tgtPhone), "impersonatephone=" + url.QueryEscape(x.tgtPhone),
			"impersonateuserid=&impersonateemail=" + url.QueryEscape(x.tgtMail)} {
			r := x.op.do("GET", "/account?"+param, nil)
			expect(t, r, 200, "")
			if o := r.obj(t); o["$id"] != x.tgtID || o["impersonatorUserId"] != x.opID {
				t.Errorf("?%s: %s", param, r.body)
			}
		}
		// Empty values everywhere (as the web SDK sends them): the operator.
		r := x.op.with("X-Appwrite-Impersonate-User-Id", "").do("GET", "/account?impersonateuserid=", nil)
		expect(t, r, 200, "")
		if o := r.obj(t); o["$id"] != x.opID || o["impersonatorUserId"] != nil || o["impersonator"] != true {
			t.Fatalf("empty impersonation: %s", r.body)
		}
		// The operator's own JWT impersonates too.
		jwt := x.op.do("POST", "/account/jwts", nil)
		expect(t, jwt, 201, "")
		byJWT := s.client(t, x.p.project).with("X-Appwrite-JWT", jwt.str(t, "jwt")).with("X-Appwrite-Impersonate-User-Id", x.tgtID)
		if id, op := accountID(t, byJWT); id != x.tgtID || op != x.opID {
			t.Fatalf("JWT impersonation: %s %v", id, op)
		}
		// Reads and harmless writes act on the target.
		r = x.as.do("GET", "/account/prefs", nil)
		expect(t, r, 200, "")
		r = x.as.do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"theme": "dark"}})
		expect(t, r, 200, "")
		if o := r.obj(t); o["$id"] != x.tgtID || o["impersonatorUserId"] != x.opID {
			t.Fatalf("prefs: %s", r.body)
		}
		for _, path := range []string{"/account/sessions", "/account/logs", "/account/mfa/factors", "/account/identities"} {
			expect(t, x.as.do("GET", path, nil), 200, "")
		}
		r = x.key.do("GET", "/users/"+x.tgtID+"/prefs", nil)
		if !strings.Contains(string(r.body), "dark") {
			t.Fatalf("target prefs: %s", r.body)
		}
		r = x.key.do("GET", "/users/"+x.opID+"/prefs", nil)
		if strings.Contains(string(r.body), "dark") {
			t.Fatalf("operator prefs changed: %s", r.body)
		}
	})
}

// TestImpersonateIgnoredWithoutRight: an unknown target, a user of
// another project (by id, email or phone), a caller not flagged
// impersonator, an API key, and an operator whose flag was taken away
// all run as themselves: the header escalates nothing.
func TestImpersonateIgnoredWithoutRight(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		// Unknown target.
		if id, op := accountID(t, x.op.with("X-Appwrite-Impersonate-User-Id", "nobody")); id != x.opID || op != nil {
			t.Fatalf("unknown target: %s %v", id, op)
		}
		// Project B holds a user with an id, email and phone that A lacks.
		b := s.newProject(t)
		keyB := b.with("X-Appwrite-Key", b.key("users.read", "users.write"))
		otherMail := email()
		expect(t, keyB.do("POST", "/users", map[string]any{"userId": "victim", "email": otherMail, "phone": "+14155550199",
			"password": impersonatePw}), 201, "")
		for _, h := range [][2]string{{"X-Appwrite-Impersonate-User-Id", "victim"},
			{"X-Appwrite-Impersonate-User-Email", otherMail}, {"X-Appwrite-Impersonate-User-Phone", "+14155550199"}} {
			if id, op := accountID(t, x.op.with(h[0], h[1])); id != x.opID || op != nil {
				t.Fatalf("%s from project B: account %s, impersonatorUserId %v", h[0], id, op)
			}
			// The operator's session says nothing in project B.
			expect(t, s.client(t, b.project).with("X-Appwrite-Session", x.op.headers["X-Appwrite-Session"]).with(h[0], h[1]).
				do("GET", "/account", nil), 401, "general_unauthorized_scope")
		}
		// Project B's key cannot flag a user of project A.
		expect(t, keyB.do("PATCH", "/users/"+x.opID+"/impersonator", map[string]any{"impersonator": true}), 404, "user_not_found")
		expect(t, s.client(t, x.p.project).with("X-Appwrite-Key", keyB.headers["X-Appwrite-Key"]).
			do("PATCH", "/users/"+x.tgtID+"/impersonator", map[string]any{"impersonator": true}), 401, "")

		// The target is not an impersonator: naming the operator does nothing.
		_, tcred := s.client(t, x.p.project).signIn(x.tgtMail, impersonatePw)
		tgt := s.client(t, x.p.project).with("X-Appwrite-Session", tcred)
		if id, op := accountID(t, tgt.with("X-Appwrite-Impersonate-User-Id", x.opID)); id != x.tgtID || op != nil {
			t.Fatalf("non-impersonator: %s %v", id, op)
		}
		expect(t, tgt.with("X-Appwrite-Impersonate-User-Id", x.opID).do("PATCH", "/account/name", map[string]any{"name": "Owned"}), 200, "")
		if r := x.key.do("GET", "/users/"+x.opID, nil); r.str(t, "name") == "Owned" {
			t.Fatalf("non-impersonator renamed the operator")
		}
		expect(t, tgt.do("GET", "/users", nil), 401, "general_unauthorized_scope")

		// A key never impersonates.
		r := x.key.with("X-Appwrite-Impersonate-User-Id", x.tgtID).do("GET", "/users/"+x.opID, nil)
		expect(t, r, 200, "")
		if r.obj(t)["impersonatorUserId"] != nil {
			t.Fatalf("key: %s", r.body)
		}

		// Taking the flag away ends impersonation at once, for the session
		// and for a JWT minted before.
		jwt := x.op.do("POST", "/account/jwts", nil)
		expect(t, jwt, 201, "")
		expect(t, x.key.do("PATCH", "/users/"+x.opID+"/impersonator", map[string]any{"impersonator": false}), 200, "")
		for _, c := range []*client{x.as, s.client(t, x.p.project).with("X-Appwrite-JWT", jwt.str(t, "jwt")).with("X-Appwrite-Impersonate-User-Id", x.tgtID)} {
			if id, op := accountID(t, c); id != x.opID || op != nil {
				t.Fatalf("after the flag went: %s %v", id, op)
			}
		}
		expect(t, x.op.do("GET", "/users", nil), 401, "general_unauthorized_scope")
	})
}

// TestImpersonateRefusesSecretsAndWaysIn: while impersonating, every
// Account API route that reads a secret, changes a way in, or makes a
// credential is refused, and the target's account is as it was: its
// password still signs in, the operator's guess does not.
func TestImpersonateRefusesSecretsAndWaysIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		tgtSession, _ := s.client(t, x.p.project).signIn(x.tgtMail, impersonatePw)
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"PATCH", "/account/email", map[string]any{"email": "mallory@example.test", "password": impersonatePw}},
			{"PATCH", "/account/phone", map[string]any{"phone": "+14155550100", "password": impersonatePw}},
			{"PATCH", "/account/password", map[string]any{"password": "mallory's password"}},
			{"PATCH", "/account/status", nil},
			{"DELETE", "/account", nil},
			{"POST", "/account/jwts", nil},
			{"POST", "/account/jwt", nil},
			{"DELETE", "/account/sessions/current", nil},
			{"DELETE", "/account/sessions/" + tgtSession, nil},
			{"DELETE", "/account/sessions", nil},
			{"PATCH", "/account/sessions/" + tgtSession, nil},
			{"PATCH", "/account/mfa", map[string]any{"mfa": true}},
			{"POST", "/account/mfa/authenticators/totp", nil},
			{"PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": "123456"}},
			{"DELETE", "/account/mfa/authenticators/totp", nil},
			{"POST", "/account/mfa/recovery-codes", nil},
			{"GET", "/account/mfa/recovery-codes", nil},
			{"PATCH", "/account/mfa/recovery-codes", nil},
			{"POST", "/account/mfa/challenges", map[string]any{"factor": "email"}},
			{"PUT", "/account/mfa/challenges", map[string]any{"challengeId": "x", "otp": "123456"}},
			{"DELETE", "/account/identities/someid", nil},
			{"POST", "/account/identities", map[string]any{"email": "x@example.test", "password": impersonatePw}},
			{"GET", "/account/identities/preview", nil},
			{"POST", "/account/verifications/email", map[string]any{"url": "https://app.example.test/v"}},
			{"POST", "/account/verifications/phone", nil},
			{"POST", "/account/targets/push", map[string]any{"targetId": "unique()", "identifier": "tok"}},
			{"GET", "/account/device/accounts", nil},
			{"POST", "/account/sessions/email", map[string]any{"email": x.tgtMail, "password": impersonatePw}},
			{"POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": x.tgtMail}},
			{"POST", "/account/recovery", map[string]any{"email": x.tgtMail, "url": "https://app.example.test/r"}},
		} {
			expect(t, x.as.do(tc.method, tc.path, tc.body), 401, "user_unauthorized")
		}
		// Nothing changed: the target signs in with its own password and
		// keeps its address, its session and MFA off; the operator's guess
		// signs no one in; the operator's own session lives on.
		u := x.key.do("GET", "/users/"+x.tgtID, nil)
		expect(t, u, 200, "")
		if o := u.obj(t); o["email"] != x.tgtMail || o["phone"] != x.tgtPhone || o["mfa"] != false || o["status"] != true {
			t.Fatalf("target changed: %s", u.body)
		}
		expect(t, s.client(t, x.p.project).do("POST", "/account/sessions/email",
			map[string]any{"email": x.tgtMail, "password": "mallory's password"}), 401, "user_invalid_credentials")
		s.client(t, x.p.project).signIn(x.tgtMail, impersonatePw)
		r := x.key.do("GET", "/users/"+x.tgtID+"/sessions", nil)
		expect(t, r, 200, "")
		if !strings.Contains(string(r.body), tgtSession) {
			t.Fatalf("target session gone: %s", r.body)
		}
		if id, _ := accountID(t, x.op); id != x.opID {
			t.Fatalf("operator session: %s", id)
		}
		// Without the header the operator signs itself out as usual.
		expect(t, x.op.do("DELETE", "/account/sessions/current", nil), 204, "")
		expect(t, x.as.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

// TestImpersonateBlockedTarget: a blocked target is user_blocked.
func TestImpersonateBlockedTarget(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		expect(t, x.key.do("PATCH", "/users/"+x.tgtID+"/status", map[string]any{"status": false}), 200, "")
		expect(t, x.as.do("GET", "/account", nil), 403, "user_blocked")
		expect(t, x.as.do("PATCH", "/account/name", map[string]any{"name": "x"}), 403, "user_blocked")
		// The operator itself is still fine.
		if id, _ := accountID(t, x.op); id != x.opID {
			t.Fatalf("operator: %s", id)
		}
	})
}

// TestImpersonateLeavesAccessedAt: the target's accessedAt is not
// refreshed by requests made as it.
func TestImpersonateLeavesAccessedAt(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		before := x.key.do("GET", "/users/"+x.tgtID, nil).str(t, "accessedAt")
		id, _ := accountID(t, x.as)
		expect(t, x.as.do("PATCH", "/account/name", map[string]any{"name": "Tommy"}), 200, "")
		after := x.key.do("GET", "/users/"+x.tgtID, nil).str(t, "accessedAt")
		if id != x.tgtID || after != before {
			t.Fatalf("accessedAt %q became %q", before, after)
		}
	})
}

// TestImpersonateLogNamesOperator: a change made as the target goes to
// the target's security log, naming the operator.
func TestImpersonateLogNamesOperator(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		r := x.as.do("PATCH", "/account/name", map[string]any{"name": "Renamed"})
		expect(t, r, 200, "")
		if o := r.obj(t); o["$id"] != x.tgtID || o["name"] != "Renamed" || o["impersonatorUserId"] != x.opID {
			t.Fatalf("rename: %s", r.body)
		}
		for _, c := range []struct {
			who  *client
			path string
		}{{x.key, "/users/" + x.tgtID + "/logs"}, {x.as, "/account/logs"}} {
			r = c.who.do("GET", c.path, nil)
			expect(t, r, 200, "")
			logs := r.obj(t)["logs"].([]any)
			if len(logs) == 0 {
				t.Fatalf("%s: no logs", c.path)
			}
			l := logs[0].(map[string]any)
			if l["userId"] != x.opID || l["userEmail"] != x.opMail || l["userName"] != "Ann" || l["mode"] != "default" {
				t.Fatalf("%s: newest entry %v, want the operator %s", c.path, l, x.opID)
			}
		}
	})
}

// TestImpersonatorReadsUsersWithoutSecrets: an impersonator's session
// holds users.read, to find whom to impersonate, but sees no password
// hash and no recovery codes.
func TestImpersonatorReadsUsersWithoutSecrets(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		x := newImpersonation(t, s)
		r := x.op.do("GET", "/users?search="+url.QueryEscape("Tom"), nil)
		expect(t, r, 200, "")
		users := r.obj(t)["users"].([]any)
		if len(users) != 1 {
			t.Fatalf("search: %s", r.body)
		}
		u := users[0].(map[string]any)
		if u["$id"] != x.tgtID || u["password"] != nil || u["hashOptions"] != nil {
			t.Fatalf("user seen by an operator: %s", r.body)
		}
		r = x.op.do("GET", "/users/"+x.tgtID, nil)
		expect(t, r, 200, "")
		if r.obj(t)["password"] != nil {
			t.Fatalf("operator sees a password hash: %s", r.body)
		}
		// The key still sees the hash.
		if r := x.key.do("GET", "/users/"+x.tgtID, nil); r.obj(t)["password"] == nil {
			t.Fatalf("key lost the hash: %s", r.body)
		}
		expect(t, x.op.do("GET", "/users/"+x.tgtID+"/mfa/recovery-codes", nil), 401, "general_unauthorized_scope")
		expect(t, x.as.do("GET", "/users/"+x.tgtID+"/mfa/recovery-codes", nil), 401, "general_unauthorized_scope")
		// users.read only: no writes.
		expect(t, x.op.do("PATCH", "/users/"+x.tgtID+"/password", map[string]any{"password": "mallory's password"}), 401, "general_unauthorized_scope")
		expect(t, x.op.do("POST", "/users/"+x.tgtID+"/jwts", nil), 401, "general_unauthorized_scope")
	})
}

// TestImpersonatorSeesNoProviderTokens: an OAuth2 user's provider tokens
// are shown to it and to API keys, never to an impersonator: not on the
// sessions and identities it reads as the user, nor through the Users API
// with its session.
func TestImpersonatorSeesNoProviderTokens(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		idp.AddUser("sub-imp", "imp.oidc@example.test", true, "Ida P")
		idp.Next("sub-imp")
		if end := oauthFlow(t, s, c, "sessions"); end.Path != "/ok" {
			t.Fatalf("sign-in ended at %s", end)
		}
		own := c.do("GET", "/account/sessions/current", nil)
		expect(t, own, 200, "")
		if own.str(t, "providerAccessToken") == "" {
			t.Fatalf("the user's own session shows no access token: %s", own.body)
		}
		tgtID := own.str(t, "userId")
		key := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		opMail := email()
		opID := s.client(t, c.project).signUp(opMail, impersonatePw)
		expect(t, key.do("PATCH", "/users/"+opID+"/impersonator", map[string]any{"impersonator": true}), 200, "")
		_, cred := s.client(t, c.project).signIn(opMail, impersonatePw)
		op := s.client(t, c.project).with("X-Appwrite-Session", cred)
		as := op.with("X-Appwrite-Impersonate-User-Id", tgtID)

		check := func(r *resp, list string) {
			t.Helper()
			expect(t, r, 200, "")
			items := r.obj(t)[list].([]any)
			if len(items) == 0 {
				t.Fatalf("no %s: %s", list, r.body)
			}
			for _, x := range items {
				m := x.(map[string]any)
				if m["providerAccessToken"] != "" || m["providerRefreshToken"] != "" {
					t.Fatalf("provider token shown: %s", r.body)
				}
			}
		}
		check(as.do("GET", "/account/sessions", nil), "sessions")
		check(as.do("GET", "/account/identities", nil), "identities")
		check(op.do("GET", "/users/"+tgtID+"/sessions", nil), "sessions")
		check(op.do("GET", "/users/identities", nil), "identities")
		r := as.do("GET", "/account/sessions/"+own.str(t, "$id"), nil)
		expect(t, r, 200, "")
		if r.str(t, "providerAccessToken") != "" {
			t.Fatalf("session read as the user: %s", r.body)
		}
		// The key still reads it.
		if r := key.do("GET", "/users/"+tgtID+"/sessions", nil); !strings.Contains(string(r.body), `"providerAccessToken":"`) ||
			r.obj(t)["sessions"].([]any)[0].(map[string]any)["providerAccessToken"] == "" {
			t.Fatalf("key: %s", r.body)
		}
	})
}
