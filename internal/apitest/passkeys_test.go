package apitest

import (
	"encoding/json"
	"slices"
	"testing"
)

const passkeyOrigin = "https://app.example.test"

// TestPasskeys covers adding, listing, renaming and signing in with a
// passkey, and each refusal of a sign-in.
func TestPasskeys(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		a := newSoftAuthenticator(t, passkeyOrigin)

		// Registration: the options name the project's relying party.
		o := c.do("POST", "/account/passkeys/registration", nil)
		expect(t, o, 200, "")
		pk := publicKeyOf(t, o)
		if pk["rp"].(map[string]any)["id"] != "app.example.test" || pk["challenge"] == "" {
			t.Fatalf("options %s", o.body)
		}
		created := c.do("PUT", "/account/passkeys/registration", map[string]any{"name": "Laptop", "credential": a.create(pk)})
		expect(t, created, 201, "")
		p := created.obj(t)
		if p["name"] != "Laptop" || p["userId"] != uid || p["authenticatorType"] != "platform" || p["$id"] == "" {
			t.Fatalf("passkey %s", created.body)
		}
		id := p["$id"].(string)
		// The same answer again: its challenge is spent.
		expect(t, c.do("PUT", "/account/passkeys/registration", map[string]any{"name": "Again", "credential": a.create(pk)}), 401, "user_passkey_invalid")
		expect(t, c.do("PUT", "/account/passkeys/registration", map[string]any{"credential": "not json"}), 400, "general_argument_invalid")
		expect(t, c.do("PUT", "/account/passkeys/registration", map[string]any{"credential": map[string]any{"id": "x"}}), 401, "user_passkey_invalid")

		// Listing, renaming.
		l := c.do("GET", "/account/passkeys", nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"] != float64(1) {
			t.Fatalf("list %s", l.body)
		}
		rn := c.do("PATCH", "/account/passkeys/"+id, map[string]any{"name": "Work laptop"})
		expect(t, rn, 200, "")
		if rn.str(t, "name") != "Work laptop" {
			t.Fatalf("rename %s", rn.body)
		}
		expect(t, c.do("PATCH", "/account/passkeys/nope", map[string]any{"name": "x"}), 404, "user_passkey_not_found")

		// Among the identities, with its name and authenticator type.
		ids := c.do("GET", "/account/identities", nil)
		expect(t, ids, 200, "")
		found := false
		for _, x := range ids.obj(t)["identities"].([]any) {
			i := x.(map[string]any)
			if i["provider"] == "passkey" && i["$id"] == id {
				d := i["passkey"].(map[string]any)
				found = d["name"] == "Work laptop" && d["authenticatorType"] == "platform"
			}
		}
		if !found {
			t.Fatalf("identities %s", ids.body)
		}

		// Discoverable sign-in: an ordinary session, provider passkey,
		// user verification counted as a second factor.
		g := s.client(t, c.project)
		in := passkeySignIn(t, g, a, nil)
		expect(t, in, 201, "")
		if in.str(t, "provider") != "passkey" || in.str(t, "userId") != uid || in.str(t, "providerUid") != id {
			t.Fatalf("session %s", in.body)
		}
		if fs := in.obj(t)["factors"].([]any); len(fs) != 2 || fs[0] != "passkey" {
			t.Fatalf("factors %s", in.body)
		}
		if g.do("GET", "/account", nil).str(t, "$id") != uid {
			t.Fatal("the passkey session is not the user's")
		}
		// A signed-in client may not start another sign-in.
		expect(t, g.do("POST", "/account/sessions/passkey/options", nil), 401, "user_session_already_exists")

		// The usernamed flow names the account's passkeys; an unknown
		// email gets options too, naming a passkey that exists nowhere.
		u := s.client(t, c.project)
		uo := u.do("POST", "/account/sessions/passkey/options", map[string]any{"email": mail})
		expect(t, uo, 200, "")
		allow := publicKeyOf(t, uo)["allowCredentials"].([]any)
		if len(allow) != 1 || allow[0].(map[string]any)["id"] != b64u.EncodeToString(a.id) {
			t.Fatalf("usernamed options %s", uo.body)
		}
		expect(t, u.do("POST", "/account/sessions/passkey", map[string]any{"credential": a.get(publicKeyOf(t, uo))}), 201, "")
		nobody := s.client(t, c.project).do("POST", "/account/sessions/passkey/options", map[string]any{"email": email()})
		expect(t, nobody, 200, "")
		if n := len(publicKeyOf(t, nobody)["allowCredentials"].([]any)); n != 1 {
			t.Fatalf("unknown email options %s", nobody.body)
		}
		// A passkey asked for another account's sign-in is refused.
		other := s.client(t, c.project)
		otherMail := email()
		other.signUp(otherMail, "correct horse")
		oo := other.do("POST", "/account/sessions/passkey/options", map[string]any{"email": otherMail})
		expect(t, other.do("POST", "/account/sessions/passkey", map[string]any{"credential": a.get(publicKeyOf(t, oo))}), 401, "user_passkey_invalid")

		// A replayed answer: the challenge was spent by the first use.
		r := s.client(t, c.project)
		ro := r.do("POST", "/account/sessions/passkey/options", nil)
		answer := a.get(publicKeyOf(t, ro))
		expect(t, r.do("POST", "/account/sessions/passkey", map[string]any{"credential": answer}), 201, "")
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/passkey", map[string]any{"credential": answer}), 401, "user_passkey_invalid")

		// A phishing origin, an origin outside the relying party, plain
		// http off loopback: refused.
		for _, origin := range []string{"https://app.example.evil", "https://other.example.test", "http://app.example.test"} {
			evil := *a
			evil.origin = origin
			w := s.client(t, c.project)
			wo := w.do("POST", "/account/sessions/passkey/options", nil)
			expect(t, w.do("POST", "/account/sessions/passkey", map[string]any{"credential": evil.get(publicKeyOf(t, wo))}), 401, "user_passkey_origin_invalid")
			a.counter = evil.counter
		}
		// An assertion made for another relying party.
		wrong := *a
		wrong.rpID = "example.evil"
		w := s.client(t, c.project)
		wo := w.do("POST", "/account/sessions/passkey/options", nil)
		expect(t, w.do("POST", "/account/sessions/passkey", map[string]any{"credential": wrong.get(publicKeyOf(t, wo))}), 401, "user_passkey_invalid")
		a.counter = wrong.counter

		// A cloned authenticator: its counter is behind the one stored
		// (the genuine key signed three times since the copy).
		copied := *a
		copied.counter = 1
		clone := s.client(t, c.project)
		co := clone.do("POST", "/account/sessions/passkey/options", nil)
		expect(t, clone.do("POST", "/account/sessions/passkey", map[string]any{"credential": copied.assert(publicKeyOf(t, co))}), 401, "user_passkey_cloned")
		logs := c.with("X-Appwrite-Key", c.key("users.read")).do("GET", "/users/"+uid+"/logs", nil)
		if !hasEvent(t, logs, "user.passkey.cloned") {
			t.Fatalf("no clone entry in the log: %s", logs.body)
		}
		// The genuine authenticator goes on.
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 201, "")

		// A blocked user's passkey signs nothing in.
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, k.do("PATCH", "/users/"+uid+"/status", map[string]any{"status": false}), 200, "")
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 403, "user_blocked")
		expect(t, k.do("PATCH", "/users/"+uid+"/status", map[string]any{"status": true}), 200, "")

		// Passkeys switched off for the project.
		c.setAuth("passkey", map[string]any{"status": false})
		expect(t, s.client(t, c.project).do("POST", "/account/sessions/passkey/options", nil), 501, "user_auth_method_unsupported")
		c.setAuth("passkey", map[string]any{"status": true})

		// Deleted: unusable at once, with a challenge taken before.
		pending := s.client(t, c.project)
		po := pending.do("POST", "/account/sessions/passkey/options", nil)
		expect(t, c.do("DELETE", "/account/passkeys/"+id, nil), 204, "")
		expect(t, pending.do("POST", "/account/sessions/passkey", map[string]any{"credential": a.get(publicKeyOf(t, po))}), 401, "user_passkey_invalid")
		expect(t, c.do("DELETE", "/account/passkeys/"+id, nil), 404, "user_passkey_not_found")
	})
}

func hasEvent(t *testing.T, logs *resp, event string) bool {
	t.Helper()
	for _, x := range logs.obj(t)["logs"].([]any) {
		if x.(map[string]any)["event"] == event {
			return true
		}
	}
	return false
}

// TestPasskeyMFA: a passkey as the second factor of a password sign-in,
// listed among the factors; removing it then needs a fresh factor.
func TestPasskeyMFA(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		a := newSoftAuthenticator(t, passkeyOrigin)
		id := addPasskey(t, c, a, "Key")["$id"].(string)
		f := c.do("GET", "/account/mfa/factors", nil)
		if f.obj(t)["passkey"] != true {
			t.Fatalf("factors %s", f.body)
		}
		expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")

		n := s.client(t, c.project)
		n.signIn(mail, "correct horse")
		expect(t, n.do("GET", "/account", nil), 401, "user_more_factors_required")
		ch := n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "passkey"})
		expect(t, ch, 200, "")
		answer, _ := json.Marshal(a.get(publicKeyOf(t, ch)))
		// Another challenge's id with this answer: refused.
		ch2 := n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "passkey"})
		expect(t, n.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch2.str(t, "$id"), "otp": string(answer)}), 401, "user_passkey_invalid")
		ch = n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "passkey"})
		answer, _ = json.Marshal(a.get(publicKeyOf(t, ch)))
		done := n.do("PUT", "/account/mfa/challenge", map[string]any{"challengeId": ch.str(t, "$id"), "otp": string(answer)})
		expect(t, done, 200, "")
		fs := done.obj(t)["factors"].([]any)
		if !slices.Contains(fs, any("passkey")) || !slices.Contains(fs, any("password")) {
			t.Fatalf("session %s", done.body)
		}
		expect(t, n.do("GET", "/account", nil), 200, "")

		// A passkey with user verification is both factors at once.
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 201, "")
		uv := s.client(t, c.project)
		expect(t, passkeySignIn(t, uv, a, nil), 201, "")
		expect(t, uv.do("GET", "/account", nil), 200, "")
		// Without it, the session owes a second factor, and a passkey
		// challenge (the same kind of proof) does not count.
		a.uv = false
		one := s.client(t, c.project)
		expect(t, passkeySignIn(t, one, a, nil), 201, "")
		expect(t, one.do("GET", "/account", nil), 401, "user_more_factors_required")
		expect(t, one.do("POST", "/account/mfa/challenges", map[string]any{"factor": "passkey"}), 400, "general_argument_invalid")
		a.uv = true

		// Removing or adding a passkey with MFA on needs a fresh factor:
		// c's session completed none.
		expect(t, c.do("DELETE", "/account/passkeys/"+id, nil), 401, "user_challenge_required")
		expect(t, c.do("POST", "/account/passkeys/registration", nil), 401, "user_challenge_required")
		expect(t, n.do("DELETE", "/account/passkeys/"+id, nil), 204, "")
	})
}

// TestPasskeySignUp: an account whose one way in is a passkey.
func TestPasskeySignUp(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a := newSoftAuthenticator(t, passkeyOrigin)
		o := c.do("POST", "/account/passkeys/signup", map[string]any{"name": "Pat"})
		expect(t, o, 200, "")
		in := c.do("PUT", "/account/passkeys/signup", map[string]any{"passkeyName": "Phone", "credential": a.create(publicKeyOf(t, o))})
		expect(t, in, 201, "")
		if in.str(t, "provider") != "passkey" {
			t.Fatalf("session %s", in.body)
		}
		me := c.do("GET", "/account", nil)
		expect(t, me, 200, "")
		if me.str(t, "name") != "Pat" || me.str(t, "email") != "" {
			t.Fatalf("account %s", me.body)
		}
		list := c.do("GET", "/account/passkeys", nil).obj(t)["passkeys"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["name"] != "Phone" {
			t.Fatalf("passkeys %v", list)
		}
		id := list[0].(map[string]any)["$id"].(string)
		// It signs in again.
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 201, "")
		// It is the last way in: neither route deletes it.
		expect(t, c.do("DELETE", "/account/passkeys/"+id, nil), 409, "user_identity_last_way_in")
		expect(t, c.do("DELETE", "/account/identities/"+id, nil), 409, "user_identity_last_way_in")
		// Registering the same credential again is refused.
		o = s.client(t, c.project).do("POST", "/account/passkeys/signup", nil)
		expect(t, s.client(t, c.project).do("PUT", "/account/passkeys/signup", map[string]any{"credential": a.create(publicKeyOf(t, o))}), 409, "user_passkey_already_exists")
	})
}

// TestPasskeyProjects: one project's challenges and credentials are
// nothing in another.
func TestPasskeyProjects(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		pa, pb := s.newProject(t), s.newProject(t)
		mail := email()
		pa.signUp(mail, "correct horse")
		pa.signIn(mail, "correct horse")
		a := newSoftAuthenticator(t, passkeyOrigin)
		addPasskey(t, pa, a, "A")
		// B's challenge answered to A, and A's passkey answering B.
		bo := s.client(t, pb.project).do("POST", "/account/sessions/passkey/options", nil)
		expect(t, s.client(t, pa.project).do("POST", "/account/sessions/passkey", map[string]any{"credential": a.get(publicKeyOf(t, bo))}), 401, "user_passkey_invalid")
		expect(t, passkeySignIn(t, s.client(t, pb.project), a, nil), 401, "user_passkey_invalid")
		expect(t, passkeySignIn(t, s.client(t, pa.project), a, nil), 201, "")
	})
}

// TestPasskeyUsersAPI: a server lists and deletes a user's passkeys,
// and the deletion is logged as an admin action.
func TestPasskeyUsersAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		a := newSoftAuthenticator(t, passkeyOrigin)
		id := addPasskey(t, c, a, "Key")["$id"].(string)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		l := k.do("GET", "/users/"+uid+"/passkeys", nil)
		expect(t, l, 200, "")
		if l.obj(t)["total"] != float64(1) {
			t.Fatalf("list %s", l.body)
		}
		expect(t, s.client(t, c.project).do("GET", "/users/"+uid+"/passkeys", nil), 401, "general_unauthorized_scope")
		expect(t, k.do("DELETE", "/users/"+uid+"/passkeys/nope", nil), 404, "user_passkey_not_found")
		expect(t, k.do("DELETE", "/users/"+uid+"/passkeys/"+id, nil), 204, "")
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 401, "user_passkey_invalid")
		logs := k.do("GET", "/users/"+uid+"/logs", nil)
		found := false
		for _, x := range logs.obj(t)["logs"].([]any) {
			e := x.(map[string]any)
			found = found || e["event"] == "user.passkey.delete" && e["mode"] == "admin"
		}
		if !found {
			t.Fatalf("no admin deletion in the log: %s", logs.body)
		}
		// A deleted user's passkeys open nothing, purged or not yet.
		b := newSoftAuthenticator(t, passkeyOrigin)
		addPasskey(t, c, b, "Other")
		expect(t, k.do("DELETE", "/users/"+uid, nil), 204, "")
		expect(t, passkeySignIn(t, s.client(t, c.project), b, nil), 401, "user_passkey_invalid")
	})
}

// TestPasskeyLinking: a passkey moves with its account into another on a
// link, and back out on the unlink.
func TestPasskeyLinking(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, k.do("POST", "/users", map[string]any{"userId": "prim", "email": "prim@example.test", "password": "primary pass"}), 201, "")
		expect(t, k.do("POST", "/users", map[string]any{"userId": "sec", "email": "sec@example.test", "password": "secondary pass"}), 201, "")
		sc := s.client(t, c.project)
		sc.signIn("sec@example.test", "secondary pass")
		a := newSoftAuthenticator(t, passkeyOrigin)
		addPasskey(t, sc, a, "Sec key")
		signedInAs := func() string {
			g := s.client(t, c.project)
			expect(t, passkeySignIn(t, g, a, nil), 201, "")
			return g.do("GET", "/account", nil).str(t, "$id")
		}
		if who := signedInAs(); who != "sec" {
			t.Fatalf("before the link the passkey signs in %s", who)
		}
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		if who := signedInAs(); who != "prim" {
			t.Fatalf("after the link the passkey signs in %s", who)
		}
		if n := k.do("GET", "/users/prim/passkeys", nil).obj(t)["total"]; n != float64(1) {
			t.Fatalf("primary passkeys %v", n)
		}
		expect(t, k.do("DELETE", "/users/prim/identities/passkey/"+b64u.EncodeToString(a.id), nil), 200, "")
		if who := signedInAs(); who != "sec" {
			t.Fatalf("after the unlink the passkey signs in %s", who)
		}
		if n := k.do("GET", "/users/prim/passkeys", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("primary passkeys after unlink %v", n)
		}
	})
}

// TestPasskeyPreAccountHijack: someone signs up with a passkey and an
// email that is not theirs. When the owner proves the address (an email
// code), the squatter's passkey stops opening the account.
func TestPasskeyPreAccountHijack(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victim := email()
		squatter := newSoftAuthenticator(t, passkeyOrigin)
		o := c.do("POST", "/account/passkeys/signup", map[string]any{"email": victim})
		expect(t, o, 200, "")
		in := c.do("PUT", "/account/passkeys/signup", map[string]any{"credential": squatter.create(publicKeyOf(t, o))})
		expect(t, in, 201, "")
		uid := in.str(t, "userId")
		// The address is taken for other sign-ups, as with a password.
		expect(t, s.client(t, c.project).do("POST", "/account/passkeys/signup", map[string]any{"email": victim}), 409, "user_already_exists")

		owner := s.client(t, c.project)
		tr := owner.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": victim})
		expect(t, tr, 201, "")
		code := codeIn(t, s.mailWith(t, victim, subjectOTP).Text)
		expect(t, owner.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code}), 201, "")
		// The squatter's session ended and the passkey is gone.
		expect(t, c.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, passkeySignIn(t, s.client(t, c.project), squatter, nil), 401, "user_passkey_invalid")
		if n := owner.do("GET", "/account/passkeys", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("passkeys after the claim: %v", n)
		}
	})
}

// TestPasskeyBackupFlags: the backup flags are kept and shown; a backup
// state that comes on later is recorded, an eligibility that changes is
// refused (the library's rule: it cannot change for one credential).
func TestPasskeyBackupFlags(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		a := newSoftAuthenticator(t, passkeyOrigin)
		a.be = true
		p := addPasskey(t, c, a, "Synced")
		if p["backupEligible"] != true || p["backedUp"] != false {
			t.Fatalf("passkey %v", p)
		}
		a.bs = true
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 201, "")
		got := c.do("GET", "/account/passkeys", nil).obj(t)["passkeys"].([]any)[0].(map[string]any)
		if got["backedUp"] != true || got["lastUsedAt"] == "" {
			t.Fatalf("after a backed-up sign-in %v", got)
		}
		a.be, a.bs = false, false
		expect(t, passkeySignIn(t, s.client(t, c.project), a, nil), 401, "user_passkey_invalid")
	})
}
