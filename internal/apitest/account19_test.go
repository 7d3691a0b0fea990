package apitest

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Appwrite 1.9 and 2.0 changes to the Account and Users APIs: JWT
// duration and creation rules, the password-strength policy, and the
// Log model's userType.

// TestAccountJWTDuration: POST /account/jwts takes duration (0 to 3600 s,
// default 900) and the JWT lives that long, no longer.
func TestAccountJWTDuration(t *testing.T) {
	eachClockedEngineWith(t, options{}, func(t *testing.T, s *server, clk *testClock) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")

		mint := func(body any) string {
			t.Helper()
			r := c.do("POST", "/account/jwts", body)
			expect(t, r, 201, "")
			var m map[string]any
			if err := json.Unmarshal(r.body, &m); err != nil || len(m) != 1 || m["jwt"] == "" {
				t.Fatalf("body %s, want only {jwt}", r.body)
			}
			return r.str(t, "jwt")
		}
		short := mint(map[string]any{"duration": 60})
		def := mint(nil)
		long := mint(map[string]any{"duration": "3600"}) // form-style SDKs send strings
		instant := mint(map[string]any{"duration": 0})
		jwtWorks(t, c, short, "")
		jwtWorks(t, c, def, "")
		jwtWorks(t, c, instant, "user_jwt_invalid")

		clk.advance(61 * time.Second)
		jwtWorks(t, c, short, "user_jwt_invalid")
		jwtWorks(t, c, def, "")
		clk.advance(14 * time.Minute) // 15 min 1 s after minting
		jwtWorks(t, c, def, "user_jwt_invalid")
		jwtWorks(t, c, long, "")
		clk.advance(45 * time.Minute)
		jwtWorks(t, c, long, "user_jwt_invalid")

		for _, bad := range []any{-1, 3601, 1.5, "soon", true, []int{60}} {
			expect(t, c.do("POST", "/account/jwts", map[string]any{"duration": bad}), 400, "general_argument_invalid")
		}
		// The 1.4 alias takes it too.
		expect(t, c.do("POST", "/account/jwt", map[string]any{"duration": 4000}), 400, "general_argument_invalid")
	})
}

// TestAccountJWTFromJWTDenied: a request authorized by a JWT cannot mint
// another (which would let a token renew itself for ever); a session
// still can.
func TestAccountJWTFromJWTDenied(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		r := c.do("POST", "/account/jwts", nil)
		expect(t, r, 201, "")
		jwt := r.str(t, "jwt")
		byJWT := guestOf(c).with("X-Appwrite-JWT", jwt)
		expect(t, byJWT.do("GET", "/account", nil), 200, "")
		expect(t, byJWT.do("POST", "/account/jwts", nil), 403, "user_jwt_creation_denied")
		expect(t, byJWT.do("POST", "/account/jwt", map[string]any{"duration": 60}), 403, "user_jwt_creation_denied")
		// A JWT minted without a session (Users API) is refused the same way.
		key := c.with("X-Appwrite-Key", c.key("users.write"))
		bare := guestOf(c).with("X-Appwrite-JWT", mintJWT(t, key, uid, ""))
		expect(t, bare.do("POST", "/account/jwts", nil), 403, "user_jwt_creation_denied")
		expect(t, guestOf(c).do("POST", "/account/jwts", nil), 401, "general_unauthorized_scope")
		expect(t, c.do("POST", "/account/jwts", nil), 201, "")
	})
}

// TestAccountJWTRateLimitPerMinute: 120 JWTs a minute per user (Appwrite
// 1.9; 100 an hour before), counted in one-minute windows.
func TestAccountJWTRateLimitPerMinute(t *testing.T) {
	eachClockedEngineWith(t, options{rateLimits: true}, func(t *testing.T, s *server, clk *testClock) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		n := clk.now()
		clk.advance(n.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(n))
		for i := range 120 {
			r := c.do("POST", "/account/jwts", nil)
			expect(t, r, 201, "")
			if i == 0 && (r.header.Get("X-RateLimit-Limit") != "120" || r.header.Get("X-RateLimit-Remaining") != "119") {
				t.Fatalf("limit %q remaining %q, want 120 and 119", r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"))
			}
		}
		expect(t, c.do("POST", "/account/jwts", nil), 429, "general_rate_limit_exceeded")
		clk.advance(time.Minute)
		r := c.do("POST", "/account/jwts", nil)
		expect(t, r, 201, "")
		if got := r.header.Get("X-RateLimit-Remaining"); got != "119" {
			t.Fatalf("a minute later remaining %q, want 119", got)
		}
	})
}

// strongPolicy is the policy the password-strength tests set.
var strongPolicy = map[string]any{"min": 12, "uppercase": true, "number": true, "symbols": true}

// weakPasswords each miss one requirement of strongPolicy.
var weakPasswords = map[string]string{
	"too short":    "Short1!xyz", // 10 characters
	"no uppercase": "lowercase only 1!",
	"no number":    "No Numbers Here!",
	"no symbol":    "No Symbols Here 1", // spaces are not symbols
	"all letters":  "Ünïcödé Letters",
}

// strongPasswords meet strongPolicy; the classes are Unicode's.
var strongPasswords = []string{"Correct horse 42!", "Ünïcödé٣€passwd", "ΚΑΛΗΜΕΡΑ κόσμε ٣_"}

// expectWeak checks a refusal by the password-strength policy: a 400
// whose message states the requirements.
func expectWeak(t *testing.T, r *resp) {
	t.Helper()
	expect(t, r, 400, "general_argument_invalid")
	msg := r.str(t, "message")
	for _, want := range []string{"`password`", "between 12 and 256", "upper-case letter", "number", "symbol"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("message %q lacks %q", msg, want)
		}
	}
}

// TestPasswordStrengthPolicy: every route that sets a password applies
// the project's password-strength policy; the routes that allowed an
// empty password still do.
func TestPasswordStrengthPolicy(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		c.setAuth("password-strength", strongPolicy)
		key := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		i := 0
		next := func() string { i++; return strongPasswords[i%len(strongPasswords)] }

		t.Run("POST /account", func(t *testing.T) {
			for name, pw := range weakPasswords {
				t.Run(name, func(t *testing.T) {
					expectWeak(t, guestOf(c).do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": pw}))
				})
			}
			for _, pw := range strongPasswords {
				expect(t, guestOf(c).do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": pw}), 201, "")
			}
		})
		t.Run("PATCH /account/password", func(t *testing.T) {
			u := guestOf(c)
			mail, pw := email(), next()
			u.signUp(mail, pw)
			u.signIn(mail, pw)
			for _, weak := range weakPasswords {
				expectWeak(t, u.do("PATCH", "/account/password", map[string]any{"password": weak, "oldPassword": pw}))
			}
			expect(t, u.do("PATCH", "/account/password", map[string]any{"password": next(), "oldPassword": pw}), 200, "")
		})
		t.Run("PUT /account/recovery", func(t *testing.T) {
			g := guestOf(c)
			mail := email()
			uid := g.signUp(mail, next())
			expect(t, g.do("POST", "/account/recovery", map[string]any{"email": mail, "url": "https://app.example.test/reset"}), 201, "")
			secret := linkIn(t, s.mailTo(t, mail).Text).Query().Get("secret")
			for _, weak := range weakPasswords {
				expectWeak(t, g.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": secret, "password": weak}))
			}
			// A refused password leaves the link usable.
			expect(t, g.do("PUT", "/account/recovery", map[string]any{"userId": uid, "secret": secret, "password": next()}), 200, "")
		})
		t.Run("POST /users", func(t *testing.T) {
			for _, weak := range weakPasswords {
				expectWeak(t, key.do("POST", "/users", map[string]any{"userId": "unique()", "email": email(), "password": weak}))
			}
			expect(t, key.do("POST", "/users", map[string]any{"userId": "unique()", "email": email(), "password": next()}), 201, "")
			expect(t, key.do("POST", "/users", map[string]any{"userId": "unique()", "email": email()}), 201, "")
			expect(t, key.do("POST", "/users", map[string]any{"userId": "unique()", "email": email(), "password": ""}), 201, "")
			// Hash imports carry no plain password to judge.
			expect(t, key.do("POST", "/users/md5", map[string]any{"userId": "unique()", "email": email(),
				"password": "5f4dcc3b5aa765d61d8327deb882cf99"}), 201, "")
		})
		t.Run("PATCH /users/{id}/password", func(t *testing.T) {
			r := key.do("POST", "/users", map[string]any{"userId": "unique()", "email": email()})
			expect(t, r, 201, "")
			uid := r.str(t, "$id")
			for _, weak := range weakPasswords {
				expectWeak(t, key.do("PATCH", "/users/"+uid+"/password", map[string]any{"password": weak}))
			}
			expect(t, key.do("PATCH", "/users/"+uid+"/password", map[string]any{"password": next()}), 200, "")
			expect(t, key.do("PATCH", "/users/"+uid+"/password", map[string]any{"password": ""}), 200, "")
		})
		t.Run("sign-in is not judged", func(t *testing.T) {
			// A password set before the policy still signs in.
			d := s.newProject(t)
			mail := email()
			d.signUp(mail, "plain old password")
			d.setAuth("password-strength", strongPolicy)
			guestOf(d).signIn(mail, "plain old password")
		})
	})
}

// TestPasswordStrengthWithDictionary: the dictionary policy joins the
// strength policy in one message; the default policy is Appwrite's 8 to
// 256 characters.
func TestPasswordStrengthWithDictionary(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		signUp := func(pw string) *resp {
			return guestOf(c).do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": pw})
		}
		r := signUp("seven77")
		expect(t, r, 400, "general_argument_invalid")
		if msg := r.str(t, "message"); !strings.Contains(msg, "between 8 and 256") || strings.Contains(msg, "contain") {
			t.Fatalf("default policy message %q", msg)
		}
		expect(t, signUp("eight888"), 201, "")
		expect(t, signUp(strings.Repeat("x", 257)), 400, "general_argument_invalid")
		expect(t, signUp(strings.Repeat("€", 86)), 400, "general_argument_invalid") // 86 characters, 258 bytes

		c.setAuth("password-dictionary", map[string]any{"enabled": true})
		c.setAuth("password-strength", map[string]any{"uppercase": true, "number": true})
		r = signUp("Password123")
		expect(t, r, 400, "general_argument_invalid")
		if msg := r.str(t, "message"); !strings.Contains(msg, "commonly used") || !strings.Contains(msg, "upper-case") {
			t.Fatalf("message %q", msg)
		}
		expect(t, signUp("Uncommon enough 7"), 201, "")
	})
}

// TestPasswordStrengthSetting: the console alias PATCH
// /projects/{id}/auth/password-strength validates min (8 to 256) and
// updates only what it is sent.
func TestPasswordStrengthSetting(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		a := s.admin(t)
		path := "/projects/" + c.project + "/auth/password-strength"
		for _, bad := range []map[string]any{{"min": 7}, {"min": 257}, {"min": "ten"}, {"uppercase": "yes"}} {
			expect(t, a.do("PATCH", path, bad), 400, "general_argument_invalid")
		}
		expect(t, c.do("PATCH", path, map[string]any{"min": 10}), 401, "")
		c.setAuth("password-strength", map[string]any{"min": 20})
		c.setAuth("password-strength", map[string]any{"lowercase": true})
		signUp := func(pw string) *resp {
			return guestOf(c).do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": pw})
		}
		expect(t, signUp("nineteen characters"), 400, "general_argument_invalid") // min 20 stayed
		expect(t, signUp("TWENTY CAPITAL LETTERS"), 400, "general_argument_invalid")
		expect(t, signUp("twenty characters ok"), 201, "")
		c.setAuth("password-strength", map[string]any{"min": 8, "lowercase": false})
		expect(t, signUp("EIGHT888"), 201, "")
	})
}

// TestOldPasswordAnyString: since Appwrite 1.9 oldPassword is any string
// of up to 256 characters; a short one is a wrong password, not a bad
// request.
func TestOldPasswordAnyString(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "battery staple", "oldPassword": "short"}), 401, "user_invalid_credentials")
		expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "battery staple", "oldPassword": ""}), 401, "user_invalid_credentials")
		expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "battery staple", "oldPassword": strings.Repeat("x", 257)}), 400, "general_argument_invalid")
		expect(t, c.do("PATCH", "/account/password", map[string]any{"password": "battery staple", "oldPassword": "correct horse"}), 200, "")
	})
}

// TestLogUserType: the Log model says who acted, between mode and time:
// the user (session or JWT) or a project API key.
func TestLogUserType(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		uid := c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")
		key := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		expect(t, c.do("PATCH", "/account/name", map[string]any{"name": "By Session"}), 200, "")
		jwt := c.do("POST", "/account/jwts", nil).str(t, "jwt")
		expect(t, guestOf(c).with("X-Appwrite-JWT", jwt).do("PATCH", "/account/prefs", map[string]any{"prefs": map[string]any{"a": 1}}), 200, "")
		expect(t, key.do("PATCH", "/users/"+uid+"/name", map[string]any{"name": "By Key"}), 200, "")

		for _, r := range []*resp{c.do("GET", "/account/logs", nil), key.do("GET", "/users/"+uid+"/logs", nil)} {
			expect(t, r, 200, "")
			// Field order: …, mode, userType, time, …
			if i, j, k := bytes.Index(r.body, []byte(`"mode":`)), bytes.Index(r.body, []byte(`"userType":`)), bytes.Index(r.body, []byte(`"time":`)); !(i >= 0 && i < j && j < k) {
				t.Fatalf("field order in %s", r.body)
			}
			types := map[string]string{}
			for _, l := range r.obj(t)["logs"].([]any) {
				m := l.(map[string]any)
				types[m["event"].(string)+"/"+m["mode"].(string)] = m["userType"].(string)
			}
			want := map[string]string{"user.create/default": "user", "session.create/default": "user",
				"user.update/default": "user", "user.update/admin": "keyProject"}
			for k, v := range want {
				if types[k] != v {
					t.Errorf("userType of %s = %q, want %q (all: %v)", k, types[k], v, types)
				}
			}
		}
	})
}

// TestOAuthProviders19Start: the providers Appwrite added after 1.8 can
// be configured and send the browser to their own authorize endpoints
// (with a PKCE challenge where the provider takes one).
func TestOAuthProviders19Start(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, tc := range []struct {
			provider, secret, authorize string
			pkce                        bool
		}{
			{"appwrite", "s", "https://cloud.appwrite.io/v1/oauth2/console/authorize", true},
			{"cloudflare", "s", "https://dash.cloudflare.com/oauth2/auth", true},
			{"fusionauth", `{"clientSecret":"s","fusionAuthDomain":"login.example.com"}`, "https://login.example.com/oauth2/authorize", true},
			{"huggingface", "s", "https://huggingface.co/oauth/authorize", false},
			{"keycloak", `{"clientSecret":"s","keycloakDomain":"sso.example.com","keycloakRealm":"acme"}`,
				"https://sso.example.com/realms/acme/protocol/openid-connect/auth", true},
			{"kick", "s", "https://id.kick.com/oauth/authorize", true},
			{"resend", "s", "https://api.resend.com/oauth/authorize", true},
			{"x", "s", "https://x.com/i/oauth2/authorize", true},
		} {
			t.Run(tc.provider, func(t *testing.T) {
				expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": tc.provider,
					"appId": "app-id", "secret": tc.secret, "enabled": true}), 200, "")
				res := c.get(s.base + "/v1/account/sessions/oauth2/" + tc.provider + "?project=" + c.project +
					"&success=" + url.QueryEscape("https://app.example.test/ok"))
				loc, err := url.Parse(res.Header.Get("Location"))
				if res.StatusCode != 301 || err != nil {
					t.Fatalf("start: %d %q", res.StatusCode, res.Header.Get("Location"))
				}
				q := loc.Query()
				if got := loc.Scheme + "://" + loc.Host + loc.Path; got != tc.authorize || q.Get("client_id") != "app-id" {
					t.Fatalf("authorize URL %s", loc)
				}
				if (q.Get("code_challenge") != "") != tc.pkce {
					t.Fatalf("code_challenge %q, want PKCE %v", q.Get("code_challenge"), tc.pkce)
				}
			})
		}
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2", map[string]any{"provider": "keycloak",
			"appId": "app-id", "secret": `{"clientSecret":"s","keycloakDomain":"sso.example.com"}`, "enabled": true}), 400, "general_argument_invalid")
	})
}
