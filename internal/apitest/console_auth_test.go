package apitest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// Console administrators (docs/console.md): users of the console
// project, made by an administrator (or the instance key, or the CLI),
// who set their password with a one-time link and then drive the
// Projects API and, in admin mode, a project's Users API.

const consolePw = "a console passphrase 9"

// consoleAdmin is a signed-in console administrator.
type consoleAdmin struct {
	id, email string
	c         *client // the console project, with the admin's session
	cred      string  // its session string
}

// newAdminLink makes an administrator with by (a console client with the
// instance key or a session) and returns its id and one-time link.
func newAdminLink(t *testing.T, by *client, mail string) (id, link string) {
	t.Helper()
	r := by.do("POST", "/console/admins", map[string]any{"email": mail, "name": "Ada"})
	expect(t, r, 201, "")
	o := r.obj(t)
	adm := o["admin"].(map[string]any)
	if adm["email"] != mail || adm["passwordSet"] != false || adm["status"] != true || strings.Contains(string(r.body), "argon2") {
		t.Fatalf("new admin %s", r.body)
	}
	return adm["$id"].(string), o["url"].(string)
}

// linkSecret reads the user id and secret of a one-time link: they ride
// in the fragment, so no server log sees them.
func linkSecret(t *testing.T, s *server, link string) (userID, sec string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.RawQuery != "" || u.Path != "/console/" || !strings.HasPrefix(u.Fragment, "/welcome?") {
		t.Fatalf("link %q", link)
	}
	_, frag, _ := strings.Cut(u.Fragment, "?")
	q, _ := url.ParseQuery(frag)
	return q.Get("userId"), q.Get("secret")
}

// setAdminPassword redeems a one-time link.
func setAdminPassword(t *testing.T, s *server, link string) *resp {
	t.Helper()
	uid, sec := linkSecret(t, s, link)
	return s.client(t, "console").do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": sec,
		"password": consolePw, "passwordAgain": consolePw})
}

// signInAdmin signs an administrator in on the console project.
func signInAdmin(t *testing.T, s *server, id, mail string) *consoleAdmin {
	t.Helper()
	c := s.client(t, "console")
	_, cred := c.signIn(mail, consolePw)
	return &consoleAdmin{id: id, email: mail, c: s.client(t, "console").with("X-Appwrite-Session", cred), cred: cred}
}

// newConsoleAdmin makes, activates and signs in an administrator.
func newConsoleAdmin(t *testing.T, s *server) *consoleAdmin {
	t.Helper()
	mail := email()
	id, link := newAdminLink(t, s.admin(t), mail)
	expect(t, setAdminPassword(t, s, link), 200, "")
	return signInAdmin(t, s, id, mail)
}

// adminMode is a's client of project pid's Users API in admin mode.
func (a *consoleAdmin) adminMode(s *server, pid string) *client {
	return s.client(a.c.t, pid).with("X-Appwrite-Mode", "admin").with("X-Appwrite-Session", a.cred)
}

// TestConsoleAdminLifecycle: the instance key makes an administrator; its
// one-time link sets the password once; it signs in with the Account API
// on project console and drives the Projects API and a project's Users
// API; the console serves no sign-up or other ways in.
func TestConsoleAdminLifecycle(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		mail := email()
		id, link := newAdminLink(t, s.admin(t), mail)
		con := s.client(t, "console")
		// No password yet: nothing signs in.
		expect(t, con.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": consolePw}), 401, "user_invalid_credentials")
		uid, sec := linkSecret(t, s, link)
		if uid != id || len(sec) < 32 || !strings.HasPrefix(link, s.base+"/console/#/welcome?") {
			t.Fatalf("link %q", link)
		}
		expect(t, con.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": sec + "0",
			"password": consolePw, "passwordAgain": consolePw}), 401, "user_invalid_token")
		// The console's password policy: at least 10 characters.
		expect(t, con.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": sec,
			"password": "short pw", "passwordAgain": "short pw"}), 400, "")
		expect(t, setAdminPassword(t, s, link), 200, "")
		// One use only.
		expect(t, setAdminPassword(t, s, link), 401, "user_invalid_token")

		a := signInAdmin(t, s, id, mail)
		acc := a.c.do("GET", "/account", nil)
		expect(t, acc, 200, "")
		if acc.str(t, "$id") != id || acc.obj(t)["emailVerification"] != true {
			t.Fatalf("account %s", acc.body)
		}

		// Projects API with the session, as with the key.
		pid := "p" + secret.Hex(6)
		expect(t, a.c.do("POST", "/projects", map[string]any{"projectId": pid, "name": "By console"}), 201, "")
		expect(t, a.c.do("POST", "/projects/"+pid+"/platforms", map[string]any{"type": "web", "name": "app", "hostname": "app.example.test"}), 201, "")
		k := a.c.do("POST", "/projects/"+pid+"/keys", map[string]any{"name": "server", "scopes": []string{"users.read"}})
		expect(t, k, 201, "")
		if k.str(t, "secret") == "" {
			t.Fatalf("key %s", k.body)
		}
		list := a.c.do("GET", "/projects?search=console", nil)
		expect(t, list, 200, "")
		if strings.Contains(string(list.body), `"$id":"console"`) {
			t.Fatalf("projects list shows the console: %s", list.body)
		}
		expect(t, a.c.do("GET", "/gatehouse/jobs", nil), 200, "")
		expect(t, a.c.do("POST", "/gatehouse/jobs/nope/retry", nil), 404, "general_route_not_found")

		// A project's Users API in admin mode.
		am := a.adminMode(s, pid)
		u := am.do("POST", "/users", map[string]any{"userId": "unique()", "email": email(), "password": "user password 1"})
		expect(t, u, 201, "")
		userID := u.str(t, "$id")
		expect(t, am.do("PATCH", "/users/"+userID+"/status", map[string]any{"status": false}), 200, "")
		expect(t, am.do("GET", "/users", nil), 200, "")
		// The changed user's log names the administrator.
		logs := s.client(t, pid).with("X-Appwrite-Key", s.client(t, pid).key("users.read")).do("GET", "/users/"+userID+"/logs", nil)
		expect(t, logs, 200, "")
		entry := logs.obj(t)["logs"].([]any)[0].(map[string]any)
		if entry["mode"] != "admin" || entry["userId"] != id || entry["userEmail"] != mail || entry["userName"] != "Ada" || entry["userType"] != "user" {
			t.Fatalf("user log %s", logs.body)
		}
		// The administrator's own log holds every change it made.
		own := a.c.do("GET", "/account/logs?queries[]="+url.QueryEscape(`{"method":"limit","values":[100]}`), nil)
		expect(t, own, 200, "")
		for _, ev := range []string{`"projects.create"`, `"projects.` + pid + `.platforms.create"`, `"projects.` + pid + `.keys.create"`,
			`"projects.` + pid + `.users.create"`, `"projects.` + pid + `.users.` + userID + `.status.update"`} {
			if !strings.Contains(string(own.body), `"event":`+ev) {
				t.Errorf("admin log lacks %s: %s", ev, own.body)
			}
		}

		// No sign-up, no other way in, no keys or settings of the console.
		expect(t, con.do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": consolePw}), 404, "project_not_found")
		expect(t, con.do("POST", "/account/sessions/anonymous", nil), 404, "project_not_found")
		expect(t, con.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail}), 404, "project_not_found")
		expect(t, con.do("POST", "/account/recovery", map[string]any{"email": mail, "url": s.base}), 404, "project_not_found")
		expect(t, a.c.do("POST", "/account/jwts", nil), 404, "project_not_found")
		for _, c := range []*client{s.admin(t), a.c} {
			expect(t, c.do("GET", "/projects/console", nil), 404, "project_not_found")
			expect(t, c.do("POST", "/projects/console/keys", map[string]any{"name": "x", "scopes": []string{"users.read"}}), 404, "project_not_found")
			expect(t, c.do("PATCH", "/projects/console/auth/email-password", map[string]any{"status": true}), 404, "project_not_found")
			expect(t, c.do("DELETE", "/projects/console", nil), 404, "project_not_found")
		}
		expect(t, s.client(t, "console").with("X-Appwrite-Key", s.adminKey).do("GET", "/users", nil), 404, "project_not_found")
	})
}

// TestConsoleAdminsCreateAdmins: an administrator makes another from the
// console, lists, blocks and deletes it; the blocked or deleted one loses
// the Projects API and admin mode at its next request; none can block or
// delete itself.
func TestConsoleAdminsCreateAdmins(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		mail := email()
		id, link := newAdminLink(t, a.c, mail)
		expect(t, setAdminPassword(t, s, link), 200, "")
		b := signInAdmin(t, s, id, mail)
		pid := s.newProject(t).project
		expect(t, b.c.do("GET", "/projects", nil), 200, "")
		expect(t, b.adminMode(s, pid).do("GET", "/users", nil), 200, "")
		l := a.c.do("GET", "/console/admins?search="+url.QueryEscape(mail), nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"].(float64) != 1 || strings.Contains(string(l.body), "hash") {
			t.Fatalf("admins list %s", l.body)
		}

		expect(t, a.c.do("PATCH", "/console/admins/"+a.id+"/status", map[string]any{"status": false}), 400, "general_argument_invalid")
		expect(t, a.c.do("DELETE", "/console/admins/"+a.id, nil), 400, "general_argument_invalid")
		expect(t, a.c.do("PATCH", "/console/admins/"+id+"/status", map[string]any{"status": false}), 200, "")
		expect(t, b.c.do("GET", "/projects", nil), 403, "user_blocked")
		expect(t, b.c.do("POST", "/console/admins", map[string]any{"email": email()}), 403, "user_blocked")
		expect(t, b.adminMode(s, pid).do("GET", "/users", nil), 403, "user_blocked")
		expect(t, a.c.do("PATCH", "/console/admins/"+id+"/status", map[string]any{"status": true}), 200, "")
		expect(t, b.c.do("GET", "/projects", nil), 200, "")

		// A new link for a lost password.
		nl := a.c.do("POST", "/console/admins/"+id+"/link", nil)
		expect(t, nl, 201, "")
		expect(t, setAdminPassword(t, s, nl.str(t, "url")), 200, "")

		expect(t, a.c.do("DELETE", "/console/admins/"+id, nil), 204, "")
		expect(t, b.c.do("GET", "/projects", nil), 401, "general_unauthorized_scope")
		expect(t, b.adminMode(s, pid).do("GET", "/users", nil), 401, "user_unauthorized")
		expect(t, a.c.do("GET", "/console/admins/"+id, nil), 404, "user_not_found")
		// Duplicates are refused.
		expect(t, a.c.do("POST", "/console/admins", map[string]any{"email": a.email}), 409, "")
		expect(t, a.c.do("POST", "/console/admins", map[string]any{"email": "not an email"}), 400, "general_argument_invalid")
	})
}

// TestConsoleSessionIsNoProjectSession: a console session is a guest in
// any other project, a project's session is nobody on the console, and no
// project key acts as the console.
func TestConsoleSessionIsNoProjectSession(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		p := s.newProject(t)
		// The admin's session string offered to a project, plainly.
		expect(t, s.client(t, p.project).with("X-Appwrite-Session", a.cred).do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, s.client(t, p.project).with("X-Appwrite-Session", a.cred).do("GET", "/users", nil), 401, "general_unauthorized_scope")

		// A project's user, signed in, with admin mode: nobody.
		mail := email()
		p.signUp(mail, "user password 1")
		_, cred := s.client(t, p.project).signIn(mail, "user password 1")
		expect(t, s.client(t, p.project).with("X-Appwrite-Mode", "admin").with("X-Appwrite-Session", cred).do("GET", "/users", nil), 401, "user_unauthorized")
		expect(t, s.client(t, "console").with("X-Appwrite-Session", cred).do("GET", "/projects", nil), 401, "general_unauthorized_scope")
		expect(t, s.client(t, "console").with("X-Appwrite-Session", cred).do("GET", "/account", nil), 401, "general_unauthorized_scope")

		// A project key, with every scope, is not the console.
		key := p.key("users.read", "users.write", "sessions.write")
		expect(t, s.client(t, "console").with("X-Appwrite-Key", key).do("GET", "/projects", nil), 401, "user_unauthorized")
		expect(t, s.client(t, p.project).with("X-Appwrite-Key", key).do("GET", "/projects", nil), 401, "general_unauthorized_scope")
		expect(t, s.client(t, "console").with("X-Appwrite-Key", key).do("POST", "/console/admins", map[string]any{"email": email()}), 401, "user_unauthorized")
		expect(t, s.client(t, "console").with("X-Appwrite-Key", key).do("GET", "/account", nil), 401, "user_unauthorized")
		// Admin mode on the console project itself is no way to its users.
		expect(t, s.client(t, "console").with("X-Appwrite-Mode", "admin").with("X-Appwrite-Session", a.cred).do("GET", "/users", nil), 404, "project_not_found")
	})
}

// TestConsoleCSRF: the console's writes come from its own origin only. A
// page elsewhere (another site, a platform of a project, another port of
// the same host, "null") can neither write with an administrator's
// cookie nor read admin-mode answers.
func TestConsoleCSRF(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		p := s.newProject(t) // its platform: app.example.test
		host := strings.TrimPrefix(s.base, "http://")
		hostname, _, _ := strings.Cut(host, ":")
		for _, o := range []string{"http://evil.example", "null", "http://app.example.test", "http://" + hostname + ":1"} {
			t.Run(o, func(t *testing.T) {
				c := a.c.with("Origin", o)
				expect(t, c.do("POST", "/projects", map[string]any{"projectId": "unique()", "name": "csrf"}), 403, "general_unknown_origin")
				expect(t, c.do("POST", "/console/admins", map[string]any{"email": email()}), 403, "general_unknown_origin")
				am := a.adminMode(s, p.project).with("Origin", o)
				expect(t, am.do("POST", "/users", map[string]any{"userId": "unique()", "email": email()}), 403, "general_unknown_origin")
				r := am.do("GET", "/users", nil)
				expect(t, r, 200, "")
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
					t.Fatalf("admin-mode answer readable by %s: %q", o, got)
				}
			})
		}
		own := a.c.with("Origin", s.base)
		expect(t, own.do("POST", "/projects", map[string]any{"projectId": "unique()", "name": "own"}), 201, "")
		expect(t, a.adminMode(s, p.project).with("Origin", s.base).do("POST", "/users", map[string]any{"userId": "unique()", "email": email()}), 201, "")
	})
}

// TestConsoleMFA: an administrator with TOTP on reaches nothing before
// its second factor.
func TestConsoleMFA(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		e := a.c.do("POST", "/account/mfa/authenticators/totp", nil)
		expect(t, e, 200, "")
		sec := e.str(t, "secret")
		expect(t, a.c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": totpCode(t, sec, time.Now())}), 200, "")
		expect(t, a.c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")

		b := signInAdmin(t, s, a.id, a.email)
		pid := s.newProject(t).project
		expect(t, b.c.do("GET", "/projects", nil), 401, "user_more_factors_required")
		expect(t, b.adminMode(s, pid).do("GET", "/users", nil), 401, "user_more_factors_required")
		totpChallenge(t, b.c, sec, time.Now().Add(30*time.Second))
		expect(t, b.c.do("GET", "/projects", nil), 200, "")
		expect(t, b.adminMode(s, pid).do("GET", "/users", nil), 200, "")
	})
}

// TestConsoleSignInRateLimited: the console's sign-in has the Account
// API's limits, per address.
func TestConsoleSignInRateLimited(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			a := newConsoleAdmin(t, s)
			con := s.client(t, "console")
			var last *resp
			for i := 0; i < 12; i++ {
				last = con.do("POST", "/account/sessions/email", map[string]any{"email": a.email, "password": "wrong password 1"})
				if last.status == http.StatusTooManyRequests {
					break
				}
			}
			expect(t, last, 429, "general_rate_limit_exceeded")
			expect(t, con.do("POST", "/account/sessions/email", map[string]any{"email": a.email, "password": consolePw}), 429, "general_rate_limit_exceeded")
		})
	}
}

// TestConsoleLinking: in admin mode an administrator previews and merges
// two users and unlinks one again; the link's log entries name the
// administrator.
func TestConsoleLinking(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		p := s.newProject(t)
		am := a.adminMode(s, p.project)
		mk := func(name string) (id, mail string) {
			mail = email()
			r := am.do("POST", "/users", map[string]any{"userId": "unique()", "email": mail, "name": name, "password": "linked password 1"})
			expect(t, r, 201, "")
			return r.str(t, "$id"), mail
		}
		prim, _ := mk("Prim")
		sec, secMail := mk("Sec")
		pv := am.do("GET", "/users/"+prim+"/identities/preview?userId="+sec, nil)
		expect(t, pv, 200, "")
		if !strings.Contains(string(pv.body), `"providerUid":"`+secMail+`"`) {
			t.Fatalf("preview %s", pv.body)
		}
		expect(t, am.do("GET", "/users/"+sec, nil), 200, "") // the preview changed nothing
		expect(t, am.do("POST", "/users/"+prim+"/identities", map[string]any{"userId": sec}), 200, "")
		expect(t, am.do("GET", "/users/"+sec, nil), 404, "user_not_found")
		logs := am.do("GET", "/users/"+prim+"/logs", nil)
		expect(t, logs, 200, "")
		found := false
		for _, l := range logs.obj(t)["logs"].([]any) {
			e := l.(map[string]any)
			if e["event"] == "user.link" {
				found = e["mode"] == "admin" && e["userId"] == a.id && e["userEmail"] == a.email
			}
		}
		if !found {
			t.Fatalf("user.link does not name the administrator: %s", logs.body)
		}
		expect(t, am.do("DELETE", "/users/"+prim+"/identities/email/"+secMail, nil), 200, "")
		expect(t, am.do("GET", "/users/"+sec, nil), 200, "")
	})
}
