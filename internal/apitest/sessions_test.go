package apitest

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSessionCredentials(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		r := c.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"})
		expect(t, r, 201, "")
		sess := r.obj(t)
		if sess["secret"] != "" || sess["current"] != true || sess["provider"] != "email" || sess["providerUid"] != mail ||
			sess["userId"] != uid || sess["countryCode"] != "--" || sess["ip"] != "127.0.0.1" {
			t.Fatalf("session %s", r.body)
		}
		if f := sess["factors"].([]any); len(f) != 1 || f[0] != "password" {
			t.Fatalf("factors %v", f)
		}
		// Both cookies, lower-cased names, HttpOnly; no Domain on an IP host.
		names := map[string]bool{}
		for _, ck := range r.cookies {
			names[ck.Name] = true
			if !ck.HttpOnly || ck.Domain != "" || ck.Path != "/" {
				t.Fatalf("cookie %+v", ck)
			}
		}
		want := "a_session_" + strings.ToLower(c.project)
		if !names[want] || !names[want+"_legacy"] {
			t.Fatalf("cookies %v", names)
		}
		// The session string is base64 JSON {"id","secret"}.
		var fb map[string]string
		json.Unmarshal([]byte(r.header.Get("X-Fallback-Cookies")), &fb)
		raw, err := base64.StdEncoding.DecodeString(fb["a_session_"+c.project])
		if err != nil {
			t.Fatal(err)
		}
		var cred struct{ ID, Secret string }
		json.Unmarshal(raw, &cred)
		if cred.ID != uid || len(cred.Secret) < 32 {
			t.Fatalf("credential %s", raw)
		}
		cs := fb["a_session_"+c.project]

		for name, cl := range map[string]*client{
			"cookie":          c,
			"legacy cookie":   s.client(t, c.project).with("Cookie", want+"_legacy="+url.QueryEscape(cs)),
			"session header":  s.client(t, c.project).with("X-Appwrite-Session", cs),
			"fallback header": s.client(t, c.project).with("X-Fallback-Cookies", r.header.Get("X-Fallback-Cookies")),
		} {
			t.Run(name, func(t *testing.T) {
				if got := cl.do("GET", "/account", nil); got.status != 200 || got.str(t, "$id") != uid {
					t.Fatalf("%d %s", got.status, got.body)
				}
			})
		}
		// A forged secret, another user's id, garbage: all guests.
		forged := base64.StdEncoding.EncodeToString([]byte(`{"id":"` + uid + `","secret":"` + strings.Repeat("a", 64) + `"}`))
		other := base64.StdEncoding.EncodeToString([]byte(`{"id":"someone","secret":"` + cred.Secret + `"}`))
		for _, bad := range []string{forged, other, "!!!", "e30="} {
			expect(t, s.client(t, c.project).with("X-Appwrite-Session", bad).do("GET", "/account", nil), 401, "general_unauthorized_scope")
		}
		// A session of one project means nothing in another.
		expect(t, s.newProject(t).with("X-Appwrite-Session", cs).do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// Signing in again while signed in is refused.
		expect(t, c.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 401, "user_session_already_exists")
	})
}

func TestSignInErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		for _, tc := range []struct {
			name   string
			body   any
			status int
			typ    string
		}{
			{"wrong password", map[string]any{"email": mail, "password": "wrong horse"}, 401, "user_invalid_credentials"},
			{"unknown email", map[string]any{"email": email(), "password": "correct horse"}, 401, "user_invalid_credentials"},
			{"bad email", map[string]any{"email": "x", "password": "correct horse"}, 400, "general_argument_invalid"},
			{"no password", map[string]any{"email": mail}, 400, "general_argument_invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", tc.body), tc.status, tc.typ)
			})
		}
		// The email matches whatever its case.
		s.client(t, c.project).signIn(strings.ToUpper(mail), "correct horse")
		// The pre-1.4 path works too.
		expect(t, s.client(t, c.project).do("POST", "/account/sessions", map[string]any{"email": mail, "password": "correct horse"}), 201, "")
		// Unknown and missing projects.
		expect(t, s.client(t, "nope").do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "correct horse"}), 404, "project_not_found")
		expect(t, s.client(t, "").do("GET", "/account", nil), 404, "project_not_found")
	})
}

func TestSessionManagement(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		first, _ := c.signIn(mail, "correct horse")
		other := s.client(t, c.project)
		second, _ := other.signIn(mail, "correct horse")

		r := c.do("GET", "/account/sessions", nil)
		expect(t, r, 200, "")
		list := r.obj(t)
		if list["total"] != float64(2) {
			t.Fatalf("sessions %s", r.body)
		}
		for _, x := range list["sessions"].([]any) {
			m := x.(map[string]any)
			if (m["$id"] == first) != (m["current"] == true) || m["secret"] != "" {
				t.Fatalf("current flag / secret wrong: %v", m)
			}
		}
		g := c.do("GET", "/account/sessions/current", nil)
		expect(t, g, 200, "")
		if g.str(t, "$id") != first || g.obj(t)["current"] != true {
			t.Fatalf("current %s", g.body)
		}
		if got := c.do("GET", "/account/sessions/"+second, nil); got.status != 200 || got.obj(t)["current"] != false {
			t.Fatalf("other session %s", got.body)
		}
		expect(t, c.do("GET", "/account/sessions/nope", nil), 404, "user_session_not_found")
		expect(t, c.do("GET", "/account/sessions/_bad", nil), 400, "general_argument_invalid")

		before := g.str(t, "expire")
		time.Sleep(5 * time.Millisecond)
		u := c.do("PATCH", "/account/sessions/current", nil)
		expect(t, u, 200, "")
		if u.str(t, "expire") <= before {
			t.Fatalf("expire not extended: %s -> %s", before, u.str(t, "expire"))
		}

		// Another user cannot see or end this user's sessions.
		stranger := s.client(t, c.project)
		sm := email()
		stranger.signUp(sm, "correct horse")
		stranger.signIn(sm, "correct horse")
		expect(t, stranger.do("GET", "/account/sessions/"+first, nil), 404, "user_session_not_found")
		expect(t, stranger.do("DELETE", "/account/sessions/"+first, nil), 404, "user_session_not_found")

		// Ending another of my sessions leaves this one alive.
		expect(t, c.do("DELETE", "/account/sessions/"+second, nil), 204, "")
		expect(t, other.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, c.do("GET", "/account", nil), 200, "")
		// Ending the current one clears the cookies.
		d := c.do("DELETE", "/account/sessions/current", nil)
		expect(t, d, 204, "")
		if d.header.Get("X-Fallback-Cookies") != "[]" || len(d.cookies) != 2 || d.cookies[0].MaxAge >= 0 && d.cookies[0].Expires.After(time.Now()) {
			t.Fatalf("logout headers %v", d.header)
		}
		// Expired with Appwrite's value for a removed cookie.
		for _, ck := range d.cookies {
			if ck.Value != "deleted" {
				t.Fatalf("logout cookie %s=%q", ck.Name, ck.Value)
			}
		}
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")

		// DELETE /account/sessions ends them all.
		a, b := s.client(t, c.project), s.client(t, c.project)
		a.signIn(mail, "correct horse")
		b.signIn(mail, "correct horse")
		expect(t, a.do("DELETE", "/account/sessions", nil), 204, "")
		expect(t, b.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, a.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

func TestSessionLimitAndDuration(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		c.setAuth("max-sessions", map[string]any{"limit": 2})
		mail := email()
		c.signUp(mail, "correct horse")
		oldest := s.client(t, c.project)
		oldest.signIn(mail, "correct horse")
		mid := s.client(t, c.project)
		mid.signIn(mail, "correct horse")
		newest := s.client(t, c.project)
		newest.signIn(mail, "correct horse")
		expect(t, oldest.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, mid.do("GET", "/account", nil), 200, "")
		if n := newest.do("GET", "/account/sessions", nil).obj(t)["total"]; n != float64(2) {
			t.Fatalf("%v sessions, want 2", n)
		}

		d := s.newProject(t)
		d.setAuth("duration", map[string]any{"duration": 1})
		m := email()
		d.signUp(m, "correct horse")
		r := d.do("POST", "/account/sessions/email", map[string]any{"email": m, "password": "correct horse"})
		expect(t, r, 201, "")
		created, _ := time.Parse(time.RFC3339, r.str(t, "$createdAt"))
		expire, _ := time.Parse(time.RFC3339, r.str(t, "expire"))
		if expire.Sub(created) != time.Second {
			t.Fatalf("session lasts %v, want the project's 1s", expire.Sub(created))
		}
		// That it ends then is TestSessionLivesProjectDuration's, by the
		// test clock.
		expect(t, d.s.admin(t).do("PATCH", "/projects/"+d.project+"/auth/max-sessions", map[string]any{"limit": 0}), 400, "general_argument_invalid")
	})
}

func TestJWT(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		r := c.do("POST", "/account/jwts", nil)
		expect(t, r, 201, "")
		tok := r.str(t, "jwt")
		if strings.Count(tok, ".") != 2 {
			t.Fatalf("jwt %q", tok)
		}
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
		var claims map[string]any
		json.Unmarshal(payload, &claims)
		if claims["userId"] != uid || claims["sessionId"] == "" || claims["exp"] == nil {
			t.Fatalf("claims %s", payload)
		}
		expect(t, c.do("POST", "/account/jwt", nil), 201, "")

		j := s.client(t, c.project).with("X-Appwrite-JWT", tok)
		if got := j.do("GET", "/account", nil); got.status != 200 || got.str(t, "$id") != uid {
			t.Fatalf("jwt get: %s", got.body)
		}
		// A JWT is not a session: it has no current session and cannot mint another.
		expect(t, j.do("GET", "/account/sessions/current", nil), 404, "user_session_not_found")

		// Appwrite 2.0: 403 user_jwt_creation_denied (1.8: 404 user_session_not_found).
		expect(t, j.do("POST", "/account/jwts", nil), 403, "user_jwt_creation_denied")
		expect(t, s.client(t, c.project).with("X-Appwrite-JWT", tok+"x").do("GET", "/account", nil), 401, "user_jwt_invalid")
		expect(t, s.client(t, c.project).with("X-Appwrite-JWT", "garbage").do("GET", "/account", nil), 401, "user_jwt_invalid")
		// Guests cannot mint one.
		expect(t, s.client(t, c.project).do("POST", "/account/jwts", nil), 401, "general_unauthorized_scope")
		// The JWT dies with its session.
		expect(t, c.do("DELETE", "/account/sessions/current", nil), 204, "")
		expect(t, j.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		// The JWT method switch.
		c.signIn(mail, "correct horse")
		c.setAuth("jwt", map[string]any{"status": false})
		off := c.do("POST", "/account/jwts", nil)
		expect(t, off, 501, "user_auth_method_unsupported")
		if m := off.str(t, "message"); m != "JWT authentication is disabled for this project" {
			t.Errorf("JWT off: message %q", m)
		}
	})
}

func TestLogs(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		c.do("PATCH", "/account/name", map[string]any{"name": "B"})
		r := c.do("GET", "/account/logs", nil)
		expect(t, r, 200, "")
		l := r.obj(t)
		logs := l["logs"].([]any)
		if l["total"] != float64(3) || len(logs) != 3 {
			t.Fatalf("logs %s", r.body)
		}
		if e := logs[0].(map[string]any); e["event"] != "user.update" || e["mode"] != "default" || e["userEmail"] != mail || e["time"] == "" {
			t.Fatalf("newest log %v", e)
		}
		if e := logs[2].(map[string]any)["event"]; e != "user.create" {
			t.Fatalf("oldest log %v", e)
		}
		r = c.do("GET", "/account/logs?queries[0]="+url.QueryEscape(`{"method":"limit","values":[1]}`)+"&queries[1]="+url.QueryEscape(`{"method":"offset","values":[1]}`), nil)
		expect(t, r, 200, "")
		if l := r.obj(t); l["total"] != float64(3) || len(l["logs"].([]any)) != 1 || l["logs"].([]any)[0].(map[string]any)["event"] != "session.create" {
			t.Fatalf("paged logs %s", r.body)
		}
		expect(t, c.do("GET", "/account/logs?queries[0]="+url.QueryEscape(`{"method":"equal","attribute":"event","values":["x"]}`), nil), 400, "general_argument_invalid")
		expect(t, c.do("GET", "/account/logs?queries[0]=notjson", nil), 400, "general_argument_invalid")
		expect(t, s.client(t, c.project).do("GET", "/account/logs", nil), 401, "general_unauthorized_scope")
	})
}
