package apitest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// dbServer starts a server of its own on a database the test also opens,
// to read what the server stored as an attacker with a copy would.
func dbServer(t *testing.T, e testdb.Engine, o options) (*server, *sql.DB) {
	t.Helper()
	o.database = e.New(t)
	s := startServer(t, e, o)
	driver, dsn := "pgx", o.database
	if path, ok := strings.CutPrefix(o.database, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return s, db
}

var plainID = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// stored reads column of table's rows of user uid, as hex strings.
func stored(t *testing.T, db *sql.DB, table, column, uid string) []string {
	t.Helper()
	if !plainID.MatchString(uid) {
		t.Fatalf("user id %q", uid)
	}
	// The id is checked above; both engines take it quoted alike.
	rows, err := db.Query(fmt.Sprintf("SELECT %s FROM %s WHERE user_id = '%s'", column, table, uid))
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no %s row of user %s", table, uid)
	}
	return out
}

// onlyStored is the single stored value of a user's rows.
func onlyStored(t *testing.T, db *sql.DB, table, column, uid string) string {
	t.Helper()
	v := stored(t, db, table, column, uid)
	if len(v) != 1 {
		t.Fatalf("%d %s rows of user %s", len(v), table, uid)
	}
	return v[0]
}

// crackSixDigits tries every six-digit code against a stored value as
// plain SHA-256, as someone holding a database copy would, and returns
// the code found or "".
func crackSixDigits(t *testing.T, storedHex string) string {
	t.Helper()
	want, err := hex.DecodeString(storedHex)
	if err != nil || len(want) != sha256.Size {
		t.Fatalf("stored value %q is not a SHA-256-sized hex digest", storedHex)
	}
	code := []byte("000000")
	for n := 0; n < 1000000; n++ {
		v := n
		for i := 5; i >= 0; i-- {
			code[i] = byte('0' + v%10)
			v /= 10
		}
		if sum := sha256.Sum256(code); bytes.Equal(sum[:], want) {
			return string(code)
		}
	}
	return ""
}

// notPlain fails when storedHex gives away code without a key.
func notPlain(t *testing.T, what, storedHex, code string) {
	t.Helper()
	if storedHex == secret.Hash(code) {
		t.Fatalf("%s is stored as plain SHA-256 of the code", what)
	}
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		if found := crackSixDigits(t, storedHex); found != "" {
			t.Fatalf("%s: the stored value gives the code %s away", what, found)
		}
	}
}

// TestShortCodesStoredKeyed: a copy of the database does not give away a
// six-digit email code, an MFA email challenge code or a short server-made
// token, and each still works.
func TestShortCodesStoredKeyed(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s, db := dbServer(t, e, options{})
			c := s.newProject(t)

			mail := email()
			r := c.do("POST", "/account/tokens/email", map[string]any{"userId": "unique()", "email": mail})
			expect(t, r, 201, "")
			uid := r.str(t, "userId")
			code := codeIn(t, s.mailTo(t, mail).Text)
			notPlain(t, "an email code", onlyStored(t, db, "tokens", "secret_hash", uid), code)
			expect(t, c.do("POST", "/account/sessions/token", map[string]any{"userId": uid, "secret": code}), 201, "")

			// With a password, a password session can be asked for an email
			// challenge (one opened by the email code cannot: the
			// challenge would be of the kind it signed in with).
			expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "correct horse"}), 200, "")
			c = s.client(t, c.project)
			c.signIn(mail, "correct horse")
			ch := c.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"})
			expect(t, ch, 200, "")
			answer := codeIn(t, s.mailTo(t, mail).Text)
			notPlain(t, "an MFA challenge code", onlyStored(t, db, "challenges", "code_hash", uid), answer)
			expect(t, c.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": answer}), 200, "")

			k := c.with("X-Appwrite-Key", c.key("users.write"))
			expect(t, k.do("POST", "/users", map[string]any{"userId": "short", "email": email()}), 201, "")
			tok := k.do("POST", "/users/short/tokens", map[string]any{"length": 6})
			expect(t, tok, 201, "")
			raw := tok.str(t, "secret")
			notPlain(t, "a server-made token", onlyStored(t, db, "tokens", "secret_hash", "short"), raw)
			expect(t, s.client(t, c.project).do("POST", "/account/sessions/token", map[string]any{"userId": "short", "secret": raw}), 201, "")
		})
	}
}

// TestShortCodeHashNeedsInstanceKey: the same code stored by two
// instances, in projects of the same id for users of the same id, gives
// two unrelated values, and none that the code and the row's own fields
// give without a key: what is stored needs a key kept outside the tokens
// table. A project's mock number has a fixed code to compare with.
func TestShortCodeHashNeedsInstanceKey(t *testing.T) {
	const code = "424242"
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			var seen []string
			for range 2 {
				s, db := dbServer(t, e, options{})
				a := s.admin(t)
				expect(t, a.do("POST", "/projects", map[string]any{"projectId": "samecodes", "name": "Codes"}), 201, "")
				c := s.client(t, "samecodes")
				c.setAuth("mock-numbers", map[string]any{"numbers": []map[string]string{{"phone": "+15555550142", "otp": code}}})
				r := c.do("POST", "/account/tokens/phone", map[string]any{"userId": "mockuser", "phone": "+15555550142"})
				expect(t, r, 201, "")
				h := onlyStored(t, db, "tokens", "secret_hash", "mockuser")
				notPlain(t, "a mock number's code", h, code)
				fields := []string{onlyStored(t, db, "tokens", "id", "mockuser"), "mockuser", "samecodes", "+15555550142"}
				for _, f := range fields {
					for _, guess := range []string{secret.Hash(f + code), secret.Hash(code + f), hmacHex(f, code), hmacHex(code, f)} {
						if guess == h {
							t.Fatalf("the stored value is a hash of the code and %q", f)
						}
					}
				}
				seen = append(seen, h)
				expect(t, c.do("POST", "/account/sessions/token", map[string]any{"userId": "mockuser", "secret": code}), 201, "")
			}
			if seen[0] == seen[1] {
				t.Fatal("two instances stored the same code alike: the hash takes no instance key")
			}
		})
	}
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// serverToken makes a user and a server-made token of length hex
// characters for it, through an API key of c's project.
func serverToken(t *testing.T, c *client, uid string, length int) string {
	t.Helper()
	k := c.with("X-Appwrite-Key", c.key("users.write"))
	expect(t, k.do("POST", "/users", map[string]any{"userId": uid, "email": email()}), 201, "")
	tok := k.do("POST", "/users/"+uid+"/tokens", map[string]any{"length": length, "expire": 31536000})
	expect(t, tok, 201, "")
	return tok.str(t, "secret")
}

// wrongGuess is a secret of raw's length that is not raw.
func wrongGuess(raw string) string {
	if strings.HasPrefix(raw, "0") {
		return strings.Repeat("1", len(raw))
	}
	return strings.Repeat("0", len(raw))
}

// TestServerTokenWithdrawnAfterWrongGuesses: ten wrong guesses at a
// server-made token, each from another address, end it, as they end an
// email code.
func TestServerTokenWithdrawnAfterWrongGuesses(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		raw := serverToken(t, c, "guessed", 4)
		for i := range 10 {
			from := c.with("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
			expect(t, from.do("POST", "/account/sessions/token", map[string]any{"userId": "guessed", "secret": wrongGuess(raw)}), 401, "user_invalid_token")
		}
		from := c.with("X-Forwarded-For", "198.51.100.200")
		expect(t, from.do("POST", "/account/sessions/token", map[string]any{"userId": "guessed", "secret": raw}), 401, "user_invalid_token")
	})
}

// TestTokenRedemptionLimitedPerUser: redemption attempts for one user are
// limited whatever address they come from; another user is not affected.
func TestTokenRedemptionLimitedPerUser(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{rateLimits: true})
			c := s.newProject(t)
			raw := serverToken(t, c, "target", 32)
			other := serverToken(t, c, "bystander", 6)
			for i := range 10 {
				from := c.with("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
				expect(t, from.do("POST", "/account/sessions/token", map[string]any{"userId": "target", "secret": wrongGuess(raw)}), 401, "user_invalid_token")
			}
			// The token is long: wrong guesses do not withdraw it, but the
			// user's attempts are spent for the hour on every address.
			from := c.with("X-Forwarded-For", "198.51.100.200")
			expect(t, from.do("POST", "/account/sessions/token", map[string]any{"userId": "target", "secret": raw}), 429, "general_rate_limit_exceeded")
			expect(t, from.do("PUT", "/account/sessions/magic-url", map[string]any{"userId": "target", "secret": raw}), 429, "general_rate_limit_exceeded")
			expect(t, from.do("POST", "/account/sessions/token", map[string]any{"userId": "bystander", "secret": other}), 201, "")
		})
	}
}

// aliasPair is a route and its alias, which share one rate-limit counter.
type aliasPair struct {
	name        string
	method      string // of the route; aliasMethod of the alias when not the same
	path, alias string
	aliasMethod string
	limit       int
	status      int                               // what a request under the limit answers
	signedIn    bool                              // the requests come from a signed-in user
	body        func(t *testing.T, c *client) any // the same for every request of a pair
}

// TestAliasesShareRateLimits: requests alternating between a route and
// its alias spend one allowance; once it is gone both refuse.
func TestAliasesShareRateLimits(t *testing.T) {
	evil := "https://evil.example.net/cb"
	pairs := []aliasPair{
		{name: "email sign-in", method: "POST", path: "/account/sessions/email", alias: "/account/sessions", limit: 10, status: 401,
			body: func(*testing.T, *client) any { return map[string]any{"email": email(), "password": "not the password"} }},
		{name: "magic URL", method: "POST", path: "/account/tokens/magic-url", alias: "/account/sessions/magic-url", limit: 60, status: 400,
			body: func(*testing.T, *client) any {
				return map[string]any{"userId": "unique()", "email": email(), "url": evil}
			}},
		{name: "phone code", method: "POST", path: "/account/tokens/phone", alias: "/account/sessions/phone", limit: 10, status: 400,
			body: func(*testing.T, *client) any { return map[string]any{"userId": "!bad id!", "phone": "+15555550143"} }},
		{name: "email verification", method: "POST", path: "/account/verifications/email", alias: "/account/verification", limit: 10, status: 400,
			signedIn: true, body: func(*testing.T, *client) any { return map[string]any{"url": evil} }},
		{name: "email verification confirm", method: "PUT", path: "/account/verifications/email", alias: "/account/verification", limit: 10, status: 404,
			body: func(*testing.T, *client) any {
				return map[string]any{"userId": "nobody" + secret.Hex(4), "secret": "wrong"}
			}},
		{name: "phone verification", method: "POST", path: "/account/verifications/phone", alias: "/account/verification/phone", limit: 10, status: 400,
			signedIn: true, body: func(*testing.T, *client) any { return map[string]any{} }},
		{name: "phone verification confirm", method: "PUT", path: "/account/verifications/phone", alias: "/account/verification/phone", limit: 10, status: 404,
			body: func(*testing.T, *client) any {
				return map[string]any{"userId": "nobody" + secret.Hex(4), "secret": "123456"}
			}},
		{name: "MFA challenge", method: "POST", path: "/account/mfa/challenges", alias: "/account/mfa/challenge", limit: 10, status: 400,
			signedIn: true, body: func(*testing.T, *client) any { return map[string]any{"factor": "fax"} }},
		{name: "MFA challenge answer", method: "PUT", path: "/account/mfa/challenges", alias: "/account/mfa/challenge", limit: 10, status: 401,
			signedIn: true, body: func(*testing.T, *client) any {
				return map[string]any{"challengeId": "none" + secret.Hex(4), "otp": "123456"}
			}},
		// Appwrite 1.9: 120 a minute (1.8: 100 an hour).
		{name: "JWT", method: "POST", path: "/account/jwts", alias: "/account/jwt", limit: 120, status: 201, signedIn: true},
		{name: "token redemption by magic URL", method: "POST", path: "/account/sessions/token", aliasMethod: "PUT", alias: "/account/sessions/magic-url",
			limit: 10, status: 401, body: func(*testing.T, *client) any {
				return map[string]any{"userId": "someone" + secret.Hex(4), "secret": "wrong"}
			}},
		{name: "token redemption by phone", method: "POST", path: "/account/sessions/token", aliasMethod: "PUT", alias: "/account/sessions/phone",
			limit: 10, status: 401, body: func(*testing.T, *client) any {
				return map[string]any{"userId": "someone" + secret.Hex(4), "secret": "wrong"}
			}},
	}
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			clk := &testClock{}
			s := startServer(t, e, options{rateLimits: true, clock: clk})
			for i, p := range pairs {
				t.Run(p.name, func(t *testing.T) {
					// Start a second into a minute, so a per-minute
					// limit's requests share one window.
					n := clk.now()
					clk.advance(n.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(n))
					c := s.newProject(t)
					// An address of its own per pair: counters keyed by
					// address do not carry over from the pair before.
					c = c.with("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i+1))
					if p.signedIn {
						mail := email()
						c.signUp(mail, "correct horse")
						c.signIn(mail, "correct horse")
					}
					var body any
					if p.body != nil {
						body = p.body(t, c)
					}
					aliasMethod := p.aliasMethod
					if aliasMethod == "" {
						aliasMethod = p.method
					}
					for n := range p.limit {
						method, path := p.method, p.path
						if n%2 == 1 {
							method, path = aliasMethod, p.alias
						}
						if r := c.do(method, path, body); r.status != p.status {
							t.Fatalf("request %d, %s %s: status %d, want %d: %s", n+1, method, path, r.status, p.status, r.body)
						}
					}
					expect(t, c.do(p.method, p.path, body), 429, "general_rate_limit_exceeded")
					expect(t, c.do(aliasMethod, p.alias, body), 429, "general_rate_limit_exceeded")
				})
			}
		})
	}
}

// TestTOTPEnrolmentIsNotAChallenge: enrolling an authenticator (and then
// turning MFA on) adds the factor to the session but does not make it
// fresh; removing the authenticator or reading the recovery codes still
// needs a completed challenge, as in Appwrite.
func TestTOTPEnrolmentIsNotAChallenge(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		e := c.do("POST", "/account/mfa/authenticators/totp", nil)
		expect(t, e, 200, "")
		key := e.str(t, "secret")
		expect(t, c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": totpCode(t, key, time.Now())}), 200, "")

		cur := c.do("GET", "/account/sessions/current", nil)
		expect(t, cur, 200, "")
		factors, _ := cur.obj(t)["factors"].([]any)
		if !slices.Contains(factors, any("totp")) || cur.str(t, "mfaUpdatedAt") != "" {
			t.Fatalf("session after enrolment: factors %v, mfaUpdatedAt %q", factors, cur.str(t, "mfaUpdatedAt"))
		}
		expect(t, c.do("DELETE", "/account/mfa/authenticators/totp", nil), 401, "user_challenge_required")
		expect(t, c.do("POST", "/account/mfa/recovery-codes", nil), 200, "")
		expect(t, c.do("GET", "/account/mfa/recovery-codes", nil), 401, "user_challenge_required")
		// Turning MFA on counts the factors the user has, not as a challenge.
		expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")
		expect(t, c.do("GET", "/account", nil), 200, "")
		expect(t, c.do("DELETE", "/account/mfa/authenticators/totp", nil), 401, "user_challenge_required")

		// A challenge completed on the session makes it fresh.
		ch := c.do("POST", "/account/mfa/challenges", map[string]any{"factor": "totp"})
		expect(t, ch, 200, "")
		next := totpCode(t, key, time.Now().Add(30*time.Second))
		expect(t, c.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": next}), 200, "")
		expect(t, c.do("GET", "/account/mfa/recovery-codes", nil), 200, "")
		expect(t, c.do("DELETE", "/account/mfa/authenticators/totp", nil), 204, "")
	})
}
