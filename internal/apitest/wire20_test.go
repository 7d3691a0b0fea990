package apitest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// formats are the X-Appwrite-Response-Format values the supported SDKs
// send (web 16/17 1.6.0, web 18 1.7.0, console 23 1.8.0, web 24-25 1.9.x,
// node 27 1.9.5, web 27 2.0.0), and none.
var formats = []string{"1.6.0", "1.7.0", "1.8.0", "1.9.0", "1.9.5", "2.0.0", ""}

// TestWire20VersionAndFormats: Gatehouse answers as Appwrite 2.0.0, in
// GET /v1/health/version and in error bodies, and warns no SDK built for
// 2.0.0 or older; a format newer than 2.0.0 still gets the warning.
func TestWire20VersionAndFormats(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		k := c.with("X-Appwrite-Key", c.key("users.read"))
		for _, f := range formats {
			with := func(cl *client) *client {
				if f == "" {
					return cl.with("X-Test", "none")
				}
				return cl.with("X-Appwrite-Response-Format", f)
			}
			noWarning := func(r *resp, what string) {
				t.Helper()
				if w := r.header.Get("X-Appwrite-Warning"); w != "" {
					t.Errorf("format %q, %s: X-Appwrite-Warning %q", f, what, w)
				}
			}
			v := with(s.client(t, "")).do("GET", "/health/version", nil)
			expect(t, v, 200, "")
			noWarning(v, "health/version")
			if got := v.str(t, "version"); got != "2.0.0" {
				t.Errorf("format %q: version %q, want 2.0.0", f, got)
			}
			guest := with(c).do("GET", "/account", nil)
			expect(t, guest, 401, "general_unauthorized_scope")
			noWarning(guest, "GET /account as a guest")
			if got := guest.str(t, "version"); got != "2.0.0" {
				t.Errorf("format %q: error version %q, want 2.0.0", f, got)
			}
			user := with(c)
			user.signIn(mail, "correct horse")
			me := user.do("GET", "/account", nil)
			expect(t, me, 200, "")
			noWarning(me, "GET /account")
			if me.str(t, "$id") != uid {
				t.Errorf("format %q: account %s", f, me.body)
			}
			list := with(k).do("GET", "/users", nil)
			expect(t, list, 200, "")
			noWarning(list, "GET /users with a key")
			pre := with(c).with("Origin", "https://app.example.test").do("OPTIONS", "/account", nil)
			noWarning(pre, "preflight")
		}
		for _, f := range []string{"2.0.1", "2.1.0", "3.0.0"} {
			r := c.with("X-Appwrite-Response-Format", f).do("GET", "/account", nil)
			w := r.header.Get("X-Appwrite-Warning")
			if !strings.Contains(w, "built for Appwrite "+f) || !strings.Contains(w, "server version is 2.0.0") {
				t.Errorf("format %s: warning %q", f, w)
			}
		}
	})
}

// TestWire20JWTBesideSession: since Appwrite 1.9 a JWT sent beside a
// valid session, by cookie, X-Appwrite-Session or X-Fallback-Cookies, is
// 403 user_jwt_and_cookie_set. An SDK built for 1.8 or older (format <
// 1.9.0) keeps 1.8's answer, the JWT's user; a session that is not valid
// leaves the JWT alone to decide.
func TestWire20JWTBesideSession(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		annMail, bobMail := email(), email()
		c.signUp(annMail, "correct horse")
		bobID := c.signUp(bobMail, "correct horse")
		ann := c.with("X-Test", "ann")
		_, annSession := ann.signIn(annMail, "correct horse")
		bob := c.with("X-Test", "bob")
		bob.signIn(bobMail, "correct horse")
		jr := bob.do("POST", "/account/jwts", nil)
		expect(t, jr, 201, "")
		jwt := jr.str(t, "jwt")
		fallback, _ := json.Marshal(map[string]string{"a_session_" + c.project: annSession})

		beside := map[string]*client{
			"cookie":             ann.with("X-Appwrite-JWT", jwt),
			"X-Appwrite-Session": c.with("X-Appwrite-Session", annSession).with("X-Appwrite-JWT", jwt),
			"X-Fallback-Cookies": c.with("X-Fallback-Cookies", string(fallback)).with("X-Appwrite-JWT", jwt),
		}
		// The cookie client's jar holds Ann's session; with() gives a
		// fresh jar, so copy the cookie over as a header.
		beside["cookie"] = c.with("Cookie", "a_session_"+c.project+"="+annSession).with("X-Appwrite-JWT", jwt)
		for how, cl := range beside {
			for _, f := range formats {
				r := cl.with("X-Appwrite-Response-Format", f)
				if f == "" {
					r = cl
				}
				got := r.do("GET", "/account", nil)
				if f != "" && f < "1.9.0" {
					expect(t, got, 200, "")
					if got.str(t, "$id") != bobID {
						t.Errorf("%s, format %s: account %s, want the JWT's user", how, f, got.body)
					}
					continue
				}
				expect(t, got, 403, "user_jwt_and_cookie_set")
			}
		}
		// An ended or made-up session does not count: the JWT decides.
		for _, dead := range []string{"not-a-session", annSession[:len(annSession)-4] + "AAAA"} {
			r := c.with("X-Appwrite-Session", dead).with("X-Appwrite-JWT", jwt).do("GET", "/account", nil)
			expect(t, r, 200, "")
			if r.str(t, "$id") != bobID {
				t.Fatalf("session %q beside a JWT: %s", dead, r.body)
			}
		}
		// A JWT alone and a session alone still work.
		expect(t, c.with("X-Appwrite-JWT", jwt).do("GET", "/account", nil), 200, "")
		expect(t, c.with("X-Appwrite-Session", annSession).do("GET", "/account", nil), 200, "")
	})
}

// TestWire20KeyNeedsProjectHeader: since Appwrite 1.9 a project API key
// needs X-Appwrite-Project naming its project; the project query
// parameter alone, or beside a header naming another project, is 403
// project_id_missing, whatever the format.
func TestWire20KeyNeedsProjectHeader(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		other := s.newProject(t)
		key := c.key("users.read")
		expect(t, c.with("X-Appwrite-Key", key).do("GET", "/users", nil), 200, "")
		for _, f := range formats {
			noHeader := s.client(t, "").with("X-Appwrite-Key", key).with("X-Appwrite-Response-Format", f)
			expect(t, noHeader.do("GET", "/users?project="+c.project, nil), 403, "project_id_missing")
			wrong := other.with("X-Appwrite-Key", key).with("X-Appwrite-Response-Format", f)
			expect(t, wrong.do("GET", "/users?project="+c.project, nil), 403, "project_id_missing")
		}
		// Header and parameter naming the key's project: fine.
		expect(t, c.with("X-Appwrite-Key", key).do("GET", "/users?project="+c.project, nil), 200, "")
		// The key of another project under that project's header is
		// still just an invalid key.
		expect(t, other.with("X-Appwrite-Key", key).do("GET", "/users", nil), 401, "user_unauthorized")
		// A user without a key needs no header.
		mail := email()
		c.signUp(mail, "correct horse")
		_, sess := c.signIn(mail, "correct horse")
		expect(t, s.client(t, "").with("X-Appwrite-Session", sess).do("GET", "/account?project="+c.project, nil), 200, "")
	})
}

// TestWire20ScopeLists: Appwrite 1.9's scope lists. The Users API's
// session routes take any of users.read/sessions.read (list) or
// users.write/sessions.write (create, delete), from an API key only:
// guests and users hold sessions.write and must not reach another user's
// sessions. Its target routes take users.read/users.write instead of
// targets.read/targets.write. The 401 names the whole list.
func TestWire20ScopeLists(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		admin := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, admin.do("POST", "/users", map[string]any{"userId": "ann", "email": "ann@scopes.test", "password": "password"}), 201, "")

		sessRead := c.with("X-Appwrite-Key", c.key("sessions.read"))
		expect(t, sessRead.do("GET", "/users/ann/sessions", nil), 200, "")
		sessWrite := c.with("X-Appwrite-Key", c.key("sessions.write"))
		created := sessWrite.do("POST", "/users/ann/sessions", nil)
		expect(t, created, 201, "")
		expect(t, sessWrite.do("DELETE", "/users/ann/sessions/"+created.str(t, "$id"), nil), 204, "")
		expect(t, sessWrite.do("DELETE", "/users/ann/sessions", nil), 204, "")

		// Neither opens the rest of the Users API.
		r := sessRead.do("GET", "/users/ann", nil)
		expect(t, r, 401, "general_unauthorized_scope")
		if want := `app.` + c.project + ` (role: applications) missing scopes (["users.read"])`; r.str(t, "message") != want {
			t.Errorf("message %q, want %q", r.str(t, "message"), want)
		}
		expect(t, sessWrite.do("POST", "/users/ann/sessions", nil), 201, "")
		expect(t, sessWrite.do("DELETE", "/users/identities/nosuch", nil), 401, "general_unauthorized_scope")
		expect(t, sessRead.do("POST", "/users/ann/sessions", nil), 401, "general_unauthorized_scope")
		r = c.with("X-Appwrite-Key", c.key("teams.read")).do("GET", "/users/ann/sessions", nil)
		expect(t, r, 401, "general_unauthorized_scope")
		if want := `(role: applications) missing scopes (["users.read","sessions.read"])`; !strings.HasSuffix(r.str(t, "message"), want) {
			t.Errorf("message %q, want it to end with %q", r.str(t, "message"), want)
		}

		// Guests and signed-in users hold sessions.write, for signing
		// in, and users targets.*, for their own push targets: neither
		// reaches the Users API.
		mail := email()
		c.signUp(mail, "correct horse")
		user := c.with("X-Test", "user")
		user.signIn(mail, "correct horse")
		for who, cl := range map[string]*client{"guest": c, "user": user} {
			for _, call := range []struct{ method, path string }{
				{"POST", "/users/ann/sessions"}, {"DELETE", "/users/ann/sessions"}, {"GET", "/users/ann/sessions"},
				{"DELETE", "/users/ann/sessions/anything"},
				// Users held targets.read/write for their own push
				// targets, which once opened every user's targets.
				{"GET", "/users/ann/targets"}, {"POST", "/users/ann/targets"},
				{"GET", "/users/ann/targets/anything"}, {"PATCH", "/users/ann/targets/anything"},
				{"DELETE", "/users/ann/targets/anything"},
			} {
				r := cl.do(call.method, call.path, nil)
				expect(t, r, 401, "general_unauthorized_scope")
				if !strings.Contains(r.str(t, "message"), "missing scopes ([") {
					t.Errorf("%s %s %s: message %q", who, call.method, call.path, r.str(t, "message"))
				}
			}
		}
		list := admin.do("GET", "/users/ann/sessions", nil)
		expect(t, list, 200, "")
		if n := len(list.obj(t)["sessions"].([]any)); n != 1 {
			t.Fatalf("ann has %d sessions, want the one the sessions.write key made last", n)
		}

		// Targets: the Users API's scopes, no longer targets.*.
		targets := c.with("X-Appwrite-Key", c.key("targets.read", "targets.write"))
		expect(t, targets.do("GET", "/users/ann/targets", nil), 401, "general_unauthorized_scope")
		expect(t, targets.do("POST", "/users/ann/targets", map[string]any{"targetId": "t1", "providerType": "email", "identifier": "ann@scopes.test"}), 401, "general_unauthorized_scope")
		expect(t, admin.do("GET", "/users/ann/targets", nil), 200, "")
		expect(t, admin.do("POST", "/users/ann/targets", map[string]any{"targetId": "t1", "providerType": "email", "identifier": "ann2@scopes.test"}), 201, "")
		expect(t, admin.do("PATCH", "/users/ann/targets/t1", map[string]any{"name": "work"}), 200, "")
		expect(t, admin.do("DELETE", "/users/ann/targets/t1", nil), 204, "")
	})
}

// TestWire20CORSAllowHeaders: the preflight allows the request headers
// Appwrite 1.9's SDKs may send.
func TestWire20CORSAllowHeaders(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		r := c.with("Origin", "https://app.example.test").with("Access-Control-Request-Method", "GET").do("OPTIONS", "/account", nil)
		expect(t, r, http.StatusNoContent, "")
		allowed := map[string]bool{}
		for _, h := range strings.Split(r.header.Get("Access-Control-Allow-Headers"), ",") {
			allowed[strings.ToLower(strings.TrimSpace(h))] = true
		}
		for _, h := range []string{"X-Appwrite-Organization", "X-Appwrite-Session", "X-Appwrite-Platform", "X-Appwrite-Impersonate-User-Id",
			"X-Appwrite-Impersonate-User-Email", "X-Appwrite-Impersonate-User-Phone", "X-SDK-Profile", "X-Appwrite-JWT", "X-Appwrite-Response-Format"} {
			if !allowed[strings.ToLower(h)] {
				t.Errorf("%s not in Access-Control-Allow-Headers %q", h, r.header.Get("Access-Control-Allow-Headers"))
			}
		}
	})
}

// TestUsersListAccessedAt: GET /v1/users filters and orders on
// accessedAt (Appwrite 2.0); a user never seen has none.
func TestUsersListAccessedAt(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "idle", "email": "idle@accessed.test", "password": "password"}), 201, "")
		for _, id := range []string{"ann", "bob"} {
			expect(t, k.do("POST", "/users", map[string]any{"userId": id, "email": id + "@accessed.test", "password": "password"}), 201, "")
			u := c.with("X-Test", id)
			u.signIn(id+"@accessed.test", "password")
			expect(t, u.do("GET", "/account", nil), 200, "")
			time.Sleep(2 * time.Millisecond)
		}
		list := func(queries ...string) []string {
			t.Helper()
			r := k.do("GET", "/users?"+q(queries...), nil)
			expect(t, r, 200, "")
			var got []string
			for _, u := range r.obj(t)["users"].([]any) {
				got = append(got, u.(map[string]any)["$id"].(string))
			}
			return got
		}
		if got := strings.Join(list(`{"method":"orderDesc","attribute":"accessedAt"}`), ","); got != "bob,ann,idle" {
			t.Errorf("orderDesc accessedAt: %s", got)
		}
		if got := strings.Join(list(`{"method":"isNull","attribute":"accessedAt"}`), ","); got != "idle" {
			t.Errorf("isNull accessedAt: %s", got)
		}
		r := k.do("GET", "/users/ann", nil)
		expect(t, r, 200, "")
		at := r.str(t, "accessedAt")
		if at == "" {
			t.Fatalf("ann has no accessedAt: %s", r.body)
		}
		if got := strings.Join(list(`{"method":"equal","attribute":"accessedAt","values":["`+at+`"]}`), ","); got != "ann" {
			t.Errorf("equal accessedAt %s: %s", at, got)
		}
		if got := strings.Join(list(`{"method":"greaterThan","attribute":"accessedAt","values":["`+at+`"]}`), ","); got != "bob" {
			t.Errorf("greaterThan accessedAt %s: %s", at, got)
		}
		expect(t, k.do("GET", "/users?"+q(`{"method":"equal","attribute":"accessedAt","values":[true]}`), nil), 400, "general_argument_invalid")
	})
}
