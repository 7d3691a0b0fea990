package apitest

import "testing"

// TestLinksCarryTheTokensExpire: the `expire` parameter of a magic-URL,
// recovery or verification link is the Token model's `expire`, text for
// text (Appwrite fills both from one value, and clients compare them).
func TestLinksCarryTheTokensExpire(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		check := func(what string, r *resp, addr string) {
			t.Helper()
			expect(t, r, 201, "")
			want := r.str(t, "expire")
			link := linkIn(t, s.mailTo(t, addr).Text)
			if got := link.Query().Get("expire"); got != want {
				t.Fatalf("%s: the link's expire %q, the token's %q", what, got, want)
			}
		}

		magic := email()
		check("magic URL", c.do("POST", "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": magic, "url": "https://app.example.test/magic"}), magic)

		mail := email()
		c.signUp(mail, "correct horse")
		check("recovery", c.do("POST", "/account/recovery", map[string]any{"email": mail, "url": "https://app.example.test/reset"}), mail)
		c.signIn(mail, "correct horse")
		check("verification", c.do("POST", "/account/verifications/email", map[string]any{"url": "https://app.example.test/v"}), mail)
	})
}
