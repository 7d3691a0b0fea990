package apitest

import (
	"net/url"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
)

// Secrets bound to the address they were sent to (docs/security.md,
// "Proving an address").

func phoneNumber() string { return "+1555" + secret.Digits(7) }

// mailed holds the secrets one account asked for while its email was old.
type mailed struct {
	verification, magic, recovery url.Values
	code                          string
}

// askEverything makes c (signed in as an account with email addr and
// password pw) ask for a verification link, a magic link, a sign-in code
// and a recovery link, and reads them from addr's mailbox.
func askEverything(t *testing.T, s *server, c *client, addr string) mailed {
	t.Helper()
	var m mailed
	expect(t, c.do("POST", "/account/verification", map[string]any{"url": "https://app.example.test/v"}), 201, "")
	m.verification = linkIn(t, s.mailWith(t, addr, subjectVerification).Text).Query()
	guest := s.client(t, c.project)
	expect(t, guest.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": addr, "url": "https://app.example.test/m"}), 201, "")
	m.magic = linkIn(t, s.mailWith(t, addr, subjectMagic).Text).Query()
	expect(t, guest.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": addr}), 201, "")
	m.code = codeIn(t, s.mailWith(t, addr, subjectOTP).Text)
	expect(t, guest.do("POST", "/account/recovery", map[string]any{"email": addr, "url": "https://app.example.test/r"}), 201, "")
	m.recovery = linkIn(t, s.mailWith(t, addr, subjectRecovery).Text).Query()
	return m
}

// expectAllDead checks that none of m's secrets works any more, and that
// none verified the account's new email.
func expectAllDead(t *testing.T, s *server, c *client, uid string, m mailed) {
	t.Helper()
	g := s.client(t, c.project)
	expect(t, g.do("PUT", "/account/verification", map[string]any{"userId": uid, "secret": m.verification.Get("secret")}), 401, "user_invalid_token")
	expect(t, g.do("PUT", "/account/sessions/magic-url", map[string]any{"userId": uid, "secret": m.magic.Get("secret")}), 401, "user_invalid_token")
	expect(t, g.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": m.code}), 401, "user_invalid_token")
	expect(t, g.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": m.recovery.Get("secret"), "password": "taken over"}), 401, "user_invalid_token")
	k := c.with("X-Appwrite-Key", c.key("users.read"))
	if u := k.do("GET", "/users/"+uid, nil); u.obj(t)["emailVerification"] != false {
		t.Fatalf("an old secret verified the new email: %s", u.body)
	}
}

func TestOldMailedSecretsDieWithAccountEmailChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		old, next := email(), email()
		uid := c.signUp(old, "correct horse")
		c.signIn(old, "correct horse")
		m := askEverything(t, s, c, old)
		expect(t, c.do("PATCH", "/account/email", map[string]any{"email": next, "password": "correct horse"}), 200, "")
		expectAllDead(t, s, c, uid, m)
	})
}

func TestOldMailedSecretsDieWithUsersAPIEmailChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		old := email()
		uid := c.signUp(old, "correct horse")
		c.signIn(old, "correct horse")
		m := askEverything(t, s, c, old)
		expect(t, k.do("PATCH", "/users/"+uid+"/email", map[string]any{"email": email()}), 200, "")
		expectAllDead(t, s, c, uid, m)
	})
}

// phoneCodes sets phone on c's account and asks for a verification code
// and a sign-in code, both texted to it.
func phoneCodes(t *testing.T, s *server, c *client, phone string) (verify, signIn string) {
	t.Helper()
	expect(t, c.do("POST", "/account/verification/phone", nil), 201, "")
	verify = codeIn(t, s.texts.waitFor(t, phone))
	expect(t, s.client(t, c.project).do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": phone}), 201, "")
	signIn = codeIn(t, s.texts.waitFor(t, phone))
	return verify, signIn
}

func TestOldTextedCodesDieWithPhoneChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, via := range []string{"account", "users"} {
			t.Run(via, func(t *testing.T) {
				c := s.newProject(t)
				k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
				mail, old, next := email(), phoneNumber(), phoneNumber()
				uid := c.signUp(mail, "correct horse")
				c.signIn(mail, "correct horse")
				expect(t, c.do("PATCH", "/account/phone", map[string]any{"phone": old, "password": "correct horse"}), 200, "")
				verify, signIn := phoneCodes(t, s, c, old)
				if via == "account" {
					expect(t, c.do("PATCH", "/account/phone", map[string]any{"phone": next, "password": "correct horse"}), 200, "")
				} else {
					expect(t, k.do("PATCH", "/users/"+uid+"/phone", map[string]any{"number": next}), 200, "")
				}
				g := s.client(t, c.project)
				expect(t, c.do("PUT", "/account/verification/phone", map[string]any{"userId": uid, "secret": verify}), 401, "user_invalid_token")
				expect(t, g.do("PUT", "/account/sessions/phone", map[string]any{"userId": uid, "secret": signIn}), 401, "user_invalid_token")
				if u := k.do("GET", "/users/"+uid, nil); u.obj(t)["phoneVerification"] != false {
					t.Fatalf("an old code verified the new phone: %s", u.body)
				}
			})
		}
	})
}

// A magic link mailed to the email of an account linked into another
// signs that one in only while the email is still part of it: once the
// email is split off again, the link is dead.
func TestSecretOfUnlinkedAddressDies(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		_, k, _, sm := linkedPair(t, s)
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		guest := s.client(t, k.project)
		r := guest.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": sm, "url": "https://app.example.test/m"})
		expect(t, r, 201, "")
		if r.str(t, "userId") != "prim" {
			t.Fatalf("the linked email's token went to %s", r.body)
		}
		q := linkIn(t, s.mailWith(t, sm, subjectMagic).Text).Query()
		expect(t, k.do("DELETE", "/users/prim/identities/email/"+sm, nil), 200, "")
		expect(t, guest.do("PUT", "/account/sessions/magic-url", map[string]any{"userId": "prim", "secret": q.Get("secret")}), 401, "user_invalid_token")
	})
}

// The ordinary path keeps working: a magic link or an email code of the
// account's current email still signs in after an unrelated change.
func TestCurrentSecretsStillWork(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		expect(t, c.do("PATCH", "/account/name", map[string]any{"name": "Renamed"}), 200, "")
		expect(t, s.client(t, c.project).do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail, "url": "https://app.example.test/m"}), 201, "")
		q := linkIn(t, s.mailWith(t, mail, subjectMagic).Text).Query()
		expect(t, s.client(t, c.project).do("PUT", "/account/sessions/magic-url", map[string]any{"userId": uid, "secret": q.Get("secret")}), 201, "")
	})
}
