package apitest

import (
	"strings"
	"testing"
	"time"
)

// Console administrators sign in with a passkey (docs/console.md): the
// console project's relying party is the host the console is served
// from, its only origin the console's own.

// consolePublic is the public URL of the servers of these tests: a
// relying party must be a domain, and the harness listens on an IP.
const consolePublic = "https://console.example.test"

// eachConsoleEngine runs fn on a server of each engine with the console
// served from consolePublic.
func eachConsoleEngine(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, e := range enginesOnce() {
		t.Run("db="+e.Name, func(t *testing.T) {
			fn(t, startServer(t, e, options{publicURL: consolePublic}))
		})
	}
}

// TestConsolePasskeySignIn: an administrator adds a passkey on its
// account, signs in with it alone and drives the Projects API; it lists,
// renames and deletes its passkeys.
func TestConsolePasskeySignIn(t *testing.T) {
	eachConsoleEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		auth := newSoftAuthenticator(t, consolePublic)
		hostname := strings.TrimPrefix(consolePublic, "https://")

		o := a.c.do("POST", "/account/passkeys/registration", nil)
		expect(t, o, 200, "")
		pk := publicKeyOf(t, o)
		sel, _ := pk["authenticatorSelection"].(map[string]any)
		if pk["rp"].(map[string]any)["id"] != hostname || sel["userVerification"] != "required" {
			t.Fatalf("console registration options %s", o.body)
		}
		r := a.c.do("PUT", "/account/passkeys/registration", map[string]any{"name": "Laptop", "credential": auth.create(pk)})
		expect(t, r, 201, "")
		id := r.str(t, "$id")
		l := a.c.do("GET", "/account/passkeys", nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"] != float64(1) {
			t.Fatalf("list %s", l.body)
		}
		rn := a.c.do("PATCH", "/account/passkeys/"+id, map[string]any{"name": "Work laptop"})
		expect(t, rn, 200, "")
		if rn.str(t, "name") != "Work laptop" {
			t.Fatalf("rename %s", rn.body)
		}

		// The passkey alone: a console session that reaches the
		// Projects API.
		g := s.client(t, "console")
		in := passkeySignIn(t, g, auth, nil)
		expect(t, in, 201, "")
		if in.str(t, "userId") != a.id || in.str(t, "provider") != "passkey" {
			t.Fatalf("session %s", in.body)
		}
		expect(t, g.do("GET", "/projects", nil), 200, "")
		expect(t, g.do("POST", "/projects", map[string]any{"projectId": "unique()", "name": "by passkey"}), 201, "")

		// Deleted: it signs nothing in any more.
		expect(t, a.c.do("DELETE", "/account/passkeys/"+id, nil), 204, "")
		expect(t, passkeySignIn(t, s.client(t, "console"), auth, nil), 401, "user_passkey_invalid")
	})
}

// TestConsolePasskeyRefusals: no passkey sign-up on the console; no
// origin but the console's own; no other project's passkey; no blocked
// administrator.
func TestConsolePasskeyRefusals(t *testing.T) {
	eachConsoleEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		auth := newSoftAuthenticator(t, consolePublic)
		addPasskey(t, a.c, auth, "Laptop")
		hostname := strings.TrimPrefix(consolePublic, "https://")

		// Administrators are made by administrators, never by a passkey.
		for _, m := range []string{"POST", "PUT"} {
			expect(t, s.client(t, "console").do(m, "/account/passkeys/signup", map[string]any{"email": email()}), 404, "project_not_found")
		}

		// Another port of the console's host, a subdomain of it (both
		// secure contexts within the relying party's domain), a project's
		// platform, the API's address: not the console's origin, for
		// signing in as for registering.
		for _, origin := range []string{"https://" + hostname + ":8443", "https://app." + hostname, "https://app.example.test", s.base} {
			evil := *auth
			evil.origin = origin
			w := s.client(t, "console")
			wo := w.do("POST", "/account/sessions/passkey/options", nil)
			expect(t, wo, 200, "")
			expect(t, w.do("POST", "/account/sessions/passkey", map[string]any{"credential": evil.get(publicKeyOf(t, wo))}), 401, "user_passkey_origin_invalid")
			auth.counter = evil.counter
			fresh := newSoftAuthenticator(t, origin)
			ro := a.c.do("POST", "/account/passkeys/registration", nil)
			expect(t, a.c.do("PUT", "/account/passkeys/registration", map[string]any{"credential": fresh.create(publicKeyOf(t, ro))}), 401, "user_passkey_origin_invalid")
		}

		// A passkey of another project, answering from the console's own
		// origin, is no administrator's.
		p := s.newProject(t)
		mail := email()
		p.signUp(mail, "correct horse")
		p.signIn(mail, "correct horse")
		other := newSoftAuthenticator(t, passkeyOrigin)
		addPasskey(t, p, other, "Phone")
		expect(t, passkeySignIn(t, s.client(t, p.project), other, nil), 201, "")
		other.origin = consolePublic
		expect(t, passkeySignIn(t, s.client(t, "console"), other, nil), 401, "user_passkey_invalid")

		// A blocked administrator's passkey signs nothing in; unblocked,
		// it works again.
		root := s.admin(t)
		expect(t, root.do("PATCH", "/console/admins/"+a.id+"/status", map[string]any{"status": false}), 200, "")
		expect(t, passkeySignIn(t, s.client(t, "console"), auth, nil), 403, "user_blocked")
		expect(t, root.do("PATCH", "/console/admins/"+a.id+"/status", map[string]any{"status": true}), 200, "")
		expect(t, passkeySignIn(t, s.client(t, "console"), auth, nil), 201, "")
	})
}

// TestConsolePasskeyNeedsDomain: served from an IP address (no public
// URL, a request to 127.0.0.1), the console has no relying party, and
// says so rather than failing.
func TestConsolePasskeyNeedsDomain(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		expect(t, a.c.do("POST", "/account/passkeys/registration", nil), 400, "project_passkey_rp_missing")
		expect(t, s.client(t, "console").do("POST", "/account/sessions/passkey/options", nil), 400, "project_passkey_rp_missing")
	})
}

// TestConsolePasskeyMFA: with TOTP on, an administrator's new session
// adds a passkey only after its second factor, and the passkey (user
// verified) then signs in without the TOTP step.
func TestConsolePasskeyMFA(t *testing.T) {
	eachConsoleEngine(t, func(t *testing.T, s *server) {
		a := newConsoleAdmin(t, s)
		e := a.c.do("POST", "/account/mfa/authenticators/totp", nil)
		expect(t, e, 200, "")
		sec := e.str(t, "secret")
		expect(t, a.c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": totpCode(t, sec, time.Now())}), 200, "")
		expect(t, a.c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")

		b := signInAdmin(t, s, a.id, a.email)
		expect(t, b.c.do("POST", "/account/passkeys/registration", nil), 401, "user_more_factors_required")
		totpChallenge(t, b.c, sec, time.Now().Add(30*time.Second))
		auth := newSoftAuthenticator(t, consolePublic)
		addPasskey(t, b.c, auth, "Key")

		g := s.client(t, "console")
		expect(t, passkeySignIn(t, g, auth, nil), 201, "")
		expect(t, g.do("GET", "/projects", nil), 200, "")
	})
}
