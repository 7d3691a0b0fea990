package apitest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The server-side Project API (/v1/project...) of Appwrite 1.9.5: the
// project of X-Appwrite-Project, called with one of its keys.

// projectKey returns a client of c's project holding a new key with
// scopes, as a server SDK would be.
func projectKey(c *client, scopes ...string) *client {
	c.t.Helper()
	return c.with("X-Appwrite-Key", c.key(scopes...))
}

// format returns a copy of c asking for response format f ("" for
// none, the newest).
func format(c *client, f string) *client { return c.with("X-Appwrite-Response-Format", f) }

func has(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return k
		}
	}
	return ""
}

func lacks(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return k
		}
	}
	return ""
}

// toggles reads a 1.9.5 list of {$id, enabled} as a map.
func toggles(t *testing.T, m map[string]any, list string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	items, ok := m[list].([]any)
	if !ok {
		t.Fatalf("%s is not a list: %v", list, m[list])
	}
	for _, x := range items {
		it := x.(map[string]any)
		out[it["$id"].(string)] = it["enabled"].(bool)
	}
	return out
}

// TestProjectAPIAccess: who may call /v1/project, and on which project.
func TestProjectAPIAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		reader := projectKey(c, "project.read")
		expect(t, reader.do("GET", "/project", nil), 200, "")

		// A key without the scope, a guest, a signed-in user.
		expect(t, projectKey(c, "users.read").do("GET", "/project", nil), 401, "general_unauthorized_scope")
		expect(t, c.do("GET", "/project", nil), 401, "general_unauthorized_scope")
		user := c.with("Origin", "https://app.example.test")
		mail := email()
		user.signUp(mail, "correct horse")
		user.signIn(mail, "correct horse")
		expect(t, user.do("GET", "/project", nil), 401, "general_unauthorized_scope")
		// Writes need project.write.
		expect(t, reader.do("PUT", "/project/labels", map[string]any{"labels": []string{"a"}}), 401, "general_unauthorized_scope")

		// The console project is not served here, whatever the key.
		con := s.client(t, "console").with("X-Appwrite-Key", s.adminKey)
		expect(t, con.do("GET", "/project", nil), 401, "general_access_forbidden")
		expect(t, s.client(t, "console").do("DELETE", "/project", nil), 401, "general_access_forbidden")
		// An unknown project, and none.
		expect(t, s.client(t, "nosuchproject").with("X-Appwrite-Key", "standard_x").do("GET", "/project", nil), 404, "project_not_found")
		expect(t, s.client(t, "").do("GET", "/project", nil), 404, "project_not_found")
		// A key of another project is no key here.
		other := s.newProject(t)
		stolen := reader.headers["X-Appwrite-Key"]
		expect(t, other.with("X-Appwrite-Key", stolen).do("GET", "/project", nil), 401, "user_unauthorized")

		// The answer is the caller's project.
		if id := reader.do("GET", "/project", nil).str(t, "$id"); id != c.project {
			t.Fatalf("got project %s, want %s", id, c.project)
		}
	})
}

// TestProjectAPIModel: the Project model per response format: 1.9.5 and
// newer have lists; older formats the flat model, down-converted step by
// step as Appwrite's filters do.
func TestProjectAPIModel(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectKey(c, "project.read")
		for _, f := range []string{"", "2.0.0", "1.9.5"} {
			m := format(k, f).do("GET", "/project", nil).obj(t)
			if miss := has(m, "$id", "$createdAt", "$updatedAt", "name", "teamId", "region", "devKeys", "smtpEnabled",
				"smtpSenderName", "smtpSenderEmail", "smtpReplyToName", "smtpReplyToEmail", "smtpHost", "smtpPort",
				"smtpUsername", "smtpPassword", "smtpSecure", "pingCount", "pingedAt", "labels", "status", "onboarding",
				"authMethods", "services", "protocols", "blocks", "consoleAccessedAt", "wafEnabled"); miss != "" {
				t.Fatalf("format %q: no %s in %v", f, miss, m)
			}
			if extra := lacks(m, "authEmailPassword", "serviceStatusForAccount", "authLimit", "platforms", "keys",
				"oAuthProviders", "smtpReplyTo", "description"); extra != "" {
				t.Fatalf("format %q: %s is not in 1.9.5's model", f, extra)
			}
			if m["status"] != "active" || m["smtpPassword"] != "" {
				t.Fatalf("format %q: status %v, smtpPassword %v", f, m["status"], m["smtpPassword"])
			}
			methods := toggles(t, m, "authMethods")
			// Appwrite's seven, and Gatehouse's passkey (docs/passkeys.md).
			if len(methods) != 8 || !methods["email-password"] || !methods["jwt"] || !methods["passkey"] {
				t.Fatalf("authMethods %v", methods)
			}
			if sv := toggles(t, m, "services"); len(sv) != 18 || !sv["account"] || !sv["users"] {
				t.Fatalf("services %v", sv)
			}
			if pr := toggles(t, m, "protocols"); len(pr) != 3 || !pr["rest"] || !pr["websocket"] {
				t.Fatalf("protocols %v", pr)
			}
		}
		flat := []string{"authEmailPassword", "authUsersAuthMagicURL", "authEmailOtp", "authAnonymous", "authInvites",
			"authJWT", "authPhone", "serviceStatusForAccount", "serviceStatusForUsers", "authLimit", "authDuration",
			"authSessionsLimit", "authPasswordHistory", "authMockNumbers", "authInvalidateSessions", "description", "logo",
			"legalName", "oAuthProviders", "platforms", "webhooks", "keys", "labels", "status"}
		m := format(k, "1.9.4").do("GET", "/project", nil).obj(t)
		if miss := has(m, append(flat, "protocolStatusForRest", "protocolStatusForWebsocket", "smtpReplyToEmail",
			"smtpReplyToName", "authMembershipsUserId", "authMembershipsUserPhone")...); miss != "" {
			t.Fatalf("1.9.4: no %s", miss)
		}
		if extra := lacks(m, "authMethods", "services", "protocols", "smtpReplyTo"); extra != "" {
			t.Fatalf("1.9.4: %s", extra)
		}
		m = format(k, "1.9.1").do("GET", "/project", nil).obj(t)
		if miss := has(m, append(flat, "protocolStatusForRest", "smtpReplyTo")...); miss != "" {
			t.Fatalf("1.9.1: no %s", miss)
		}
		if extra := lacks(m, "smtpReplyToEmail", "smtpReplyToName", "authMembershipsUserId", "authMembershipsUserPhone"); extra != "" {
			t.Fatalf("1.9.1: %s", extra)
		}
		for _, f := range []string{"1.9.0", "1.8.0", "1.6.0"} {
			m = format(k, f).do("GET", "/project", nil).obj(t)
			if miss := has(m, append(flat, "smtpReplyTo")...); miss != "" {
				t.Fatalf("%s: no %s", f, miss)
			}
			if extra := lacks(m, "protocolStatusForRest", "authMethods"); extra != "" {
				t.Fatalf("%s: %s", f, extra)
			}
		}
		// Platforms inside the flat model: by kind from 1.9.0, the one
		// old model before.
		pl := format(k, "1.9.0").do("GET", "/project", nil).obj(t)["platforms"].([]any)[0].(map[string]any)
		if pl["hostname"] != "app.example.test" || has(pl, "store") == "" {
			t.Fatalf("1.9.0 platform %v", pl)
		}
		pl = format(k, "1.8.0").do("GET", "/project", nil).obj(t)["platforms"].([]any)[0].(map[string]any)
		if pl["hostname"] != "app.example.test" || has(pl, "key", "store", "httpUser") != "" {
			t.Fatalf("1.8.0 platform %v", pl)
		}
		// The console's routes share the model.
		a := s.admin(t)
		if miss := has(a.do("GET", "/projects/"+c.project, nil).obj(t), flat...); miss != "" {
			t.Fatalf("console 1.8.0: no %s", miss)
		}
		if miss := has(format(a, "").do("GET", "/projects/"+c.project, nil).obj(t), "authMethods", "services"); miss != "" {
			t.Fatalf("console, no format: no %s", miss)
		}
	})
}

// TestProjectAPIDelete: DELETE /project removes the caller's project, and
// with it the key that did.
func TestProjectAPIDelete(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectKey(c, "project.read", "project.write")
		expect(t, projectKey(c, "project.read").do("DELETE", "/project", nil), 401, "general_unauthorized_scope")
		expect(t, k.do("DELETE", "/project", nil), 204, "")
		expect(t, k.do("GET", "/project", nil), 404, "project_not_found")
		expect(t, s.admin(t).do("GET", "/projects/"+c.project, nil), 404, "project_not_found")
	})
}

// TestProjectAPILabels: PUT /project/labels replaces the labels, each 1-36
// letters and digits, at most 1000.
func TestProjectAPILabels(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectKey(c, "project.read", "project.write")
		r := k.do("PUT", "/project/labels", map[string]any{"labels": []string{"vip", "EU1", "vip"}})
		expect(t, r, 200, "")
		if got := fmt.Sprint(r.obj(t)["labels"]); got != "[vip EU1]" {
			t.Fatalf("labels %s", got)
		}
		if got := fmt.Sprint(k.do("GET", "/project", nil).obj(t)["labels"]); got != "[vip EU1]" {
			t.Fatalf("stored labels %s", got)
		}
		if got := fmt.Sprint(format(k, "1.8.0").do("GET", "/project", nil).obj(t)["labels"]); got != "[vip EU1]" {
			t.Fatalf("1.8.0 labels %s", got)
		}
		many := make([]string, 1001)
		for i := range many {
			many[i] = fmt.Sprint("l", i)
		}
		for _, bad := range []any{
			[]string{"with space"}, []string{"dash-ed"}, []string{""}, []string{strings.Repeat("a", 37)},
			[]string{"ünï"}, many, "vip", []any{1},
		} {
			expect(t, k.do("PUT", "/project/labels", map[string]any{"labels": bad}), 400, "general_argument_invalid")
		}
		expect(t, k.do("PUT", "/project/labels", map[string]any{}), 400, "general_argument_invalid")
		expect(t, k.do("PUT", "/project/labels", map[string]any{"labels": many[:1000]}), 200, "")
		r = k.do("PUT", "/project/labels", map[string]any{"labels": []string{}})
		if got := fmt.Sprint(r.obj(t)["labels"]); got != "[]" {
			t.Fatalf("cleared labels %s", got)
		}
	})
}

// TestProjectAPIToggles: auth methods, services and protocols, switched
// through the Project API, take effect and show in every model.
func TestProjectAPIToggles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectKey(c, "project.read", "project.write")
		r := k.do("PATCH", "/project/auth-methods/email-password", map[string]any{"enabled": false})
		expect(t, r, 200, "")
		if toggles(t, r.obj(t), "authMethods")["email-password"] {
			t.Fatal("email-password still on")
		}
		expect(t, c.do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"}),
			501, "user_auth_method_unsupported")
		if on := s.admin(t).do("GET", "/projects/"+c.project, nil).obj(t)["authEmailPassword"]; on != false {
			t.Fatalf("console sees authEmailPassword %v", on)
		}
		expect(t, k.do("PATCH", "/project/auth-methods/email-password", map[string]any{"enabled": true}), 200, "")
		expect(t, c.do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"}), 201, "")

		r = k.do("PATCH", "/project/services/account", map[string]any{"enabled": false})
		expect(t, r, 200, "")
		if toggles(t, r.obj(t), "services")["account"] {
			t.Fatal("account still on")
		}
		expect(t, c.do("GET", "/account", nil), 403, "general_service_disabled")
		expect(t, k.do("PATCH", "/project/services/account", map[string]any{"enabled": "true"}), 400, "general_argument_invalid")
		expect(t, k.do("PATCH", "/project/services/account", map[string]any{"enabled": true}), 200, "")
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")

		r = k.do("PATCH", "/project/protocols/websocket", map[string]any{"enabled": false})
		expect(t, r, 200, "")
		if toggles(t, r.obj(t), "protocols")["websocket"] {
			t.Fatal("websocket still on")
		}
		if on := format(k, "1.9.1").do("GET", "/project", nil).obj(t)["protocolStatusForWebsocket"]; on != false {
			t.Fatalf("1.9.1 protocolStatusForWebsocket %v", on)
		}
		// The console's older names reach the same switches.
		a := s.admin(t)
		expect(t, a.do("PATCH", "/projects/"+c.project+"/api", map[string]any{"api": "realtime", "status": true}), 200, "")
		if !toggles(t, k.do("GET", "/project", nil).obj(t), "protocols")["websocket"] {
			t.Fatal("console's realtime did not switch websocket on")
		}
		expect(t, a.do("PATCH", "/projects/"+c.project+"/service", map[string]any{"serviceId": "teams", "enabled": false}), 200, "")
		if toggles(t, k.do("GET", "/project", nil).obj(t), "services")["teams"] {
			t.Fatal("console's serviceId/enabled did not switch teams off")
		}

		for path, body := range map[string]map[string]any{
			"/project/auth-methods/password":  {"enabled": true},
			"/project/auth-methods/jwt":       {},
			"/project/auth-methods/phone":     {"enabled": "maybe"},
			"/project/services/nosuch":        {"enabled": true},
			"/project/services/users":         {"status": true},
			"/project/protocols/realtime":     {"enabled": true},
			"/project/protocols/soap":         {"enabled": true},
			"/project/protocols/rest":         {"enabled": nil},
			"/project/auth-methods/Anonymous": {"enabled": true},
		} {
			// realtime is the console's name; 1.9 says websocket.
			expect(t, k.do("PATCH", path, body), 400, "general_argument_invalid")
		}
		expect(t, projectKey(c, "project.read").do("PATCH", "/project/services/users", map[string]any{"enabled": false}), 401, "general_unauthorized_scope")
	})
}

// TestProjectAPINoRateLimits: the Project API has no rate limits, even
// where they are on.
func TestProjectAPINoRateLimits(t *testing.T) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			k := projectKey(s.newProject(t), "project.read", "keys.read", "platforms.read")
			for i := 0; i < 40; i++ {
				for _, p := range []string{"/project", "/project/keys", "/project/platforms"} {
					r := k.do("GET", p, nil)
					expect(t, r, 200, "")
					if r.header.Get("X-RateLimit-Limit") != "" {
						t.Fatalf("%s sent rate limit headers", p)
					}
				}
			}
		})
	}
}

// queryParams encodes Appwrite queries (and more) for a GET.
func queryParams(total *bool, queries ...string) string {
	v := url.Values{}
	for _, q := range queries {
		v.Add("queries[]", q)
	}
	if total != nil {
		v.Set("total", fmt.Sprint(*total))
	}
	return "?" + v.Encode()
}
