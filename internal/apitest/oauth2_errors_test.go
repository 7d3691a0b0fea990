package apitest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Authorize refuses untrusted clients and redirect URIs with an Appwrite
// error (never a redirect), and sends every later problem back to the
// client's redirect URI as an RFC 6749 error with the state.
func TestOAuth2AuthorizeErrors(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, _ := p.user(t)
		for _, c := range []struct {
			name  string
			extra map[string]string
		}{
			{"unknown client", map[string]string{"client_id": "nobody"}},
			{"redirect mismatch", map[string]string{"redirect_uri": clientRedir + "/evil"}},
			{"redirect prefix", map[string]string{"redirect_uri": "https://client.example.test/cb?x=1"}},
			{"another client's redirect", map[string]string{"redirect_uri": publicRedir}},
			{"no redirect", map[string]string{"redirect_uri": ""}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := b.do("GET", p.path("/authorize?"+authorizeQuery(c.extra).Encode()), nil)
				expect(t, r, 400, "oauth2_invalid_request")
				if r.header.Get("Location") != "" {
					t.Fatalf("redirected to %s", r.header.Get("Location"))
				}
			})
		}
		pub := map[string]string{"client_id": "pub", "redirect_uri": publicRedir}
		with := func(base map[string]string, kv ...string) map[string]string {
			out := map[string]string{}
			for k, v := range base {
				out[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				out[kv[i]] = kv[i+1]
			}
			return out
		}
		for _, c := range []struct {
			name, code string
			extra      map[string]string
		}{
			{"public client without PKCE", "invalid_request", with(pub, "code_challenge", "", "code_challenge_method", "")},
			{"plain PKCE", "invalid_request", with(pub, "code_challenge", testVerifier, "code_challenge_method", "plain")},
			{"PKCE without method", "invalid_request", with(pub, "code_challenge_method", "")},
			{"malformed challenge", "invalid_request", with(pub, "code_challenge", "short")},
			{"bad response type", "unsupported_response_type", with(nil, "response_type", "token")},
			{"unknown scope", "invalid_scope", with(nil, "scope", "openid admin.everything")},
			{"id_token without nonce", "invalid_request", with(nil, "response_type", "id_token", "nonce", "")},
			{"id_token without openid", "invalid_scope", with(nil, "response_type", "code id_token", "scope", "email")},
			{"relative resource", "invalid_target", with(nil, "resource", "/api")},
			{"resource with fragment", "invalid_target", with(nil, "resource", "https://api.example.test/#x")},
			{"details not JSON", "invalid_authorization_details", with(nil, "authorization_details", "{nope")},
			{"details of an unknown type", "invalid_authorization_details", with(nil, "authorization_details", `[{"type":"admin"}]`)},
			{"details without type", "invalid_authorization_details", with(nil, "authorization_details", `[{"amount":1}]`)},
			{"prompt none and login", "invalid_request", with(nil, "prompt", "none login")},
			{"bad max_age", "invalid_request", with(nil, "max_age", "-3")},
		} {
			t.Run(c.name, func(t *testing.T) {
				q := authorizeQuery(c.extra)
				u, got := p.authorize(t, b, q)
				redirect := q.Get("redirect_uri")
				if !strings.HasPrefix(u.String(), redirect) || got.Get("error") != c.code || got.Get("state") != "st-1" ||
					got.Get("error_description") == "" || got.Get("code") != "" {
					t.Fatalf("went to %s, want error %s", u, c.code)
				}
			})
		}
		// PKCE is required of confidential clients only when the project
		// says so.
		expect(t, e.s.admin(t).do("PATCH", "/projects/"+p.id+"/oauth2-server", map[string]any{"confidentialPkce": true}), 200, "")
		_, got := p.authorize(t, b, authorizeQuery(map[string]string{"code_challenge": "", "code_challenge_method": ""}))
		if got.Get("error") != "invalid_request" {
			t.Fatalf("confidential client without PKCE under confidentialPkce: %v", got)
		}
	})
}

// prompt and max_age: none fails on the redirect, login and an exceeded
// max_age send the user to sign in again.
func TestOAuth2Prompts(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		guest := e.s.client(t, p.id)
		_, got := p.authorize(t, guest, authorizeQuery(map[string]string{"prompt": "none"}))
		if got.Get("error") != "login_required" || got.Get("state") != "st-1" {
			t.Fatalf("prompt=none signed out: %v", got)
		}
		b, _ := p.user(t)
		_, got = p.authorize(t, b, authorizeQuery(map[string]string{"prompt": "none"}))
		if got.Get("error") != "consent_required" {
			t.Fatalf("prompt=none without consent: %v", got)
		}
		p.code(t, b, authorizeQuery(nil)) // consent given
		_, got = p.authorize(t, b, authorizeQuery(map[string]string{"prompt": "none"}))
		if got.Get("code") == "" {
			t.Fatalf("prompt=none with consent: %v", got)
		}
		// prompt=login: back to the consent page's sign-in, with the
		// request minus login and a short max_age the fresh sign-in meets.
		u, got := p.authorize(t, b, authorizeQuery(map[string]string{"prompt": "login"}))
		if !strings.HasPrefix(u.String(), consentPage) || got.Get("grant_id") != "" || got.Get("client_id") != "conf" ||
			got.Get("prompt") != "" || got.Get("max_age") == "" {
			t.Fatalf("prompt=login went to %s", u)
		}
		// max_age=0: the session is older than that.
		u, got = p.authorize(t, b, authorizeQuery(map[string]string{"max_age": "0"}))
		if !strings.HasPrefix(u.String(), consentPage) || got.Get("grant_id") != "" || got.Get("max_age") != "0" {
			t.Fatalf("max_age=0 went to %s", u)
		}
		// A generous max_age lets the session through.
		_, got = p.authorize(t, b, authorizeQuery(map[string]string{"max_age": "3600"}))
		if got.Get("code") == "" {
			t.Fatalf("max_age=3600: %v", got)
		}
		// select_account always shows the consent page, with prompt on
		// the grant.
		u, got = p.authorize(t, b, authorizeQuery(map[string]string{"prompt": "select_account"}))
		r := consentJSON(b).do("GET", p.path("/grants/"+got.Get("grant_id")), nil)
		expect(t, r, 200, "")
		if r.str(t, "prompt") != "select_account" {
			t.Fatalf("select_account went to %s, grant %s", u, r.body)
		}
	})
}

// The token endpoint's error paths, with RFC and Appwrite keys.
func TestOAuth2TokenErrors(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, _ := p.user(t)
		redeem := func(v url.Values, user, pass string) *resp { return p.post(t, "/token", v, user, pass) }
		codeReq := func(code string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {clientRedir}, "code_verifier": {testVerifier}}
		}
		code := p.code(t, b, authorizeQuery(nil))
		oauthErr(t, redeem(codeReq(code), "conf", "wrong"), 401, "invalid_client")
		oauthErr(t, redeem(codeReq(code), "nobody", "x"), 401, "invalid_client")
		oauthErr(t, redeem(codeReq(code), "", ""), 401, "invalid_client")
		// client_secret_post works as well as basic; a public client
		// cannot redeem a confidential client's code.
		v := codeReq(code)
		v.Set("client_id", "pub")
		oauthErr(t, redeem(v, "", ""), 400, "invalid_grant")
		v = codeReq(code)
		v.Set("redirect_uri", clientRedir+"x")
		oauthErr(t, redeem(v, "conf", p.confSecret), 400, "invalid_grant")
		v = codeReq(code)
		v.Del("code_verifier")
		oauthErr(t, redeem(v, "conf", p.confSecret), 400, "invalid_grant")
		v = codeReq(code)
		v.Set("code_verifier", testVerifier+"x")
		oauthErr(t, redeem(v, "conf", p.confSecret), 400, "invalid_grant")
		oauthErr(t, redeem(url.Values{"grant_type": {"password"}}, "conf", p.confSecret), 400, "unsupported_grant_type")
		oauthErr(t, redeem(url.Values{}, "conf", p.confSecret), 400, "invalid_request")
		// None of the refused attempts spent the code.
		v = codeReq(code)
		v.Set("client_id", "conf")
		v.Set("client_secret", p.confSecret)
		tk := tokensOf(t, redeem(v, "", ""))
		expect(t, p.userinfo(t, tk.AccessToken), 200, "")

		// A replayed code is refused and revokes what it gave.
		oauthErr(t, p.exchange(t, code), 400, "invalid_grant")
		oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")
		oauthErr(t, redeem(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}, "conf", p.confSecret), 400, "invalid_grant")

		// A reused refresh token revokes the whole family.
		tk = p.tokens(t, b)
		refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}
		tk2 := tokensOf(t, redeem(refresh, "conf", p.confSecret))
		oauthErr(t, redeem(refresh, "conf", p.confSecret), 400, "invalid_grant")
		oauthErr(t, p.userinfo(t, tk2.AccessToken), 401, "invalid_token")
		oauthErr(t, redeem(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk2.RefreshToken}}, "conf", p.confSecret), 400, "invalid_grant")

		// Another client cannot use the refresh token (and does not kill it).
		tk = p.tokens(t, b)
		oauthErr(t, redeem(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}, "client_id": {"pub"}}, "", ""), 400, "invalid_grant")
		expect(t, p.userinfo(t, tk.AccessToken), 200, "")
		// A resource outside the grant is invalid_target.
		oauthErr(t, redeem(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken},
			"resource": {"https://other.example.test"}}, "conf", p.confSecret), 400, "invalid_target")

		// A code outliving its consent gives nothing (not a server error).
		late := p.code(t, b, authorizeQuery(nil))
		r := b.do("GET", "/account/consents", nil)
		for _, c := range r.obj(t)["consents"].([]any) {
			expect(t, b.do("DELETE", "/account/consents/"+c.(map[string]any)["$id"].(string), nil), 204, "")
		}
		oauthErr(t, p.exchange(t, late), 400, "invalid_grant")

		// userinfo needs a token with openid, and a token at all.
		oauthErr(t, p.userinfo(t, "garbage"), 401, "invalid_token")
		req, _ := http.NewRequest("GET", p.issuer+"/userinfo", nil)
		oauthErr(t, send(t, req), 401, "invalid_token")
		// An ID token is not an access token.
		oauthErr(t, p.userinfo(t, tk.IDToken), 401, "invalid_token")
	})
}

// Codes live 60 seconds.
func TestOAuth2ExpiredCode(t *testing.T) {
	eachClockedOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, _ := p.user(t)
		code := p.code(t, b, authorizeQuery(nil))
		e.clk.advance(61 * time.Second)
		oauthErr(t, p.exchange(t, code), 400, "invalid_grant")
		// Grants expire too.
		_, got := p.authorize(t, b, authorizeQuery(map[string]string{"prompt": "consent"}))
		e.clk.advance(11 * time.Minute)
		expect(t, consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": got.Get("grant_id")}), 404, "oauth2_grant_not_found")
	})
}
