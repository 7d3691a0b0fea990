package apitest

import (
	"net/url"
	"testing"
)

// bearerProject is an issuer project whose apps may ask for the Appwrite
// user-role scope `account`, with a user and that user's access token.
func bearerProject(t *testing.T, e *oauthEnv, scope string) (p *issuerProject, b *client, uid string, tk tokens) {
	t.Helper()
	p = e.project(t)
	expect(t, e.s.admin(t).do("PATCH", "/projects/"+p.id+"/oauth2-server", map[string]any{
		"enabled": true, "authorizationUrl": consentPage, "scopes": []string{"notes.read", "account"},
		"defaultScopes": []string{"openid"},
	}), 200, "")
	b, uid = p.user(t)
	tk = tokensOf(t, p.exchange(t, p.code(t, b, authorizeQuery(map[string]string{"scope": scope}))))
	return p, b, uid, tk
}

// An access token acts as its user on the Account API routes an
// impersonator may use, and only with the scope `account` granted.
func TestBearerActsAsUserWithinScopes(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p, _, uid, tk := bearerProject(t, e, "openid account")
		api := e.s.client(t, p.id).with("Authorization", "Bearer "+tk.AccessToken)

		r := api.do("GET", "/account", nil)
		expect(t, r, 200, "")
		if r.str(t, "$id") != uid {
			t.Fatalf("bearer acted as %s, want %s", r.str(t, "$id"), uid)
		}
		expect(t, api.do("PATCH", "/account/name", map[string]any{"name": "Renamed"}), 200, "")
		expect(t, api.do("GET", "/account/sessions", nil), 200, "")

		// Nothing that changes a way in, mints a credential or needs a session.
		expect(t, api.do("PATCH", "/account/password", map[string]any{"password": "another-pass-987", "oldPassword": "password-123"}), 401, "user_unauthorized")
		expect(t, api.do("PATCH", "/account/email", map[string]any{"email": email(), "password": "password-123"}), 401, "user_unauthorized")
		expect(t, api.do("POST", "/account/jwts", nil), 401, "user_unauthorized")
		expect(t, api.do("DELETE", "/account/sessions", nil), 401, "user_unauthorized")
		expect(t, api.do("DELETE", "/account", nil), 401, "user_unauthorized")
		expect(t, api.do("POST", "/account/mfa/authenticators/totp", nil), 401, "user_unauthorized")
		// Nor other services: the token holds no users.* scope.
		expect(t, api.do("GET", "/users", nil), 401, "general_unauthorized_scope")

		// A guest stays a guest.
		expect(t, e.s.client(t, p.id).do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

// A token without the scope `account` reads nothing of the account.
func TestBearerNeedsAccountScope(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p, _, _, tk := bearerProject(t, e, "openid notes.read")
		api := e.s.client(t, p.id).with("Authorization", "Bearer "+tk.AccessToken)
		expect(t, api.do("GET", "/account", nil), 401, "general_unauthorized_scope")
	})
}

// A token is one credential: beside a session or a key it is refused,
// and a forged, foreign or revoked one does not authenticate.
func TestBearerRefusals(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p, b, _, tk := bearerProject(t, e, "openid account")
		bearer := "Bearer " + tk.AccessToken

		expect(t, b.withJar("Authorization", bearer).do("GET", "/account", nil), 403, "user_jwt_and_cookie_set")
		key := p.c.key("users.read")
		expect(t, e.s.client(t, p.id).with("X-Appwrite-Key", key).with("Authorization", bearer).do("GET", "/users", nil),
			403, "user_key_and_session_set")

		// Another project's API does not take it, even with its scopes.
		q, _, _, _ := bearerProject(t, e, "openid account")
		expect(t, e.s.client(t, q.id).with("Authorization", bearer).do("GET", "/account", nil), 401, "oauth2_invalid_token")

		// A tampered token fails its signature.
		bad := tk.AccessToken[:len(tk.AccessToken)-4] + "AAAA"
		expect(t, e.s.client(t, p.id).with("Authorization", "Bearer "+bad).do("GET", "/account", nil), 401, "oauth2_invalid_token")
		// An ID token is not an access token.
		expect(t, e.s.client(t, p.id).with("Authorization", "Bearer "+tk.IDToken).do("GET", "/account", nil), 401, "oauth2_invalid_token")

		// Revoked: dead at once.
		r := p.post(t, "/revoke", url.Values{"token": {tk.RefreshToken}}, "conf", p.confSecret)
		expect(t, r, 200, "")
		expect(t, e.s.client(t, p.id).with("Authorization", bearer).do("GET", "/account", nil), 401, "oauth2_invalid_token")
	})
}

// A blocked user's token stops working.
func TestBearerBlockedUser(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p, _, uid, tk := bearerProject(t, e, "openid account")
		api := e.s.client(t, p.id).with("Authorization", "Bearer "+tk.AccessToken)
		expect(t, api.do("GET", "/account", nil), 200, "")
		key := p.c.key("users.write")
		expect(t, e.s.client(t, p.id).with("X-Appwrite-Key", key).do("PATCH", "/users/"+uid+"/status", map[string]any{"status": false}), 200, "")
		r := api.do("GET", "/account", nil)
		if r.status != 401 && r.status != 403 {
			t.Fatalf("blocked user's token: %d %s", r.status, r.body)
		}
	})
}

// An access token is never the user's presence on the consent screen: it
// cannot answer a grant, so an app cannot approve more for itself.
func TestBearerCannotApprove(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p, b, _, tk := bearerProject(t, e, "openid account")
		r := consentJSON(b).do("GET", p.path("/authorize?"+authorizeQuery(map[string]string{"scope": "openid account notes.read", "prompt": "consent"}).Encode()), nil)
		expect(t, r, 200, "")
		grant := r.str(t, "grantId")
		if grant == "" {
			t.Fatalf("no grant to answer: %s", r.body)
		}
		app := e.s.client(t, p.id).with("Authorization", "Bearer "+tk.AccessToken).with("Accept", "application/json")
		expect(t, app.do("POST", p.path("/approve"), map[string]any{"grant_id": grant}), 401, "user_unauthorized")
		expect(t, app.do("GET", p.path("/grants/"+grant), nil), 401, "user_unauthorized")
		// The user still can.
		expect(t, consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": grant}), 200, "")
	})
}

// A project that turns its OAuth2 server off turns its tokens off too.
func TestBearerServerTurnedOff(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p, _, _, tk := bearerProject(t, e, "openid account")
		api := e.s.client(t, p.id).with("Authorization", "Bearer "+tk.AccessToken)
		expect(t, api.do("GET", "/account", nil), 200, "")
		expect(t, e.s.admin(t).do("PATCH", "/projects/"+p.id+"/oauth2-server", map[string]any{
			"enabled": false, "authorizationUrl": consentPage,
		}), 200, "")
		expect(t, api.do("GET", "/account", nil), 401, "oauth2_invalid_token")
	})
}
