package apitest

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// totpCode is what an authenticator app shows for secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestMFA(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")

		// MFA needs a verified factor first.
		expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 400, "general_argument_invalid")

		e := c.do("POST", "/account/mfa/authenticators/totp", nil)
		expect(t, e, 200, "")
		secret := e.str(t, "secret")
		uri, err := url.Parse(e.str(t, "uri"))
		if err != nil || uri.Scheme != "otpauth" || uri.Query().Get("secret") != secret || !strings.Contains(uri.Path, mail) {
			t.Fatalf("enrolment %s", e.body)
		}
		expect(t, c.do("POST", "/account/mfa/authenticators/nope", nil), 400, "general_argument_invalid")
		expect(t, c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": "000000x"}), 401, "user_invalid_token")
		code := totpCode(t, secret, time.Now())
		expect(t, c.do("PUT", "/account/mfa/authenticators/totp", map[string]any{"otp": code}), 200, "")
		expect(t, c.do("POST", "/account/mfa/authenticators/totp", nil), 409, "user_authenticator_already_verified")

		rc := c.do("POST", "/account/mfa/recovery-codes", nil)
		expect(t, rc, 200, "")
		codes := rc.obj(t)["recoveryCodes"].([]any)
		if len(codes) != 6 || len(codes[0].(string)) != 10 {
			t.Fatalf("recovery codes %s", rc.body)
		}
		expect(t, c.do("POST", "/account/mfa/recovery-codes", nil), 409, "user_recovery_codes_already_exists")
		f := c.do("GET", "/account/mfa/factors", nil)
		if o := f.obj(t); o["totp"] != true || o["recoveryCode"] != true || o["email"] != false {
			t.Fatalf("factors %s", f.body)
		}
		expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")

		// A new sign-in holds one factor: everything but the MFA routes
		// asks for more.
		n := s.client(t, c.project)
		n.signIn(mail, "correct horse")
		expect(t, n.do("GET", "/account", nil), 401, "user_more_factors_required")
		expect(t, n.do("POST", "/account/jwts", nil), 401, "user_more_factors_required")
		expect(t, n.do("GET", "/account/mfa/factors", nil), 200, "")
		ch := n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "totp"})
		expect(t, ch, 200, "")
		// The code already used for enrolment is refused (same step).
		expect(t, n.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": code}), 401, "user_invalid_token")
		next := totpCode(t, secret, time.Now().Add(30*time.Second))
		done := n.do("PUT", "/account/mfa/challenge", map[string]any{"challengeId": ch.str(t, "$id"), "otp": next})
		expect(t, done, 200, "")
		if fs := done.obj(t)["factors"].([]any); len(fs) != 2 || done.str(t, "mfaUpdatedAt") == "" {
			t.Fatalf("session after challenge %s", done.body)
		}
		expect(t, n.do("GET", "/account", nil), 200, "")
		// Replaying the code on a new challenge fails.
		ch2 := n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "totp"})
		expect(t, n.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch2.str(t, "$id"), "otp": next}), 401, "user_invalid_token")

		// A recovery code works once, on another device.
		r := s.client(t, c.project)
		r.signIn(mail, "correct horse")
		rch := r.do("POST", "/account/mfa/challenges", map[string]any{"factor": "recoverycode"})
		expect(t, rch, 200, "")
		expect(t, r.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": rch.str(t, "$id"), "otp": codes[0]}), 200, "")
		expect(t, r.do("GET", "/account", nil), 200, "")
		r2 := s.client(t, c.project)
		r2.signIn(mail, "correct horse")
		rch2 := r2.do("POST", "/account/mfa/challenges", map[string]any{"factor": "recoveryCode"})
		expect(t, r2.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": rch2.str(t, "$id"), "otp": codes[0]}), 401, "user_invalid_token")
		expect(t, r2.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": "nope", "otp": "123"}), 401, "user_invalid_token")
		expect(t, r2.do("POST", "/account/mfa/challenges", map[string]any{"factor": "fax"}), 400, "general_argument_invalid")
		expect(t, r2.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"}), 400, "user_email_not_verified")

		// Fresh factor: the recovery codes need a challenge in the last
		// 15 minutes; r just did one, and reads 5 codes left.
		left := r.do("GET", "/account/mfa/recovery-codes", nil)
		expect(t, left, 200, "")
		if n := len(left.obj(t)["recoveryCodes"].([]any)); n != 5 {
			t.Fatalf("%d codes left", n)
		}
		regen := r.do("PATCH", "/account/mfa/recovery-codes", nil)
		expect(t, regen, 200, "")
		// c enabled MFA on its session (factors added) but never completed
		// a challenge there: enrolment and turning MFA on add factors
		// without making a session fresh.
		// Sensitive changes of r (fresh) pass; of r2 (never completed) fail.
		expect(t, r2.do("PATCH", "/account/password", map[string]any{"password": "another pass", "oldPassword": "correct horse"}), 401, "user_more_factors_required")
		expect(t, r.do("PATCH", "/account/password", map[string]any{"password": "another pass", "oldPassword": "correct horse"}), 200, "")

		// The Users API sees the factors and can remove the authenticator.
		k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
		uid := r.do("GET", "/account", nil).str(t, "$id")
		uf := k.do("GET", "/users/"+uid+"/mfa/factors", nil)
		if uf.obj(t)["totp"] != true {
			t.Fatalf("users factors %s", uf.body)
		}
		expect(t, k.do("DELETE", "/users/"+uid+"/mfa/authenticators/totp", nil), 204, "")
		expect(t, k.do("DELETE", "/users/"+uid+"/mfa/authenticators/totp", nil), 404, "user_authenticator_not_found")
	})
}

func TestMFAChallengeByEmail(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := c.with("X-Appwrite-Key", c.key("users.write"))
		mail := email()
		uid := c.signUp(mail, "correct horse")
		expect(t, k.do("PATCH", "/users/"+uid+"/verification", map[string]any{"emailVerification": true}), 200, "")
		c.signIn(mail, "correct horse")
		expect(t, c.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")
		n := s.client(t, c.project)
		n.signIn(mail, "correct horse")
		expect(t, n.do("GET", "/account", nil), 401, "user_more_factors_required")
		ch := n.do("POST", "/account/mfa/challenges", map[string]any{"factor": "email"})
		expect(t, ch, 200, "")
		code := codeIn(t, s.mailTo(t, mail).Text)
		expect(t, n.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": ch.str(t, "$id"), "otp": code}), 200, "")
		expect(t, n.do("GET", "/account", nil), 200, "")
		// Turning MFA off needs a fresh factor: n has one.
		expect(t, n.do("PATCH", "/account/mfa", map[string]any{"mfa": false}), 200, "")
	})
}

func TestQRCode(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		r := c.do("GET", "/avatars/qr?size=200&text="+url.QueryEscape("otpauth://totp/Shop:ann@example.test?secret=JBSWY3DPEHPK3PXP&issuer=Shop"), nil)
		if r.status != 200 || r.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(r.body), "\x89PNG") {
			t.Fatalf("qr: %d %s", r.status, r.header.Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil || img.Bounds().Dx() != 200 {
			t.Fatalf("png: %v %v", err, img.Bounds())
		}
		expect(t, c.do("GET", "/avatars/qr", nil), 400, "general_argument_invalid")
		expect(t, c.do("GET", "/avatars/qr?text=x&size=5000", nil), 400, "general_argument_invalid")
	})
}
