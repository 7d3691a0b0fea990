package apitest

import (
	"slices"
	"testing"
	"time"
)

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
