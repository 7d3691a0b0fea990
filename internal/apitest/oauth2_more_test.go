package apitest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
)

// The settings routes validate and the Project model shows them.
func TestOAuth2Settings(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		c := e.s.newProject(t)
		server := c.with("X-Appwrite-Key", c.key("project.write")).with("X-Appwrite-Response-Format", "1.9.5")
		// Off by default: the issuer answers 404.
		r := e.s.client(t, "").do("GET", "/oauth2/"+c.project+"/.well-known/openid-configuration", nil)
		oauthErr(t, r, 404, "server_disabled")
		good := map[string]any{"enabled": true, "authorizationUrl": consentPage, "scopes": []string{"notes.read", "mcp:tools"},
			"defaultScopes": []string{"openid", "notes.read"}, "userCodeLength": 6, "userCodeFormat": "numeric"}
		bad := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range good {
				m[kk] = vv
			}
			m[k] = v
			return m
		}
		for name, body := range map[string]map[string]any{
			"bad scope name":        bad("scopes", []string{"notes read"}),
			"long scope":            bad("scopes", []string{strings.Repeat("a", 129)}),
			"default not a scope":   bad("defaultScopes", []string{"notes.write"}),
			"relative consent page": bad("authorizationUrl", "/consent"),
			"consent page fragment": bad("authorizationUrl", consentPage+"#x"),
			"short user code":       bad("userCodeLength", 5),
			"long user code":        bad("userCodeLength", 17),
			"user code format":      bad("userCodeFormat", "emoji"),
			"tiny access token":     bad("accessTokenDuration", 10),
			"bad verification url":  bad("verificationUrl", "ftp://x"),
		} {
			t.Run(name, func(t *testing.T) {
				expect(t, server.do("PUT", "/project/oauth2-server", body), 400, "general_argument_invalid")
			})
		}
		expect(t, server.do("PUT", "/project/oauth2-server", map[string]any{"enabled": true}), 400, "general_argument_invalid")
		r = server.do("PUT", "/project/oauth2-server", good)
		expect(t, r, 200, "")
		m := r.obj(t)
		if m["oAuth2ServerEnabled"] != true || m["oAuth2ServerAuthorizationUrl"] != consentPage || m["oAuth2ServerUserCodeLength"].(float64) != 6 ||
			m["oAuth2ServerAccessTokenDuration"].(float64) != 28800 || m["oAuth2ServerPublicRefreshTokenDuration"].(float64) != 30*86400 ||
			m["oAuth2ServerDiscoveryUrl"] != e.s.base+"/v1/oauth2/"+c.project+"/.well-known/openid-configuration" {
			t.Fatalf("project model %s", r.body)
		}
		// Formats before 1.9.5 (the flat Project) do not carry them.
		if old := e.s.admin(t).do("GET", "/projects/"+c.project, nil); strings.Contains(string(old.body), "oAuth2Server") {
			t.Fatalf("1.8.0 project model shows the OAuth2 server: %s", old.body)
		}
		// Discovery: both documents, the same JSON.
		a := e.s.client(t, "").do("GET", "/oauth2/"+c.project+"/.well-known/openid-configuration", nil)
		b := e.s.client(t, "").do("GET", "/oauth2/"+c.project+"/.well-known/oauth-authorization-server", nil)
		expect(t, a, 200, "")
		if string(a.body) != string(b.body) || a.str(t, "issuer") != e.s.base+"/v1/oauth2/"+c.project {
			t.Fatalf("discovery %s / %s", a.body, b.body)
		}
		scopes, _ := a.obj(t)["scopes_supported"].([]any)
		if !slices.Contains(scopes, any("mcp:tools")) || !slices.Contains(scopes, any("openid")) {
			t.Fatalf("scopes_supported %v", scopes)
		}
		// The console route changes only what it sends.
		expect(t, e.s.admin(t).do("PATCH", "/projects/"+c.project+"/oauth2-server", map[string]any{"confidentialPkce": true}), 200, "")
		r = server.do("GET", "/project", nil)
		if r.status == 200 && (r.obj(t)["oAuth2ServerConfidentialPkce"] != true || r.obj(t)["oAuth2ServerUserCodeLength"].(float64) != 6) {
			t.Fatalf("after console PATCH %s", r.body)
		}
		// Turned off, the issuer is gone again.
		expect(t, server.do("PUT", "/project/oauth2-server", bad("enabled", false)), 200, "")
		oauthErr(t, e.s.client(t, "").do("GET", "/oauth2/"+c.project+"/.well-known/jwks.json", nil), 404, "server_disabled")
	})
}

// RP-initiated logout ends the browser's session of the ID token's user
// and goes back only to a registered post-logout URI.
func TestOAuth2Logout(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, _ := p.user(t)
		tk := p.tokens(t, b)
		q := url.Values{"id_token_hint": {tk.IDToken}, "post_logout_redirect_uri": {"https://evil.example/"}, "state": {"s9"}}
		expect(t, b.do("GET", p.path("/logout?"+q.Encode()), nil), 400, "oauth2_invalid_request")
		// Without a hint nothing is ended.
		expect(t, b.do("GET", p.path("/logout"), nil), 204, "")
		expect(t, b.do("GET", "/account", nil), 200, "")
		// Another user's hint does not end this session.
		b2, _ := p.user(t)
		tk2 := p.tokens(t, b2)
		expect(t, b.do("GET", p.path("/logout?id_token_hint="+url.QueryEscape(tk2.IDToken)), nil), 204, "")
		expect(t, b.do("GET", "/account", nil), 200, "")
		q.Set("post_logout_redirect_uri", logoutRedir)
		u, got := location(t, b.do("GET", p.path("/logout?"+q.Encode()), nil))
		if !strings.HasPrefix(u.String(), logoutRedir) || got.Get("state") != "s9" {
			t.Fatalf("logout went to %s", u)
		}
		expect(t, b.do("GET", "/account", nil), 401, "")
	})
}

// Signing keys rotate: the successor is published before it signs, the
// old key stays until its tokens expired, and tokens verify throughout.
func TestOAuth2KeyRotation(t *testing.T) {
	eachClockedOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, _ := p.user(t)
		verify := func(tok string) {
			t.Helper()
			// Expiry aside (the clock jumps days): the signature and
			// issuer must check against the published keys.
			v := p.verifier(t, &oidc.Config{ClientID: "conf", SkipExpiryCheck: true})
			if _, err := v.Verify(t.Context(), tok); err != nil {
				t.Fatalf("ID token does not verify: %v", err)
			}
		}
		tk := p.tokens(t, b)
		k1 := kidOf(t, tk.IDToken)
		if kids := p.jwksKids(t); !slices.Equal(kids, []string{k1}) || len(k1) != 64 {
			t.Fatalf("jwks %v, signed by %s", kids, k1)
		}
		verify(tk.IDToken)
		e.clk.advance(oauth2server.RotateAfter + time.Hour)
		old := p.tokens(t, b)
		// Published ahead, not yet signing.
		kids := p.jwksKids(t)
		if len(kids) != 2 || kids[0] != k1 || kidOf(t, old.IDToken) != k1 {
			t.Fatalf("after rotation: jwks %v, signed by %s", kids, kidOf(t, old.IDToken))
		}
		k2 := kids[1]
		e.clk.advance(oauth2server.PublishAhead + time.Minute)
		fresh := p.tokens(t, b)
		if kidOf(t, fresh.IDToken) != k2 || kidOf(t, fresh.AccessToken) != k2 {
			t.Fatal("the successor does not sign after the publish-ahead period")
		}
		// The old key's tokens still verify, and work, until they expire.
		verify(old.IDToken)
		verify(fresh.IDToken)
		if kids := p.jwksKids(t); !slices.Equal(kids, []string{k1, k2}) {
			t.Fatalf("old key dropped early: %v", kids)
		}
		// Past the longest token life, the old key is gone.
		e.clk.advance(8*time.Hour + 10*time.Minute)
		if kids := p.jwksKids(t); !slices.Equal(kids, []string{k2}) {
			t.Fatalf("old key kept too long: %v", kids)
		}
	})
}

// Pushed authorization requests: single-use, not spent while signed out.
func TestOAuth2PAR(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		r := p.post(t, "/par", authorizeQuery(nil), "conf", p.confSecret)
		expect(t, r, 201, "")
		uri := r.str(t, "request_uri")
		if !strings.HasPrefix(uri, "urn:ietf:params:oauth:request_uri:") || r.obj(t)["expires_in"].(float64) <= 0 {
			t.Fatalf("par %s", r.body)
		}
		expect(t, p.post(t, "/par", authorizeQuery(nil), "conf", "wrong"), 401, "oauth2_invalid_client")
		expect(t, p.post(t, "/par", authorizeQuery(map[string]string{"redirect_uri": "https://evil.example/"}), "conf", p.confSecret), 400, "oauth2_invalid_request")
		expect(t, p.post(t, "/par", authorizeQuery(map[string]string{"code_challenge_method": "plain"}), "conf", p.confSecret), 400, "oauth2_invalid_request")
		q := url.Values{"client_id": {"conf"}, "request_uri": {uri}}
		guest := e.s.client(t, p.id)
		expect(t, consentJSON(guest).do("GET", p.path("/authorize?"+q.Encode()), nil), 401, "user_unauthorized")
		u, got := p.authorize(t, guest, q)
		if !strings.HasPrefix(u.String(), consentPage) || got.Get("request_uri") != uri {
			t.Fatalf("signed-out PAR authorize went to %s", u)
		}
		b, _ := p.user(t)
		extra := url.Values{"client_id": {"conf"}, "request_uri": {uri}, "scope": {"openid"}}
		expect(t, consentJSON(b).do("GET", p.path("/authorize?"+extra.Encode()), nil), 400, "oauth2_invalid_request")
		expect(t, consentJSON(b).do("GET", p.path("/authorize?"+url.Values{"client_id": {"pub"}, "request_uri": {uri}}.Encode()), nil), 400, "oauth2_invalid_request")
		r = consentJSON(b).do("GET", p.path("/authorize?"+q.Encode()), nil)
		expect(t, r, 200, "")
		if r.str(t, "grantId") == "" {
			t.Fatalf("PAR authorize %s", r.body)
		}
		expect(t, consentJSON(b).do("GET", p.path("/authorize?"+q.Encode()), nil), 400, "oauth2_invalid_request")
	})
}

// The device flow (RFC 8628).
func TestOAuth2DeviceFlow(t *testing.T) {
	eachClockedOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, uid := p.user(t)
		start := func(client string) (string, string) {
			r := p.post(t, "/device_authorization", url.Values{"client_id": {client}, "scope": {"openid notes.read"}}, "", "")
			expect(t, r, 200, "")
			if r.str(t, "verification_uri") != verifyPage || !strings.Contains(r.str(t, "verification_uri_complete"), "user_code=") {
				t.Fatalf("device authorization %s", r.body)
			}
			return r.str(t, "device_code"), r.str(t, "user_code")
		}
		// conf has no device flow.
		oauthErr(t, p.post(t, "/device_authorization", url.Values{}, "conf", p.confSecret), 400, "unauthorized_client")
		device, user := start("pub")
		poll := func() *resp {
			return p.post(t, "/token", url.Values{"grant_type": {oauth2server.DeviceGrant}, "device_code": {device}, "client_id": {"pub"}}, "", "")
		}
		oauthErr(t, poll(), 400, "authorization_pending")
		oauthErr(t, poll(), 400, "slow_down")
		expect(t, consentJSON(b).do("POST", p.path("/grants"), map[string]any{"user_code": "WRONG-CODE"}), 400, "oauth2_invalid_user_code")
		r := consentJSON(b).do("POST", p.path("/grants"), map[string]any{"user_code": strings.ToLower(user)})
		expect(t, r, 201, "")
		// The first user holds the code: another cannot answer for the device.
		other, _ := p.user(t)
		expect(t, consentJSON(other).do("POST", p.path("/grants"), map[string]any{"user_code": user}), 400, "oauth2_invalid_user_code")
		if r.str(t, "userId") != uid || r.str(t, "appId") != "pub" {
			t.Fatalf("device grant %s", r.body)
		}
		r = consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": r.str(t, "$id")})
		expect(t, r, 200, "")
		e.clk.advance(11 * time.Second)
		tk := tokensOf(t, poll())
		expect(t, p.userinfo(t, tk.AccessToken), 200, "")
		oauthErr(t, poll(), 400, "invalid_grant")

		// Denied.
		device, user = start("pub")
		r = consentJSON(b).do("POST", p.path("/grants"), map[string]any{"user_code": user})
		expect(t, r, 201, "")
		expect(t, consentJSON(b).do("POST", p.path("/reject"), map[string]any{"grant_id": r.str(t, "$id")}), 200, "")
		oauthErr(t, poll(), 400, "access_denied")
		// Expired.
		device, _ = start("pub")
		e.clk.advance(601 * time.Second)
		oauthErr(t, poll(), 400, "expired_token")
		// Another client's device code.
		device, _ = start("pub")
		e.clients.add(&oauth2server.Client{ID: "pub2", ProjectID: p.id, Public: true, DeviceFlow: true, RedirectURIs: []string{publicRedir}}, "")
		oauthErr(t, p.post(t, "/token", url.Values{"grant_type": {oauth2server.DeviceGrant}, "device_code": {device}, "client_id": {"pub2"}}, "", ""), 400, "invalid_grant")
		_ = http.StatusOK
	})
}

// Guessing user codes is rate limited (10 a minute per address and user).
func TestOAuth2UserCodeRateLimit(t *testing.T) {
	for _, eng := range enginesOnce() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			mc := newMemClients()
			e := &oauthEnv{s: startServer(t, eng, options{oauth2Clients: mc, rateLimits: true}), clients: mc}
			p := e.project(t)
			b, _ := p.user(t)
			for i := 0; i < 10; i++ {
				expect(t, consentJSON(b).do("POST", p.path("/grants"), map[string]any{"user_code": "BAD" + strings.Repeat("X", i)}), 400, "oauth2_invalid_user_code")
			}
			expect(t, consentJSON(b).do("POST", p.path("/grants"), map[string]any{"user_code": "BADBAD"}), 429, "general_rate_limit_exceeded")
		})
	}
}

// Browser apps (public clients) reach the token side cross-origin: the
// preflight allows Authorization, the answers any origin, no cookies.
func TestOAuth2CORS(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		req, _ := http.NewRequest("OPTIONS", p.issuer+"/userinfo", nil)
		req.Header.Set("Origin", "https://spa.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization")
		r := send(t, req)
		if r.status != 204 || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Fatalf("preflight %d %v", r.status, r.header)
		}
		r = p.post(t, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {"pub"}}, "", "")
		if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" ||
			r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("token answer headers %v", r.header)
		}
	})
}

// prompt=select_account with several accounts on one device: the consent
// page lists them and asks again as the one the user picks.
func TestOAuth2SelectAccount(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		p.c.setAuth("multi-accounts", map[string]any{"enabled": true})
		a, bm := email(), email()
		aid := e.s.client(t, p.id).signUp(a, "correct horse")
		bid := e.s.client(t, p.id).signUp(bm, "battery staple")
		browser := e.s.client(t, p.id)
		browser.signIn(a, "correct horse")
		browser.signIn(bm, "battery staple") // B is current
		q := authorizeQuery(map[string]string{"prompt": "select_account"})
		_, got := p.authorize(t, browser, q)
		r := consentJSON(browser).do("GET", p.path("/grants/"+got.Get("grant_id")), nil)
		expect(t, r, 200, "")
		if r.str(t, "userId") != bid || r.str(t, "prompt") != "select_account" {
			t.Fatalf("grant %s", r.body)
		}
		if acc := deviceAccounts(t, browser); len(acc) != 2 || acc[aid] || !acc[bid] {
			t.Fatalf("device accounts %v", acc)
		}
		// The user picks A: the page asks again as A.
		asA := consentJSON(browser).withJar("X-Gatehouse-Account", aid)
		r = asA.do("GET", p.path("/authorize?"+q.Encode()), nil)
		expect(t, r, 200, "")
		grant := r.str(t, "grantId")
		r = asA.do("POST", p.path("/approve"), map[string]any{"grant_id": grant})
		expect(t, r, 200, "")
		back, _ := url.Parse(r.str(t, "redirectUrl"))
		tk := tokensOf(t, p.exchange(t, back.Query().Get("code")))
		expect(t, p.userinfo(t, tk.AccessToken), 200, "")
		if sub := p.userinfo(t, tk.AccessToken).str(t, "sub"); sub != aid {
			t.Fatalf("sub %s, want the picked account %s", sub, aid)
		}
		// B's session cannot answer A's grant.
		_, got = p.authorize(t, browser, q)
		expect(t, consentJSON(browser).do("GET", p.path("/grants/"+got.Get("grant_id")), nil), 200, "")
		r = asA.do("GET", p.path("/authorize?"+q.Encode()), nil)
		expect(t, consentJSON(browser).do("POST", p.path("/approve"), map[string]any{"grant_id": r.str(t, "grantId")}), 404, "oauth2_grant_not_found")
	})
}

// A session owing its second factor is not signed in at the issuer; once
// completed, acr and amr say MFA was used.
func TestOAuth2MFAClaims(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		k := p.c.with("X-Appwrite-Key", p.c.key("users.write"))
		mail := email()
		uid := p.c.signUp(mail, "correct horse")
		expect(t, k.do("PATCH", "/users/"+uid+"/verification", map[string]any{"emailVerification": true}), 200, "")
		first := e.s.client(t, p.id)
		first.signIn(mail, "correct horse")
		expect(t, first.do("PATCH", "/account/mfa", map[string]any{"mfa": true}), 200, "")

		b := e.s.client(t, p.id)
		b.signIn(mail, "correct horse")
		u, got := p.authorize(t, b, authorizeQuery(nil))
		if !strings.HasPrefix(u.String(), consentPage) || got.Get("grant_id") != "" {
			t.Fatalf("half signed-in session went to %s", u)
		}
		id, code := emailChallenge(t, e.s, b, mail)
		expect(t, b.do("PUT", "/account/mfa/challenges", map[string]any{"challengeId": id, "otp": code}), 200, "")
		tk := p.tokens(t, b)
		idt, err := p.verifier(t, &oidc.Config{ClientID: "conf"}).Verify(t.Context(), tk.IDToken)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			ACR string   `json:"acr"`
			AMR []string `json:"amr"`
		}
		idt.Claims(&c)
		if c.ACR != oauth2server.ACRMulti || !slices.Contains(c.AMR, "mfa") || !slices.Contains(c.AMR, "pwd") || !slices.Contains(c.AMR, "otp") {
			t.Fatalf("acr %q amr %v", c.ACR, c.AMR)
		}
		if at := p.accessClaims(t, tk.AccessToken, "conf"); at["acr"] != oauth2server.ACRMulti {
			t.Fatalf("access token acr %v", at["acr"])
		}
	})
}
