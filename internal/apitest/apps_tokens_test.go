package apitest

import (
	"net/url"
	"testing"
)

// An app's tokens end with DELETE /apps/{appId}/tokens (its consents
// stay) and with the app itself (its consents go too), at once; only the
// app's owner may do either.
func TestAppTokensEndWithTheApp(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		expect(t, s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2-server", map[string]any{
			"enabled": true, "authorizationUrl": consentPage, "scopes": []string{"notes.read"},
		}), 200, "")
		owner, _ := signedIn(c)
		expect(t, owner.do("POST", "/apps", newApp("conf", nil)), 201, "")
		r := owner.do("POST", "/apps/conf/secrets", nil)
		expect(t, r, 201, "")
		p := &issuerProject{c: c, id: c.project, issuer: s.base + "/v1/oauth2/" + c.project, confSecret: r.str(t, "secret")}

		user, _ := signedIn(c)
		q := authorizeQuery(map[string]string{"redirect_uri": "https://notes.example/cb", "scope": "openid notes.read"})
		flow := func() tokens {
			t.Helper()
			u, got := p.authorize(t, user, q)
			if g := got.Get("grant_id"); g != "" {
				r := consentJSON(user).do("POST", p.path("/approve"), map[string]any{"grant_id": g})
				expect(t, r, 200, "")
				u, _ = url.Parse(r.str(t, "redirectUrl"))
			}
			return tokensOf(t, p.post(t, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")},
				"redirect_uri": {"https://notes.example/cb"}, "code_verifier": {testVerifier}}, "conf", p.confSecret))
		}
		live := func(tk tokens, want int) {
			t.Helper()
			if r := p.userinfo(t, tk.AccessToken); r.status != want {
				t.Fatalf("userinfo %d, want %d: %s", r.status, want, r.body)
			}
		}
		tk := flow()
		live(tk, 200)

		// Only the owner revokes.
		other, _ := signedIn(c)
		expect(t, other.do("DELETE", "/apps/conf/tokens", nil), 404, "app_not_found")
		live(tk, 200)

		expect(t, owner.do("DELETE", "/apps/conf/tokens", nil), 204, "")
		live(tk, 401)
		oauthErr(t, p.post(t, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}},
			"conf", p.confSecret), 400, "invalid_grant")
		// The consent stayed: the app gets tokens again.
		if n := user.do("GET", "/account/consents", nil).obj(t)["total"]; n != float64(1) {
			t.Fatalf("consents after revoking tokens: %v", n)
		}
		tk = flow()
		live(tk, 200)

		expect(t, owner.do("DELETE", "/apps/conf", nil), 204, "")
		live(tk, 401)
		if n := user.do("GET", "/account/consents", nil).obj(t)["total"]; n != float64(0) {
			t.Fatalf("consents after deleting the app: %v", n)
		}
	})
}
