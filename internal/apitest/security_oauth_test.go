package apitest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// The OAuth2 defences of docs/security.md: a flow is bound to the browser
// (and, for a link, the session) that started it; only an explicit link
// adds a provider to the signed-in account, after a fresh second factor
// and with a notice; a provider sign-in is one factor; an email a
// provider did not verify reserves nothing.

// oauthStartURL is where a browser starts a flow: kind "sessions" or
// "tokens" signs in, "identities" links to the signed-in account.
func oauthStartURL(s *server, project, kind string) string {
	return s.base + "/v1/account/" + kind + "/oauth2/oidc?project=" + project +
		"&success=" + url.QueryEscape("https://app.example.test/ok") + "&failure=" + url.QueryEscape("https://app.example.test/fail")
}

// oauthStart starts a flow in c's browser and returns the start's answer
// and the provider's authorize URL.
func oauthStart(t *testing.T, s *server, c *client, kind string) (*http.Response, string) {
	t.Helper()
	res := c.get(oauthStartURL(s, c.project, kind))
	if res.StatusCode != 301 {
		t.Fatalf("start %s: %d", kind, res.StatusCode)
	}
	return res, res.Header.Get("Location")
}

// oauthFinish goes through the provider and the callback in c's browser
// and returns where the server finally sent it.
func oauthFinish(t *testing.T, c *client, authorize string) *url.URL {
	t.Helper()
	res := c.get(authorize)
	if res.StatusCode/100 != 3 {
		t.Fatalf("authorize: %d", res.StatusCode)
	}
	res = c.get(res.Header.Get("Location"))
	if res.StatusCode != 301 {
		t.Fatalf("callback: %d", res.StatusCode)
	}
	end, _ := url.Parse(res.Header.Get("Location"))
	return end
}

// identitiesOf lists the provider identities (provider:uid) a user holds.
func identitiesOf(t *testing.T, k *client, uid string) []string {
	t.Helper()
	var out []string
	for _, i := range k.do("GET", "/users/identities", nil).obj(t)["identities"].([]any) {
		m := i.(map[string]any)
		if m["userId"] == uid {
			out = append(out, m["provider"].(string)+":"+m["providerUid"].(string))
		}
	}
	return out
}

// mfaAccount signs c up and in with a verified email, an authenticator
// (enrolled with the previous step's code, so the current and the next
// step are left for two challenges) and MFA on. c's session is complete
// and fresh.
func mfaAccount(t *testing.T, s *server, c, k *client, mail string) (uid, sid, totpSecret string) {
	t.Helper()
	uid = c.signUp(mail, "correct horse")
	expect(t, k.do("PATCH", "/users/"+uid+"/verification", map[string]any{"emailVerification": true}), 200, "")
	sid, _ = c.signIn(mail, "correct horse")
	e := c.do("POST", "/account/mfa/authenticators/totp", nil)
	expect(t, e, 200, "")
	totpSecret = e.str(t, "secret")
	expect(t, c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": totpCode(t, totpSecret, time.Now().Add(-30*time.Second))}), 200, "")
	expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")
	return uid, sid, totpSecret
}

// totpChallenge completes a TOTP challenge on c with the code of at.
func totpChallenge(t *testing.T, c *client, totpSecret string, at time.Time) {
	t.Helper()
	ch := c.do("POST", "/account/mfa/challenges", map[string]any{"factor": "totp"})
	expect(t, ch, 200, "")
	expect(t, c.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": totpCode(t, totpSecret, at)}), 200, "")
}

// ageSession makes a session's last challenge an hour old, as a session
// stolen or left open a while ago would be.
func ageSession(t *testing.T, s *server, project, uid, sid string) {
	t.Helper()
	if _, err := s.srv.Store.UpdateSession(context.Background(), project, uid, sid, func(sess *storage.Session) error {
		sess.MFAUpdatedAt = time.Now().Add(-time.Hour).UTC()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestOAuthUnverifiedEmailReservesNothing (issue 13, item 6): an identity
// whose provider did not verify its email keeps nobody from the address:
// its owner signs up with it, gets an email code, and signs in with a
// provider that verified it.
func TestOAuthUnverifiedEmailReservesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		// squat gives the attacker an identity holding addr, unverified,
		// on an account whose own email is elsewhere.
		squat := func(sub, addr string) string {
			t.Helper()
			idp.AddUser(sub, addr, false, "Mallory")
			idp.Next(sub)
			m := s.client(t, c.project)
			if end := oauthFlow(t, s, m, "sessions"); end.Path != "/ok" {
				t.Fatalf("squat %s: %s", addr, end)
			}
			uid := m.do("GET", "/account", nil).str(t, "$id")
			expect(t, k.do("PATCH", "/users/"+uid+"/email", map[string]any{"email": "m" + email()}), 200, "")
			if ids := identitiesOf(t, k, uid); len(ids) != 1 {
				t.Fatalf("squatter's identities %v", ids)
			}
			return uid
		}

		// Sign-up.
		addr := email()
		squat("sub-mal-1", addr)
		o := s.client(t, c.project)
		expect(t, o.do("POST", "/account", map[string]any{"userId": "unique()", "email": addr, "password": "owner's pass"}), 201, "")
		o.signIn(addr, "owner's pass")

		// An email code.
		addr = email()
		squat("sub-mal-2", addr)
		tok := s.client(t, c.project).do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": addr})
		expect(t, tok, 201, "")
		code := codeIn(t, s.mailTo(t, addr).Text)
		e := s.client(t, c.project)
		expect(t, e.do("POST", "/account/sessions/token", map[string]any{"userId": tok.str(t, "userId"), "secret": code}), 201, "")
		if got := e.do("GET", "/account", nil).str(t, "email"); got != addr {
			t.Fatalf("the code signed into %q", got)
		}

		// A provider that verified the address.
		addr = email()
		mal := squat("sub-mal-3", addr)
		idp.AddUser("sub-own-3", addr, true, "Owner")
		idp.Next("sub-own-3")
		p := s.client(t, c.project)
		if end := oauthFlow(t, s, p, "sessions"); end.Path != "/ok" {
			t.Fatalf("the owner's verified provider: %s", end)
		}
		me := p.do("GET", "/account", nil)
		if me.str(t, "email") != addr || me.str(t, "$id") == mal || me.obj(t)["emailVerification"] != true {
			t.Fatalf("owner %s", me.body)
		}
		// The squatter's identity still signs the squatter in, and only
		// the owner's verified identity now holds the address.
		idp.Next("sub-mal-3")
		m := s.client(t, c.project)
		if end := oauthFlow(t, s, m, "sessions"); end.Path != "/ok" || m.do("GET", "/account", nil).str(t, "$id") != mal {
			t.Fatalf("the squatter's own sign-in: %s", end)
		}
		expect(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": addr, "password": "another pass"}), 400, "general_bad_request")

		// Linked to an account without email, an unverified address does
		// not become the account's email; a verified one does.
		an := s.client(t, c.project)
		expect(t, an.do("POST", "/account/sessions/anonymous", nil), 201, "")
		addr = email()
		idp.AddUser("sub-anon", addr, false, "Anon")
		idp.Next("sub-anon")
		if end := oauthFlow(t, s, an, "identities"); end.Path != "/ok" {
			t.Fatalf("anonymous link: %s", end)
		}
		if me := an.do("GET", "/account", nil); me.str(t, "email") != "" || me.str(t, "name") != "Anon" {
			t.Fatalf("after an unverified link %s", me.body)
		}
		expect(t, s.client(t, c.project).do("POST", "/account", map[string]any{"userId": "unique()", "email": addr, "password": "owner's pass"}), 201, "")
		verified := email()
		idp.AddUser("sub-anon-2", verified, true, "Anon")
		idp.Next("sub-anon-2")
		if end := oauthFlow(t, s, an, "identities"); end.Path != "/ok" {
			t.Fatalf("anonymous link, verified: %s", end)
		}
		if me := an.do("GET", "/account", nil); me.str(t, "email") != verified || me.obj(t)["emailVerification"] != true {
			t.Fatalf("after a verified link %s", me.body)
		}
	})
}

// TestOAuthFlowBoundToBrowser (issue 13, item 7): a flow finishes only in
// the browser that started it, a link only in the session that started
// it; anything else ends at the failure URL, linking and signing in
// nothing.
func TestOAuthFlowBoundToBrowser(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		idp.AddUser("sub-vic", "vic@example.test", true, "Victim")

		// The cookie the start sets.
		att := s.client(t, c.project)
		res, _ := oauthStart(t, s, att, "sessions")
		var bind *http.Cookie
		for _, ck := range res.Cookies() {
			if strings.HasPrefix(ck.Name, "a_oauth_") {
				bind = ck
			}
		}
		if bind == nil || !bind.HttpOnly || bind.SameSite != http.SameSiteLaxMode || bind.Secure ||
			bind.Path != "/v1/account/sessions/oauth2/callback/oidc/"+c.project || len(bind.Value) < 32 {
			t.Fatalf("binding cookie %+v", bind)
		}

		// Apple's form POST callback is turned into a GET navigation,
		// which brings the cookie back.
		idp.AddUser("sub-apple", "apple@example.test", true, "Apple")
		idp.Next("sub-apple")
		apple := s.client(t, c.project)
		_, authorize := oauthStart(t, s, apple, "sessions")
		back, _ := url.Parse(apple.get(authorize).Header.Get("Location"))
		form := url.Values{"state": {back.Query().Get("state")}, "code": {back.Query().Get("code")}, "id_token": {"x"}}
		req, _ := http.NewRequest("POST", s.base+back.Path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://appleid.apple.com")
		pr, err := apple.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		pr.Body.Close()
		get, _ := url.Parse(pr.Header.Get("Location"))
		if pr.StatusCode != 303 || get.Path != back.Path || get.Query().Get("state") != form.Get("state") || get.Query().Get("id_token") != "" {
			t.Fatalf("form POST callback: %d %s", pr.StatusCode, get)
		}
		if res := apple.get(get.String()); res.StatusCode != 301 || !strings.HasSuffix(res.Header.Get("Location"), "/ok") {
			t.Fatalf("after the form POST: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if apple.do("GET", "/account", nil).str(t, "email") != "apple@example.test" {
			t.Fatal("the form POST flow signed nobody in")
		}

		// Login CSRF: the attacker's flow, finished by the victim.
		for _, kind := range []string{"sessions", "tokens"} {
			_, authorize = oauthStart(t, s, att, kind)
			vic := s.client(t, c.project)
			idp.Next("sub-vic")
			cb := vic.get(authorize).Header.Get("Location")
			res := vic.get(cb)
			end, _ := url.Parse(res.Header.Get("Location"))
			if typ := oauthError(t, end); res.StatusCode != 301 || typ != "user_unauthorized" || end.Query().Get("secret") != "" {
				t.Fatalf("%s flow finished in another browser: %s", kind, end)
			}
			expect(t, vic.do("GET", "/account", nil), 401, "general_unauthorized_scope")
			// The refused callback spent the state: not even the browser
			// that started it can use it now.
			if res := att.get(cb); res.StatusCode != 400 {
				t.Fatalf("replayed in the starting browser: %d", res.StatusCode)
			}
		}
		if n := k.do("GET", "/users/identities", nil).obj(t)["total"]; n != float64(1) {
			t.Fatalf("%v identities after the refused flows (only the form POST flow's expected)", n)
		}

		// A server rendering the app starts the token flow with its API
		// key and sends the browser to the provider itself: nothing to
		// bind, and the app redeems the token. A session flow it cannot
		// start.
		// The key goes with X-Appwrite-Project, as node-appwrite sends it
		// (since Appwrite 1.9 a key needs it).
		srv := c.with("X-Appwrite-Key", c.key("sessions.write")).with("X-Appwrite-Project", c.project)
		res = srv.get(oauthStartURL(s, c.project, "tokens"))
		for _, ck := range res.Cookies() {
			if strings.HasPrefix(ck.Name, "a_oauth_") {
				t.Fatalf("a server's start set %s", ck.Name)
			}
		}
		idp.AddUser("sub-ssr", "ssr@example.test", true, "SSR")
		idp.Next("sub-ssr")
		if end := oauthFinish(t, s.client(t, c.project), res.Header.Get("Location")); end.Path != "/ok" || end.Query().Get("secret") == "" {
			t.Fatalf("server-started token flow: %s", end)
		}
		if res = srv.get(oauthStartURL(s, c.project, "sessions")); res.StatusCode != 400 {
			t.Fatalf("server-started session flow: %d", res.StatusCode)
		}

		// Link CSRF: a signed-in attacker's flow (a sign-in or a link),
		// finished by the victim, links nothing to the attacker.
		mail := email()
		uid := att.signUp(mail, "attacker pass")
		att.signIn(mail, "attacker pass")
		for _, kind := range []string{"sessions", "identities"} {
			_, authorize = oauthStart(t, s, att, kind)
			idp.Next("sub-vic")
			if typ := oauthError(t, oauthFinish(t, s.client(t, c.project), authorize)); typ != "user_unauthorized" {
				t.Fatalf("%s flow of a signed-in attacker: %s", kind, typ)
			}
		}
		if ids := identitiesOf(t, k, uid); len(ids) != 0 {
			t.Fatalf("the victim's provider was linked to the attacker: %v", ids)
		}
		expect(t, att.do("GET", "/account", nil), 200, "")

		// A link is finished only by the session that started it: not
		// after signing out and in again in the same browser.
		_, authorize = oauthStart(t, s, att, "identities")
		expect(t, att.do("DELETE", "/account/sessions/current", nil), 204, "")
		att.signIn(mail, "attacker pass")
		idp.AddUser("sub-att", "att.provider@example.test", true, "Att")
		idp.Next("sub-att")
		if typ := oauthError(t, oauthFinish(t, att, authorize)); typ != "user_unauthorized" {
			t.Fatalf("a link finished by another session: %s", typ)
		}
		if ids := identitiesOf(t, k, uid); len(ids) != 0 {
			t.Fatalf("linked by another session: %v", ids)
		}
		// The same browser and session finish it.
		_, authorize = oauthStart(t, s, att, "identities")
		idp.Next("sub-att")
		if end := oauthFinish(t, att, authorize); end.Path != "/ok" {
			t.Fatalf("the starter's own link: %s", end)
		}
		if ids := identitiesOf(t, k, uid); len(ids) != 1 || ids[0] != "oidc:sub-att" {
			t.Fatalf("after the link: %v", ids)
		}
	})
}

// TestOAuthLinkNeedsFreshFactor (issue 13, item 12): with MFA on, a
// session whose last challenge is old cannot add a provider (neither by
// signing in nor by the link route); a fresh one can, and the addition is
// mailed with an undo link like any other link.
func TestOAuthLinkNeedsFreshFactor(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mail := email()
		uid, sid, totpSecret := mfaAccount(t, s, c, k, mail)
		ageSession(t, s, c.project, uid, sid)

		res := c.get(oauthStartURL(s, c.project, "identities"))
		if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("link from a stale session: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		// Signing in from the stale session signs the provider's account
		// in; it adds nothing to the account.
		idp.AddUser("sub-mal", "mal@example.test", true, "Mallory")
		idp.Next("sub-mal")
		if end := oauthFlow(t, s, c, "sessions"); end.Path != "/ok" {
			t.Fatalf("sign-in from a stale session: %s", end)
		}
		if ids := identitiesOf(t, k, uid); len(ids) != 0 {
			t.Fatalf("a stale session added %v", ids)
		}
		if c.do("GET", "/account", nil).str(t, "$id") == uid {
			t.Fatal("the provider signed into the MFA account")
		}

		// Fresh: the link works and is mailed to both addresses.
		expect(t, c.do("DELETE", "/account/sessions/current", nil), 204, "")
		c.signIn(mail, "correct horse")
		totpChallenge(t, c, totpSecret, time.Now())
		alt := "alt." + email()
		idp.AddUser("sub-alt", alt, true, "Ann Alt")
		idp.Next("sub-alt")
		_, authorize := oauthStart(t, s, c, "identities")
		if end := oauthFinish(t, c, authorize); end.Path != "/ok" {
			t.Fatalf("fresh link: %s", end)
		}
		if ids := identitiesOf(t, k, uid); len(ids) != 1 || ids[0] != "oidc:sub-alt" {
			t.Fatalf("after the link: %v", ids)
		}
		expect(t, c.do("GET", "/account", nil), 200, "")
		var undo *url.URL
		for _, to := range []string{mail, alt} {
			m := s.mailWith(t, to, "linked")
			undo = linkIn(t, m.Text)
			if undo.Path != "/v1/account/identities/undo/"+c.project || !strings.Contains(m.Text, "oidc account "+alt) {
				t.Fatalf("the notice to %s: %s", to, m.Text)
			}
		}
		logs := k.do("GET", "/users/"+uid+"/logs", nil).obj(t)["logs"].([]any)
		if len(logs) == 0 || logs[0].(map[string]any)["event"] != "user.link" {
			t.Fatalf("no user.link first in the logs: %v", logs)
		}
		// "This wasn't me" takes the identity back.
		expectPage(t, browse(t, "GET", undo, ""), 200, "oidc account was added")
		expectPage(t, browse(t, "POST", undo, undo.Query().Get("secret")), 200, "removed")
		if ids := identitiesOf(t, k, uid); len(ids) != 0 {
			t.Fatalf("after the undo: %v", ids)
		}
		expectPage(t, browse(t, "POST", undo, undo.Query().Get("secret")), 401, "already used")
	})
}

// TestOAuthSignInIsOneFactor (issue 13, item 13): for a user with MFA on,
// a provider sign-in is one factor; the second must be of another kind
// than email, which never counts, nor makes a session fresh, on a session
// whose first proof came through email.
func TestOAuthSignInIsOneFactor(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		mail := email()
		uid, _, totpSecret := mfaAccount(t, s, c, k, mail)
		expect(t, c.do("POST", "/account/mfa/recovery-codes", nil), 200, "")
		idp.AddUser("sub-ann", mail, true, "Ann")
		idp.Next("sub-ann")
		b := s.client(t, c.project)
		if end := oauthFlow(t, s, b, "sessions"); end.Path != "/ok" {
			t.Fatalf("provider sign-in: %s", end)
		}
		expect(t, b.do("GET", "/account", nil), 401, "user_more_factors_required")
		// Appwrite's wire shape stays: the session lists email and oauth2.
		sessions := k.do("GET", "/users/"+uid+"/sessions", nil).obj(t)["sessions"].([]any)
		var oauthSess map[string]any
		for _, x := range sessions {
			if m := x.(map[string]any); m["provider"] == "oidc" {
				oauthSess = m
			}
		}
		if oauthSess == nil || len(oauthSess["factors"].([]any)) != 2 {
			t.Fatalf("sessions %v", sessions)
		}
		// An email challenge is refused, whichever session created it.
		expect(t, b.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"}), 400, "general_argument_invalid")
		ch := c.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"})
		expect(t, ch, 200, "")
		code := codeIn(t, s.mailTo(t, mail).Text)
		expect(t, b.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": code}), 400, "general_argument_invalid")
		expect(t, b.do("GET", "/account", nil), 401, "user_more_factors_required")
		// An authenticator completes it.
		totpChallenge(t, b, totpSecret, time.Now())
		expect(t, b.do("GET", "/account", nil), 200, "")
		expect(t, b.do("GET", "/account/mfa/recovery-codes", nil), 200, "")
		// Once stale, an email challenge does not make it fresh again.
		ageSession(t, s, c.project, uid, oauthSess["$id"].(string))
		expect(t, b.do("GET", "/account/mfa/recovery-codes", nil), 401, "user_challenge_required")
		ch = c.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"})
		expect(t, ch, 200, "")
		code = codeIn(t, s.mailTo(t, mail).Text)
		expect(t, b.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": code}), 400, "general_argument_invalid")
		expect(t, b.do("GET", "/account/mfa/recovery-codes", nil), 401, "user_challenge_required")
		expect(t, b.do("PATCH", "/account/mfa", map[string]any{"mfa": false}), 401, "user_challenge_required")

		// A provider-only account whose one other factor is its email
		// cannot turn MFA on from a provider session: it would lock
		// itself out.
		solo := email()
		idp.AddUser("sub-solo", solo, true, "Solo")
		idp.Next("sub-solo")
		so := s.client(t, c.project)
		if end := oauthFlow(t, s, so, "sessions"); end.Path != "/ok" {
			t.Fatalf("solo sign-in: %s", end)
		}
		expect(t, so.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 400, "general_argument_invalid")
		expect(t, so.do("GET", "/account", nil), 200, "")

		// The same for a session opened with an email code.
		e := s.client(t, c.project)
		expect(t, e.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail}), 201, "")
		code = codeIn(t, s.mailTo(t, mail).Text)
		expect(t, e.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code}), 201, "")
		expect(t, e.do("GET", "/account", nil), 401, "user_more_factors_required")
		expect(t, e.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"}), 400, "general_argument_invalid")
		// A password session still takes an email challenge.
		expect(t, c.do("GET", "/account", nil), 200, "")
	})
}

// TestOAuthSignInWhileSignedInAddsAccount (issue 13, item 14): an OAuth2
// sign-in from a browser that holds a session signs in the provider's
// own account; only the explicit link route adds the provider to the
// signed-in account.
func TestOAuthSignInWhileSignedInAddsAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, idp := oauthProject(t, s)
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/multi-accounts", map[string]any{"enabled": true}), 200, "")

		d := s.client(t, c.project)
		mail := email()
		first := d.signUp(mail, "first pass")
		d.signIn(mail, "first pass")
		idp.AddUser("sub-bee", "bee."+mail, true, "Bee")
		idp.Next("sub-bee")
		if end := oauthFlow(t, s, d, "sessions"); end.Path != "/ok" {
			t.Fatalf("second person's sign-in: %s", end)
		}
		second := d.do("GET", "/account", nil)
		if second.str(t, "$id") == first || second.str(t, "email") != "bee."+mail {
			t.Fatalf("current account %s", second.body)
		}
		if ids := identitiesOf(t, k, first); len(ids) != 0 {
			t.Fatalf("the sign-in linked into the first account: %v", ids)
		}
		dev := d.do("GET", "/account/device/accounts", nil)
		expect(t, dev, 200, "")
		if dev.obj(t)["total"] != float64(2) {
			t.Fatalf("device %s", dev.body)
		}
		d.headers["X-Gatehouse-Account"] = first
		if d.do("GET", "/account", nil).str(t, "$id") != first {
			t.Fatal("the first account left the device")
		}
		delete(d.headers, "X-Gatehouse-Account")
		// The token flow signs in the provider's account too.
		idp.Next("sub-bee")
		if end := oauthFlow(t, s, d, "tokens"); end.Query().Get("userId") != second.str(t, "$id") {
			t.Fatalf("token flow: %s", end)
		}

		// Linking is the app's explicit choice.
		expect(t, d.do("PATCH", "/account/device/accounts/"+first, nil), 200, "")
		idp.AddUser("sub-cat", "cat."+mail, true, "Cat")
		idp.Next("sub-cat")
		_, authorize := oauthStart(t, s, d, "identities")
		if end := oauthFinish(t, d, authorize); end.Path != "/ok" {
			t.Fatalf("explicit link: %s", end)
		}
		if ids := identitiesOf(t, k, first); len(ids) != 1 || ids[0] != "oidc:sub-cat" {
			t.Fatalf("after the explicit link: %v", ids)
		}
		if d.do("GET", "/account", nil).str(t, "$id") != first {
			t.Fatal("the link changed the current account")
		}

		// One account per device: the sign-in replaces the session, whose
		// account gains nothing.
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/auth/multi-accounts", map[string]any{"enabled": false}), 200, "")
		e := s.client(t, c.project)
		other := email()
		eu := e.signUp(other, "other pass")
		e.signIn(other, "other pass")
		idp.AddUser("sub-eli", "eli."+other, true, "Eli")
		idp.Next("sub-eli")
		if end := oauthFlow(t, s, e, "sessions"); end.Path != "/ok" {
			t.Fatalf("sign-in: %s", end)
		}
		if e.do("GET", "/account", nil).str(t, "$id") == eu || len(identitiesOf(t, k, eu)) != 0 {
			t.Fatal("the sign-in linked into the signed-in account")
		}
		if n := k.do("GET", "/users/"+eu+"/sessions", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("the replaced session lives on: %v", n)
		}
	})
}
