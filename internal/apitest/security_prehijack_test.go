package apitest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Pre-account hijacking: one test per attack class of Sudhodanan and
// Paverd, "Pre-hijacked accounts" (USENIX Security 2022), and the
// ordinary paths that must stay smooth (docs/security.md, "Proving an
// address").

const squatterPass = "squatter's pass"

// squat signs an attacker up with the victim's address and keeps them
// signed in; it returns the account's id and the attacker's client.
func squat(t *testing.T, s *server, c *client, victim string) (string, *client) {
	t.Helper()
	a := s.client(t, c.project)
	uid := a.signUp(victim, squatterPass)
	a.signIn(victim, squatterPass)
	return uid, a
}

// codeSignIn signs the address's owner in with an email code, on a
// browser of their own, and returns it with the account's id.
func codeSignIn(t *testing.T, s *server, c *client, addr string) (string, *client) {
	t.Helper()
	v := s.client(t, c.project)
	r := v.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": addr})
	expect(t, r, 201, "")
	code := codeIn(t, s.mailWith(t, addr, subjectOTP).Text)
	expect(t, v.do("POST", "/account/sessions/token", map[string]any{"userId": r.str(t, "userId"), "secret": code}), 201, "")
	return r.str(t, "userId"), v
}

// lockedOut checks that nothing the squatter kept opens the account: their
// session ended and their password no longer signs in.
func lockedOut(t *testing.T, s *server, c, attacker *client, addr string) {
	t.Helper()
	expect(t, attacker.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	expect(t, s.client(t, c.project).do("POST", "/account/sessions/email", map[string]any{"email": addr, "password": squatterPass}),
		401, "user_invalid_credentials")
}

// claimNotice returns the mail that tells the owner what was removed,
// checking that it names each of want.
func claimNotice(t *testing.T, s *server, addr string, want ...string) string {
	t.Helper()
	m := s.mailWith(t, addr, "is yours now")
	for _, w := range want {
		if !strings.Contains(m.Text, w) {
			t.Fatalf("the owner's notice lacks %q:\n%s", w, m.Text)
		}
	}
	return m.Text
}

// Classic-federated merge: the squatter registers the address with a
// password; the owner signs in with a provider that verified it.
func TestPreHijackClassicFederatedMerge(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		victim := email()
		uid, attacker := squat(t, s, c, victim)
		idp.AddUser("sub-owner", victim, true, "Owner")
		idp.Next("sub-owner")
		owner := s.client(t, c.project)
		if end := oauthFlow(t, s, owner, "sessions"); end.Path != "/ok" {
			t.Fatalf("the owner's provider sign-in ended at %s", end)
		}
		me := owner.do("GET", "/account", nil)
		expect(t, me, 200, "")
		if me.str(t, "$id") != uid || me.obj(t)["emailVerification"] != true {
			t.Fatalf("the owner's account %s", me.body)
		}
		lockedOut(t, s, c, attacker, victim)
		claimNotice(t, s, victim, "the password", "the session that was signed in")
	})
}

// Unexpired session: the squatter registers the address and stays signed
// in while the owner signs in by an email code.
func TestPreHijackUnexpiredSession(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victim := email()
		uid, attacker := squat(t, s, c, victim)
		got, owner := codeSignIn(t, s, c, victim)
		if got != uid {
			t.Fatalf("the owner's code went to %s, not the account %s", got, uid)
		}
		expect(t, owner.do("GET", "/account", nil), 200, "")
		lockedOut(t, s, c, attacker, victim)
		claimNotice(t, s, victim, "the password", "the session that was signed in")
	})
}

// Unexpired session, the paper's own variant: the owner resets the
// password the squatter set.
func TestPreHijackUnexpiredSessionRecovery(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		// Without the project's session invalidation, only the claim ends
		// the squatter's session.
		c.setAuth("session-invalidation", map[string]any{"enabled": false})
		victim := email()
		uid, attacker := squat(t, s, c, victim)
		owner := s.client(t, c.project)
		expect(t, owner.do("POST", "/account/recovery", map[string]any{"email": victim, "url": "https://app.example.test/r"}), 201, "")
		q := linkIn(t, s.mailWith(t, victim, subjectRecovery).Text).Query()
		expect(t, owner.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": q.Get("secret"), "password": "the owner's own"}), 200, "")
		lockedOut(t, s, c, attacker, victim)
		owner.signIn(victim, "the owner's own")
		claimNotice(t, s, victim, "the password", "the session that was signed in")
	})
}

// A phone is squatted the same way: an account with no email whose
// unverified phone is the victim's is claimed by the phone's owner.
func TestPreHijackPhoneSquat(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		phone := phoneNumber()
		a := s.client(t, c.project)
		expect(t, a.do("POST", "/account/sessions/anonymous", nil), 201, "")
		expect(t, a.do("PATCH", "/account/phone", map[string]any{"phone": phone, "password": squatterPass}), 200, "")
		uid := a.do("GET", "/account", nil).str(t, "$id")

		owner := s.client(t, c.project)
		r := owner.do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": phone})
		expect(t, r, 201, "")
		if r.str(t, "userId") != uid {
			t.Fatalf("the owner's code went to %s, not the account %s", r.str(t, "userId"), uid)
		}
		code := codeIn(t, s.texts.waitFor(t, phone))
		expect(t, owner.do("PUT", "/account/sessions/phone", map[string]any{"userId": uid, "secret": code}), 201, "")
		expect(t, a.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		if u := c.with("X-Appwrite-Key", c.key("users.read")).do("GET", "/users/"+uid, nil); u.str(t, "password") != "" {
			t.Fatalf("the squatter's password survived: %s", u.body)
		}
	})
}

// Trojan identifier: the squatter adds a way in of their own (their phone,
// verified by them) before the owner proves the address.
func TestPreHijackTrojanIdentifier(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victim, trojan := email(), phoneNumber()
		uid, attacker := squat(t, s, c, victim)
		expect(t, attacker.do("PATCH", "/account/phone", map[string]any{"phone": trojan, "password": squatterPass}), 200, "")
		expect(t, attacker.do("POST", "/account/verification/phone", nil), 201, "")
		code := codeIn(t, s.texts.waitFor(t, trojan))
		expect(t, attacker.do("PUT", "/account/verification/phone", map[string]any{"userId": uid, "secret": code}), 200, "")
		// A second factor of the squatter's would lock the owner out.
		e := attacker.do("POST", "/account/mfa/authenticators/totp", nil)
		expect(t, e, 200, "")
		expect(t, attacker.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": totpCode(t, e.str(t, "secret"), time.Now())}), 200, "")
		expect(t, attacker.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")

		owner := s.client(t, c.project)
		expect(t, owner.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": victim, "url": "https://app.example.test/m"}), 201, "")
		q := linkIn(t, s.mailWith(t, victim, subjectMagic).Text).Query()
		expect(t, owner.do("PUT", "/account/sessions/magic-url", map[string]any{"userId": uid, "secret": q.Get("secret")}), 201, "")
		me := owner.do("GET", "/account", nil)
		expect(t, me, 200, "")
		if me.str(t, "$id") != uid || me.str(t, "phone") != "" || me.obj(t)["mfa"] != false {
			t.Fatalf("the owner's account kept the squatter's phone or second factor: %s", me.body)
		}
		expect(t, owner.do("GET", "/account/mfa/factors", nil), 200, "")
		if f := owner.do("GET", "/account/mfa/factors", nil).obj(t); f["totp"] != false {
			t.Fatalf("the squatter's authenticator survived: %v", f)
		}
		lockedOut(t, s, c, attacker, victim)
		// The trojan phone no longer leads into the account.
		r := s.client(t, c.project).do("POST", "/account/tokens/phone", map[string]any{"userId": "unique()", "phone": trojan})
		expect(t, r, 201, "")
		if r.str(t, "userId") == uid {
			t.Fatal("the squatter's phone still signs in to the owner's account")
		}
		claimNotice(t, s, victim, "the password", "the phone number "+trojan, "two-step verification")
	})
}

// Unexpired email change: the squatter opens an account with an address
// of their own, gets a sign-in link and a verification link mailed there,
// and changes the email to the victim's; the links must die with the
// change, and stay dead once the owner has the account.
func TestPreHijackUnexpiredEmailChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		own, victim := email(), email()
		a := s.client(t, c.project)
		uid := a.signUp(own, squatterPass)
		a.signIn(own, squatterPass)
		expect(t, a.do("POST", "/account/verification", map[string]any{"url": "https://app.example.test/v"}), 201, "")
		verify := linkIn(t, s.mailWith(t, own, subjectVerification).Text).Query()
		expect(t, s.client(t, c.project).do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": own, "url": "https://app.example.test/m"}), 201, "")
		magic := linkIn(t, s.mailWith(t, own, subjectMagic).Text).Query()
		expect(t, a.do("PATCH", "/account/email", map[string]any{"email": victim, "password": squatterPass}), 200, "")

		got, owner := codeSignIn(t, s, c, victim)
		if got != uid {
			t.Fatalf("the owner's code went to %s, not the account %s", got, uid)
		}
		g := s.client(t, c.project)
		expect(t, g.do("PUT", "/account/sessions/magic-url", map[string]any{"userId": uid, "secret": magic.Get("secret")}), 401, "user_invalid_token")
		expect(t, g.do("PUT", "/account/verification", map[string]any{"userId": uid, "secret": verify.Get("secret")}), 401, "user_invalid_token")
		expect(t, owner.do("GET", "/account", nil), 200, "")
		lockedOut(t, s, c, a, victim)
		claimNotice(t, s, victim, "the password", "the session that was signed in")
	})
}

// Non-verifying IdP: the squatter signs in with a provider that does not
// verify emails, reporting the victim's address; the owner then signs in
// by an email code. The squatter's provider account must not lead into
// the owner's account, then or later.
func TestPreHijackNonVerifyingIdP(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		victim := email()
		idp.AddUser("sub-squatter", victim, false, "Squatter")
		idp.Next("sub-squatter")
		attacker := s.client(t, c.project)
		oauthFlow(t, s, attacker, "sessions") // in or refused: either way it must not last

		uid, owner := codeSignIn(t, s, c, victim)
		expect(t, owner.do("GET", "/account", nil), 200, "")
		if ids := owner.do("GET", "/account/identities", nil); ids.obj(t)["total"] != float64(0) {
			t.Fatalf("the squatter's unverified identity survived the owner's proof: %s", ids.body)
		}
		if r := attacker.do("GET", "/account", nil); r.status == 200 && r.str(t, "$id") == uid {
			t.Fatal("the squatter's session opens the owner's account")
		}
		again := s.client(t, c.project)
		idp.Next("sub-squatter")
		if end := oauthFlow(t, s, again, "sessions"); end.Path == "/ok" {
			if r := again.do("GET", "/account", nil); r.str(t, "$id") == uid {
				t.Fatal("the squatter's provider signs in to the owner's account")
			}
		}
	})
}

// The ordinary path: sign up, ask for the verification mail and open its
// link in the same session. Still signed in, the password still works.
func TestPreHijackOrdinaryVerificationKeepsAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		expect(t, c.do("POST", "/account/verification", map[string]any{"url": "https://app.example.test/v"}), 201, "")
		m := s.mailWith(t, mail, subjectVerification)
		if disownLink(t, m.Text) == nil {
			t.Fatalf("the verification mail has no \"this wasn't me\" link:\n%s", m.Text)
		}
		q := linkIn(t, m.Text).Query()
		expect(t, c.do("PUT", "/account/verification", map[string]any{"userId": q.Get("userId"), "secret": q.Get("secret")}), 200, "")
		me := c.do("GET", "/account", nil)
		expect(t, me, 200, "")
		if me.obj(t)["emailVerification"] != true {
			t.Fatalf("not verified: %s", me.body)
		}
		s.client(t, c.project).signIn(mail, "correct horse")
	})
}

// A verification link opened by anyone but the session that asked for it
// claims the account: the squatter asked for the mail, the owner clicked.
func TestPreHijackVerificationLinkOpenedByOwner(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victim := email()
		uid, attacker := squat(t, s, c, victim)
		expect(t, attacker.do("POST", "/account/verification", map[string]any{"url": "https://app.example.test/v"}), 201, "")
		q := linkIn(t, s.mailWith(t, victim, subjectVerification).Text).Query()
		expect(t, s.client(t, c.project).do("PUT", "/account/verification", map[string]any{"userId": uid, "secret": q.Get("secret")}), 200, "")
		lockedOut(t, s, c, attacker, victim)
		claimNotice(t, s, victim, "the password", "the session that was signed in")
		// The owner signs in with an email code and finds it verified.
		if got, owner := codeSignIn(t, s, c, victim); got != uid || owner.do("GET", "/account", nil).obj(t)["emailVerification"] != true {
			t.Fatal("the owner did not get the verified account")
		}
	})
}

// disownLink finds the "this wasn't me" link of a verification mail.
func disownLink(t *testing.T, text string) *url.URL {
	t.Helper()
	for _, m := range aLink.FindAllString(text, -1) {
		if strings.Contains(m, "/account/verification/disown/") {
			u, err := url.Parse(m)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
	}
	return nil
}

// The victim never asked for the verification mail and uses its "this
// wasn't me" link instead: the page asks, the button takes the account
// from the squatter.
func TestPreHijackThisWasntMeLink(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victim := email()
		uid, attacker := squat(t, s, c, victim)
		expect(t, attacker.do("POST", "/account/verification", map[string]any{"url": "https://app.example.test/v"}), 201, "")
		m := s.mailWith(t, victim, subjectVerification)
		link := disownLink(t, m.Text)
		if link == nil {
			t.Fatalf("no \"this wasn't me\" link in:\n%s", m.Text)
		}
		// Opening the link changes nothing.
		expectPage(t, browse(t, "GET", link, ""), 200, "Did you create this account?", "This wasn't me")
		expect(t, attacker.do("GET", "/account", nil), 200, "")

		page := *link
		page.RawQuery = ""
		res, err := http.PostForm(page.String(), url.Values{"userId": {link.Query().Get("userId")}, "secret": {link.Query().Get("secret")}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		expectPage(t, &resp{status: res.StatusCode, header: res.Header, body: body}, 200, "The account is yours", "the password")
		lockedOut(t, s, c, attacker, victim)
		claimNotice(t, s, victim, "the password")
		// The link worked once, and the verification link went with it.
		res, err = http.PostForm(page.String(), url.Values{"userId": {uid}, "secret": {link.Query().Get("secret")}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Fatalf("the used link answered %d", res.StatusCode)
		}
		q := linkIn(t, m.Text).Query()
		expect(t, s.client(t, c.project).do("PUT", "/account/verification", map[string]any{"userId": uid, "secret": q.Get("secret")}), 401, "user_invalid_token")
	})
}

// The squatter signs in with the password over and over while the owner
// proves the address: no session survives the claim, whether it was
// stored just before it or just after.
func TestPreHijackSignInRacingClaim(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		victim := email()
		_, attacker := squat(t, s, c, victim)
		stop := make(chan struct{})
		var mu sync.Mutex
		var signedIn []*client
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					a := s.client(t, c.project)
					if a.do("POST", "/account/sessions/email", map[string]any{"email": victim, "password": squatterPass}).status == 201 {
						mu.Lock()
						signedIn = append(signedIn, a)
						mu.Unlock()
					}
				}
			}()
		}
		codeSignIn(t, s, c, victim)
		time.Sleep(100 * time.Millisecond)
		close(stop)
		wg.Wait()
		signedIn = append(signedIn, attacker)
		for _, a := range signedIn {
			expect(t, a.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		}
	})
}

// Signing up by an email code claims an account with nothing set up
// before: no notice is mailed, and the session just made stays.
func TestPreHijackFreshCodeSignUpIsQuiet(t *testing.T) {
	eachEngineOneWorker(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		_, owner := codeSignIn(t, s, c, mail)
		expect(t, owner.do("GET", "/account", nil), 200, "")
		// A later mail to the same address shows the queue has moved on
		// (one job worker: mails go out in the order they were queued).
		expect(t, s.client(t, c.project).do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail, "url": "https://app.example.test/m"}), 201, "")
		s.mailWith(t, mail, subjectMagic)
		for _, m := range s.mail.Messages() {
			if strings.Contains(m.Subject, "is yours now") && strings.Contains(strings.Join(m.To, ","), mail) {
				t.Fatalf("a fresh sign-up was told its account was claimed: %s", m.Text)
			}
		}
	})
}
