package apitest

import (
	"net/url"
	"testing"
)

// TestEveryRedirectIsAPlatform: every URL a link in mail or a provider
// sends a browser to (magic URL, recovery, verification, OAuth2 success
// and failure, the explicit link flow) must be on one of the project's
// platforms; a foreign host, a script URL or an unregistered app scheme is
// refused before anything is mailed or stored, so no secret can be sent
// to a page of the attacker's.
func TestEveryRedirectIsAPlatform(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c, _ := oauthProject(t, s)
		mail := email()
		c.signUp(mail, "correct horse")
		signedIn := s.client(t, c.project)
		signedIn.signIn(mail, "correct horse")
		bad := []string{"https://evil.example.net/cb", "//evil.example.net/cb", "javascript:alert(1)", "data:text/html,x",
			"myapp-unregistered://cb", "https://app.example.test.evil.example.net/cb", "https://"}
		for _, u := range bad {
			for _, tc := range []struct {
				c    *client
				path string
				body map[string]any
			}{
				{c, "/account/tokens/magic-url", map[string]any{"userId": "unique()", "email": mail, "url": u}},
				{c, "/account/recovery", map[string]any{"email": mail, "url": u}},
				{signedIn, "/account/verifications/email", map[string]any{"url": u}},
			} {
				expect(t, tc.c.do("POST", tc.path, tc.body), 400, "general_argument_invalid")
			}
			for _, start := range []string{
				"/account/sessions/oauth2/oidc?success=" + url.QueryEscape(u),
				"/account/sessions/oauth2/oidc?success=" + url.QueryEscape("https://app.example.test/ok") + "&failure=" + url.QueryEscape(u),
				"/account/tokens/oauth2/oidc?success=" + url.QueryEscape(u),
				"/account/identities/oauth2/oidc?success=" + url.QueryEscape(u),
			} {
				r := signedIn.do("GET", start, nil)
				if r.status != 400 {
					t.Fatalf("GET %s: %d, want 400", start, r.status)
				}
			}
		}
		// Nothing was mailed for the refused requests: the first mail to
		// the address is the one sent after this good request.
		expect(t, c.do("POST", "/account/recovery", map[string]any{"email": mail, "url": "https://app.example.test/reset"}), 201, "")
		if q := linkIn(t, s.mailTo(t, mail).Text); q.Host != "app.example.test" {
			t.Fatalf("the first mail links to %s", q)
		}
	})
}
