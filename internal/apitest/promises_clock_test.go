package apitest

import (
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// The tests of this file pin the documented lifetimes (docs/differences.md,
// account's constants) by moving the server's clock: each checks a moment
// just inside the limit and one just past it, so a lifetime made longer or
// shorter fails.

// eachClockedEngine runs fn against a server of its own on every engine,
// whose clock the test moves.
func eachClockedEngine(t *testing.T, fn func(t *testing.T, s *server, clk *testClock)) {
	eachClockedEngineWith(t, options{}, fn)
}

func eachClockedEngineWith(t *testing.T, o options, fn func(t *testing.T, s *server, clk *testClock)) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			o := o
			o.clock = &testClock{}
			fn(t, startServer(t, e, o), o.clock)
		})
	}
}

// mfaUser makes a user with a verified email and MFA on, and returns the
// project's client and the address; a new sign-in needs a second factor.
func mfaUser(t *testing.T, s *server) (*client, string) {
	t.Helper()
	c := s.newProject(t)
	k := c.with("X-Appwrite-Key", c.key("users.write"))
	mail := email()
	uid := c.signUp(mail, "correct horse")
	expect(t, k.do("PATCH", "/users/"+uid+"/verification", map[string]any{"emailVerification": true}), 200, "")
	c.signIn(mail, "correct horse")
	expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")
	return c, mail
}

// emailChallenge starts an email challenge on n and returns its id and
// the code mailed to addr.
func emailChallenge(t *testing.T, s *server, n *client, addr string) (id, code string) {
	t.Helper()
	ch := n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"})
	expect(t, ch, 200, "")
	return ch.str(t, "$id"), codeIn(t, s.mailTo(t, addr).Text)
}

// TestFreshFactorWindow: a challenge completed 14 minutes ago still
// allows the actions that need a fresh factor; 16 minutes ago it does not,
// though the session itself still works, until a new challenge.
func TestFreshFactorWindow(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, s *server, clk *testClock) {
		c, mail := mfaUser(t, s)
		n := s.client(t, c.project)
		n.signIn(mail, "correct horse")
		id, code := emailChallenge(t, s, n, mail)
		expect(t, n.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": code}), 200, "")
		expect(t, n.do("POST", "/account/mfa/recovery-codes", nil), 200, "")

		clk.advance(14 * time.Minute)
		expect(t, n.do("GET", "/account/mfa/recovery-codes", nil), 200, "")

		clk.advance(2 * time.Minute)
		expect(t, n.do("GET", "/account/mfa/recovery-codes", nil), 401, "user_challenge_required")
		expect(t, n.do("PATCH", "/account/mfa/recovery-codes", nil), 401, "user_challenge_required")
		expect(t, n.do("PATCH", "/account/mfa", map[string]any{"mfa": false}), 401, "user_challenge_required")
		expect(t, n.do("GET", "/account", nil), 200, "")

		id, code = emailChallenge(t, s, n, mail)
		expect(t, n.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": code}), 200, "")
		expect(t, n.do("GET", "/account/mfa/recovery-codes", nil), 200, "")
	})
}

// TestMFAChallengeLifetime: a challenge can be completed 14 minutes after
// it was made, not 16.
func TestMFAChallengeLifetime(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, s *server, clk *testClock) {
		c, mail := mfaUser(t, s)
		early := s.client(t, c.project)
		early.signIn(mail, "correct horse")
		id, code := emailChallenge(t, s, early, mail)
		clk.advance(14 * time.Minute)
		expect(t, early.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": code}), 200, "")

		late := s.client(t, c.project)
		late.signIn(mail, "correct horse")
		id, code = emailChallenge(t, s, late, mail)
		clk.advance(16 * time.Minute)
		expect(t, late.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": code}), 401, "user_invalid_token")
		expect(t, late.do("GET", "/account", nil), 401, "user_more_factors_required")
	})
}

// TestVerificationLinkLivesSevenDays: an email verification link works
// a little under seven days after it was mailed, and not a little over.
func TestVerificationLinkLivesSevenDays(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, s *server, clk *testClock) {
		p := s.newProject(t)
		type asker struct {
			c      *client
			userID string
			secret string
		}
		ask := func() asker {
			c := s.client(t, p.project)
			mail := email()
			c.signUp(mail, "correct horse")
			c.signIn(mail, "correct horse")
			expect(t, c.do("POST", "/account/verifications/email", map[string]any{"url": "https://app.example.test/v"}), 201, "")
			q := linkIn(t, s.mailTo(t, mail).Text).Query()
			return asker{c, q.Get("userId"), q.Get("secret")}
		}
		inTime, tooLate := ask(), ask()

		clk.advance(7*24*time.Hour - time.Hour)
		expect(t, inTime.c.do("PUT", "/account/verifications/email", map[string]any{"userId": inTime.userID, "secret": inTime.secret}), 200, "")

		clk.advance(2 * time.Hour)
		expect(t, tooLate.c.do("PUT", "/account/verifications/email", map[string]any{"userId": tooLate.userID, "secret": tooLate.secret}), 401, "user_invalid_token")
		if tooLate.c.do("GET", "/account", nil).obj(t)["emailVerification"] != false {
			t.Fatal("an expired link verified the address")
		}
	})
}

// TestJWTLivesFifteenMinutes: a JWT works 14 minutes after it was made,
// not 16; the session it came from goes on.
func TestJWTLivesFifteenMinutes(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, s *server, clk *testClock) {
		c, _, _ := jwtUser(t, s, email(), "correct horse")
		r := c.do("POST", "/account/jwts", nil)
		expect(t, r, 201, "")
		jwt := r.str(t, "jwt")

		clk.advance(14 * time.Minute)
		jwtWorks(t, c, jwt, "")

		clk.advance(2 * time.Minute)
		jwtWorks(t, c, jwt, "user_jwt_invalid")
		expect(t, c.do("GET", "/account", nil), 200, "")
	})
}

// TestSessionLivesProjectDuration: a session lasts the project's session
// duration from its creation: a year by default, or what the console
// set before it was made.
func TestSessionLivesProjectDuration(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, s *server, clk *testClock) {
		yearly := s.newProject(t)
		mail := email()
		yearly.signUp(mail, "correct horse")
		yearly.signIn(mail, "correct horse")
		hourly := s.client(t, yearly.project)
		hourly.setAuth("duration", map[string]any{"duration": 3600})
		hourly.signIn(mail, "correct horse")

		clk.advance(59 * time.Minute)
		expect(t, hourly.do("GET", "/account", nil), 200, "")
		clk.advance(2 * time.Minute)
		expect(t, hourly.do("GET", "/account", nil), 401, "general_unauthorized_scope")
		expect(t, yearly.do("GET", "/account", nil), 200, "")

		clk.advance(365*24*time.Hour - 2*time.Hour)
		expect(t, yearly.do("GET", "/account", nil), 200, "")
		clk.advance(2 * time.Hour)
		expect(t, yearly.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

// TestUndoLinkLivesSevenDays: the "this wasn't me" link mailed after a
// link works a little under seven days later, and not a little over.
func TestUndoLinkLivesSevenDays(t *testing.T) {
	eachClockedEngine(t, func(t *testing.T, s *server, clk *testClock) {
		_, k, pm, _ := linkedPair(t, s)
		expect(t, k.do("POST", "/users/prim/identities", map[string]any{"userId": "sec"}), 200, "")
		l := linkIn(t, s.mailWith(t, pm, "linked").Text)
		clk.advance(7*24*time.Hour - time.Hour)
		expectPage(t, browse(t, "GET", l, ""), 200, "<form")
		clk.advance(2 * time.Hour)
		expectPage(t, browse(t, "POST", l, l.Query().Get("secret")), 401, "user_invalid_token", "expired")
		expect(t, k.do("GET", "/users/sec", nil), 404, "user_not_found")
	})
}

// TestRateLimitWindowEnds: ten sign-ins an hour per email; the eleventh
// is refused until the window X-RateLimit-Reset names ends, not before.
func TestRateLimitWindowEnds(t *testing.T) {
	eachClockedEngineWith(t, options{rateLimits: true}, func(t *testing.T, s *server, clk *testClock) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		wrong := map[string]any{"email": mail, "password": "wrong horse"}
		// Start a second into an hour, so the requests share one window
		// (the windows are aligned to the hour).
		n := clk.now()
		clk.advance(n.Truncate(time.Hour).Add(time.Hour + time.Second).Sub(n))
		for range 10 {
			expect(t, c.do("POST", "/account/sessions/email", wrong), 401, "user_invalid_credentials")
		}
		r := c.do("POST", "/account/sessions/email", wrong)
		expect(t, r, 429, "general_rate_limit_exceeded")
		reset, err := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			t.Fatalf("X-RateLimit-Reset %q", r.header.Get("X-RateLimit-Reset"))
		}
		left := time.Unix(reset, 0).Sub(clk.now())
		if left <= 0 || left > time.Hour {
			t.Fatalf("the window ends in %v", left)
		}
		clk.advance(left - 2*time.Second)
		expect(t, c.do("POST", "/account/sessions/email", wrong), 429, "general_rate_limit_exceeded")
		clk.advance(3 * time.Second)
		expect(t, c.do("POST", "/account/sessions/email", wrong), 401, "user_invalid_credentials")
	})
}
