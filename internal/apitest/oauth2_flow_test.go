package apitest

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
)

// The authorization-code flow end to end, with the consent page's calls,
// checked by an independent verifier (go-oidc) on discovery and JWKS.
func TestOAuth2CodeFlow(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, uid := p.user(t)

		// Signed out: the consent page gets the original parameters.
		guest := e.s.client(t, p.id)
		q := authorizeQuery(nil)
		u, got := p.authorize(t, guest, q)
		if !strings.HasPrefix(u.String(), consentPage+"?") || got.Get("client_id") != "conf" || got.Get("state") != "st-1" ||
			got.Get("code_challenge") != q.Get("code_challenge") || got.Get("grant_id") != "" {
			t.Fatalf("signed out authorize went to %s", u)
		}
		// JSON without a session: 401, the page signs the user in first.
		expect(t, consentJSON(guest).do("GET", p.path("/authorize?"+q.Encode()), nil), 401, "user_unauthorized")

		// Signed in: a pending grant for the consent page.
		r := consentJSON(b).do("GET", p.path("/authorize?"+q.Encode()), nil)
		expect(t, r, 200, "")
		grant := r.str(t, "grantId")
		if grant == "" || r.str(t, "redirectUrl") != "" {
			t.Fatalf("authorize JSON: %s", r.body)
		}
		r = consentJSON(b).do("GET", p.path("/grants/"+grant), nil)
		expect(t, r, 200, "")
		g := r.obj(t)
		if g["userId"] != uid || g["appId"] != "conf" || g["redirectUri"] != clientRedir || g["authTime"].(float64) == 0 {
			t.Fatalf("grant %s", r.body)
		}
		// Approve, narrowing notes.read away; identity scopes stay.
		r = consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": grant, "scope": "email"})
		expect(t, r, 200, "")
		back, _ := url.Parse(r.str(t, "redirectUrl"))
		if !strings.HasPrefix(back.String(), clientRedir+"?") || back.Query().Get("state") != "st-1" || back.Query().Get("code") == "" {
			t.Fatalf("approve went to %s", back)
		}
		// The grant is answered once.
		expect(t, consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": grant}), 404, "oauth2_grant_not_found")

		tk := tokensOf(t, p.exchange(t, back.Query().Get("code")))
		if tk.TokenType != "Bearer" || tk.RefreshToken == "" || tk.IDToken == "" || tk.ExpiresIn <= 0 || tk.ExpiresIn > 8*3600 {
			t.Fatalf("token response %+v", tk)
		}
		if got := strings.Fields(tk.Scope); slices.Contains(got, "notes.read") || !slices.Contains(got, "openid") || !slices.Contains(got, "profile") {
			t.Fatalf("scope %q: narrowing not applied", tk.Scope)
		}
		idt, err := p.verifier(t, &oidc.Config{ClientID: "conf"}).Verify(t.Context(), tk.IDToken)
		if err != nil {
			t.Fatalf("ID token does not verify: %v", err)
		}
		if idt.Subject != uid || idt.Nonce != "n-1" {
			t.Fatalf("ID token sub %s nonce %s", idt.Subject, idt.Nonce)
		}
		if err := idt.VerifyAccessToken(tk.AccessToken); err != nil {
			t.Fatalf("at_hash: %v", err)
		}
		var idc map[string]any
		idt.Claims(&idc)
		if idc["email"] == nil || idc["name"] != "Ann" || idc["auth_time"] == nil || idc["acr"] == nil {
			t.Fatalf("ID token claims %v", idc)
		}
		if amr, _ := idc["amr"].([]any); len(amr) != 1 || amr[0] != "pwd" {
			t.Fatalf("amr %v", idc["amr"])
		}
		at := p.accessClaims(t, tk.AccessToken, "conf")
		if at["sub"] != uid || at["client_id"] != "conf" || at["jti"] == nil || at["scope"] != tk.Scope {
			t.Fatalf("access token claims %v", at)
		}

		r = p.userinfo(t, tk.AccessToken)
		expect(t, r, 200, "")
		if r.str(t, "sub") != uid || r.str(t, "email") == "" {
			t.Fatalf("userinfo %s", r.body)
		}

		// The consent now covers the request: straight back with a code.
		u, got = p.authorize(t, b, authorizeQuery(map[string]string{"scope": "openid email", "state": "st-2"}))
		if !strings.HasPrefix(u.String(), clientRedir) || got.Get("code") == "" || got.Get("state") != "st-2" {
			t.Fatalf("consented authorize went to %s", u)
		}
		// prompt=consent asks again.
		u, got = p.authorize(t, b, authorizeQuery(map[string]string{"scope": "openid email", "prompt": "consent"}))
		if !strings.HasPrefix(u.String(), consentPage) || got.Get("grant_id") == "" {
			t.Fatalf("prompt=consent went to %s", u)
		}

		// Refresh rotates; the new access token works, the old one no
		// longer does (its jti is no longer the family's).
		r = p.post(t, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}, "conf", p.confSecret)
		tk2 := tokensOf(t, r)
		if tk2.RefreshToken == "" || tk2.RefreshToken == tk.RefreshToken || tk2.AccessToken == tk.AccessToken {
			t.Fatalf("refresh did not rotate: %s", r.body)
		}
		expect(t, p.userinfo(t, tk2.AccessToken), 200, "")
		oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")

		// Introspection by the confidential client.
		r = p.post(t, "/introspect", url.Values{"token": {tk2.AccessToken}}, "conf", p.confSecret)
		if r.status != 200 || !strings.Contains(string(r.body), `"active":true`) || !strings.Contains(string(r.body), `"sub":"`+uid+`"`) {
			t.Fatalf("introspect %d %s", r.status, r.body)
		}
		// Revocation: the family dies, access and refresh.
		r = p.post(t, "/revoke", url.Values{"token": {tk2.RefreshToken}}, "conf", p.confSecret)
		expect(t, r, 200, "")
		oauthErr(t, p.userinfo(t, tk2.AccessToken), 401, "invalid_token")
		r = p.post(t, "/introspect", url.Values{"token": {tk2.AccessToken}}, "conf", p.confSecret)
		if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"active":false}` {
			t.Fatalf("introspect after revoke %d %s", r.status, r.body)
		}
		// Unknown tokens are revoked quietly (RFC 7009).
		expect(t, p.post(t, "/revoke", url.Values{"token": {"nothing"}}, "conf", p.confSecret), 200, "")
	})
}

// A public client: PKCE, no secret, JSON bodies as the node SDK sends them.
func TestOAuth2PublicClientJSON(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, uid := p.user(t)
		q := authorizeQuery(map[string]string{"client_id": "pub", "redirect_uri": publicRedir, "resource": "https://api.example.test/mcp"})
		code := p.code(t, b, q)
		sdk := e.s.client(t, "")
		r := sdk.do("POST", p.path("/token"), map[string]any{"grant_type": "authorization_code", "code": code,
			"redirect_uri": publicRedir, "client_id": "pub", "code_verifier": testVerifier})
		tk := tokensOf(t, r)
		if tk.ExpiresIn > 3600 {
			t.Fatalf("public access token lives %d s", tk.ExpiresIn)
		}
		at := p.accessClaims(t, tk.AccessToken, "https://api.example.test/mcp")
		if at["sub"] != uid || at["aud"] != "https://api.example.test/mcp" {
			t.Fatalf("claims %v", at)
		}
		// A public client cannot introspect; an API key with
		// oauth2.introspect can.
		oauthErr(t, p.post(t, "/introspect", url.Values{"token": {tk.AccessToken}, "client_id": {"pub"}}, "", ""), 401, "invalid_client")
		key := p.c.key("oauth2.introspect")
		r = p.c.with("X-Appwrite-Key", key).do("POST", p.path("/introspect"), map[string]any{"token": tk.AccessToken})
		if r.status != 200 || !strings.Contains(string(r.body), `"active":true`) {
			t.Fatalf("introspect with key %d %s", r.status, r.body)
		}
		weak := p.c.key("users.read")
		expect(t, p.c.with("X-Appwrite-Key", weak).do("POST", p.path("/introspect"), map[string]any{"token": tk.AccessToken}), 401, "general_unauthorized_scope")
	})
}
