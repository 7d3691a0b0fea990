package apitest

import (
	"strings"
	"testing"
)

// TestPasskeySettings: the relying party comes from the web platforms
// unless set; user verification and attestation are set on the console
// route and on the Project API, validated on both.
func TestPasskeySettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		admin := s.admin(t)
		pr := admin.do("GET", "/projects/"+c.project, nil)
		expect(t, pr, 200, "")
		set := pr.obj(t)["authPasskeys"].(map[string]any)
		if set["defaultRpId"] != "app.example.test" || set["rpId"] != "" || set["userVerification"] != "preferred" ||
			set["attestation"] != "none" || set["enabled"] != true || pr.obj(t)["authPasskey"] != true {
			t.Fatalf("project %s", pr.body)
		}
		path := "/projects/" + c.project + "/auth/passkeys"
		for _, bad := range []map[string]any{{"rpId": "https://example.test"}, {"rpId": "127.0.0.1"}, {"rpId": "a..b"},
			{"userVerification": "discouraged"}, {"attestation": "enterprise"}} {
			expect(t, admin.do("PATCH", path, bad), 400, "general_argument_invalid")
		}
		r := admin.do("PATCH", path, map[string]any{"rpId": "Example.TEST", "userVerification": "required"})
		expect(t, r, 200, "")
		set = r.obj(t)["authPasskeys"].(map[string]any)
		if set["rpId"] != "example.test" || set["userVerification"] != "required" || set["attestation"] != "none" {
			t.Fatalf("after update %s", r.body)
		}

		// The options follow the settings.
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		o := c.do("POST", "/account/passkeys/registration", nil)
		expect(t, o, 200, "")
		pk := publicKeyOf(t, o)
		if pk["rp"].(map[string]any)["id"] != "example.test" || pk["authenticatorSelection"].(map[string]any)["userVerification"] != "required" {
			t.Fatalf("options %s", o.body)
		}
		// Required user verification: an authenticator that does not
		// verify its user is refused.
		a := newSoftAuthenticator(t, passkeyOrigin)
		a.uv = false
		expect(t, c.do("PUT", "/account/passkeys/registration", map[string]any{"credential": a.create(pk)}), 401, "user_passkey_invalid")
		a.uv = true
		o = c.do("POST", "/account/passkeys/registration", nil)
		expect(t, c.do("PUT", "/account/passkeys/registration", map[string]any{"credential": a.create(publicKeyOf(t, o))}), 201, "")

		// The Project API, with a key of the project.
		k := c.with("X-Appwrite-Key", c.key("policies.read", "policies.write", "project.write"))
		g := k.do("GET", "/project/passkeys", nil)
		expect(t, g, 200, "")
		if g.str(t, "rpId") != "example.test" {
			t.Fatalf("project api %s", g.body)
		}
		expect(t, k.do("PATCH", "/project/passkeys", map[string]any{"attestation": "maybe"}), 400, "general_argument_invalid")
		u := k.do("PATCH", "/project/passkeys", map[string]any{"rpId": "", "userVerification": "preferred", "attestation": "direct"})
		expect(t, u, 200, "")
		if u.str(t, "rpId") != "" || u.str(t, "attestation") != "direct" || u.str(t, "defaultRpId") != "app.example.test" {
			t.Fatalf("project api update %s", u.body)
		}
		expect(t, s.client(t, c.project).do("PATCH", "/project/passkeys", map[string]any{"attestation": "none"}), 401, "general_unauthorized_scope")
		// Off through the Project API's auth methods.
		expect(t, k.do("PATCH", "/project/auth-methods/passkey", map[string]any{"enabled": false}), 200, "")
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/passkey/options", nil), 501, "user_auth_method_unsupported")

		// A project with no web platform has no relying party to offer.
		p2 := "p" + email()[1:7]
		expect(t, admin.do("POST", "/projects", map[string]any{"projectId": p2, "name": "bare"}), 201, "")
		expect(t, s.client(t, p2).do("POST", "/account/sessions/passkey/options", nil), 400, "project_passkey_rp_missing")
	})
}

// TestPasskeysModule: the browser module at its stable path, with a
// strict type, caching and CORS for module scripts.
func TestPasskeysModule(t *testing.T) {
	s := startServer(t, enginesOnce()[0], options{})
	c := s.client(t, "")
	r := c.do("GET", "/passkeys.js", nil)
	expect(t, r, 200, "")
	h := r.header
	if h.Get("Content-Type") != "text/javascript; charset=utf-8" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Access-Control-Allow-Origin") != "*" || h.Get("ETag") == "" || h.Get("Cache-Control") != "public, max-age=3600" {
		t.Fatalf("headers %v", h)
	}
	if !strings.Contains(string(r.body), "export class Passkeys") {
		t.Fatalf("body %.200s", r.body)
	}
	again := c.with("If-None-Match", h.Get("ETag")).do("GET", "/passkeys.js", nil)
	expect(t, again, 304, "")
}

// TestPasskeyRateLimits: passkey sign-in answers are counted per address
// like the other sign-in routes, right or wrong.
func TestPasskeyRateLimits(t *testing.T) {
	s := startServer(t, enginesOnce()[0], options{rateLimits: true})
	c := s.newProject(t)
	for range 30 {
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/passkey", map[string]any{"credential": map[string]any{"id": "x"}}),
			401, "user_passkey_invalid")
	}
	expect(t, s.client(t, c.project).do("POST", "/account/sessions/passkey", map[string]any{"credential": map[string]any{"id": "x"}}),
		429, "general_rate_limit_exceeded")
	for range 10 {
		expect(t, s.client(t, c.project).do("POST", "/account/passkeys/signup", nil), 200, "")
	}
	expect(t, s.client(t, c.project).do("POST", "/account/passkeys/signup", nil), 429, "general_rate_limit_exceeded")
}
