package apitest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth2server"
)

// A credential of project A is nothing in project B, even for a client
// and user of the same ids.
func TestOAuth2ForeignProject(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		a, bp := e.project(t), e.project(t)
		// B's client conf shares A's secret: only the project differs.
		e.clients.add(&oauth2server.Client{ID: "conf", ProjectID: bp.id, RedirectURIs: []string{clientRedir}}, a.confSecret)
		bp.confSecret = a.confSecret
		browser, _ := a.user(t)
		code := a.code(t, browser, authorizeQuery(nil))
		oauthErr(t, bp.exchange(t, code), 400, "invalid_grant")
		tk := tokensOf(t, a.exchange(t, code))
		oauthErr(t, bp.userinfo(t, tk.AccessToken), 401, "invalid_token")
		oauthErr(t, bp.post(t, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}, "conf", a.confSecret), 400, "invalid_grant")
		r := bp.post(t, "/introspect", url.Values{"token": {tk.AccessToken}}, "conf", a.confSecret)
		if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"active":false}` {
			t.Fatalf("introspect in B: %d %s", r.status, r.body)
		}
		// Revoking in B does nothing to A's tokens.
		expect(t, bp.post(t, "/revoke", url.Values{"token": {tk.RefreshToken}}, "conf", a.confSecret), 200, "")
		expect(t, a.userinfo(t, tk.AccessToken), 200, "")
		// A grant of A is not found in B, nor A's consents.
		_, got := a.authorize(t, browser, authorizeQuery(map[string]string{"prompt": "consent"}))
		expect(t, consentJSON(browser).do("GET", bp.path("/grants/"+got.Get("grant_id")), nil), 401, "user_unauthorized")
		key := bp.c.key("oauth2.read")
		expect(t, bp.c.with("X-Appwrite-Key", key).do("GET", bp.path("/grants/"+got.Get("grant_id")), nil), 404, "oauth2_grant_not_found")
		// A's ID token is no hint in B.
		expect(t, browser.do("GET", bp.path("/logout?id_token_hint="+tk.IDToken), nil), 400, "oauth2_invalid_request")
		// Keys differ per project.
		if ka, kb := a.jwksKids(t), bp.jwksKids(t); len(ka) != 1 || len(kb) != 1 || ka[0] == kb[0] || kidOf(t, tk.AccessToken) != ka[0] {
			t.Fatalf("kids A %v B %v", ka, kb)
		}
	})
}

// Another user's grant is not theirs to see or answer.
func TestOAuth2GrantOwner(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		owner, _ := p.user(t)
		other, _ := p.user(t)
		_, got := p.authorize(t, owner, authorizeQuery(nil))
		g := got.Get("grant_id")
		expect(t, consentJSON(other).do("GET", p.path("/grants/"+g), nil), 404, "oauth2_grant_not_found")
		expect(t, consentJSON(other).do("POST", p.path("/approve"), map[string]any{"grant_id": g}), 404, "oauth2_grant_not_found")
		expect(t, consentJSON(other).do("POST", p.path("/reject"), map[string]any{"grant_id": g}), 404, "oauth2_grant_not_found")
		guest := e.s.client(t, p.id)
		expect(t, consentJSON(guest).do("POST", p.path("/approve"), map[string]any{"grant_id": g}), 401, "user_unauthorized")
		expect(t, consentJSON(guest).do("GET", p.path("/grants/"+g), nil), 401, "user_unauthorized")
		// A server key reads grants with oauth2.read, and cannot answer them.
		reader := p.c.with("X-Appwrite-Key", p.c.key("oauth2.read", "oauth2.write"))
		expect(t, reader.do("GET", p.path("/grants/"+g), nil), 200, "")
		expect(t, reader.do("POST", p.path("/approve"), map[string]any{"grant_id": g}), 401, "general_unauthorized_scope")
		expect(t, p.c.with("X-Appwrite-Key", p.c.key("users.read")).do("GET", p.path("/grants/"+g), nil), 401, "general_unauthorized_scope")
		// A consent call from a foreign origin is refused (CSRF).
		expect(t, consentJSON(owner).withJar("Origin", "https://evil.example").do("POST", p.path("/approve"), map[string]any{"grant_id": g}), 403, "general_unknown_origin")
		// Narrowing only: a scope that was not asked is refused.
		expect(t, consentJSON(owner).do("POST", p.path("/approve"), map[string]any{"grant_id": g, "scope": "notes.write"}), 400, "oauth2_invalid_scope")
		// The owner rejects: access_denied with the state.
		r := consentJSON(owner).do("POST", p.path("/reject"), map[string]any{"grant_id": g})
		expect(t, r, 200, "")
		u, _ := url.Parse(r.str(t, "redirectUrl"))
		if !strings.HasPrefix(u.String(), clientRedir) || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "st-1" {
			t.Fatalf("reject went to %s", u)
		}
		expect(t, consentJSON(owner).do("GET", p.path("/grants/"+g), nil), 404, "oauth2_grant_not_found")
	})
}

// Tokens die at once when their consent or family is withdrawn, or their
// user is blocked or deleted.
func TestOAuth2TokensDie(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, uid := p.user(t)
		tk := p.tokens(t, b)
		introspect := func(tok string) string {
			r := p.post(t, "/introspect", url.Values{"token": {tok}}, "conf", p.confSecret)
			if strings.Contains(string(r.body), `"active":true`) {
				return "active"
			}
			return "inactive"
		}
		// The user's consents and token families.
		r := b.do("GET", "/account/consents", nil)
		expect(t, r, 200, "")
		list := r.obj(t)
		consents, _ := list["consents"].([]any)
		if list["total"].(float64) != 1 || len(consents) != 1 {
			t.Fatalf("consents %s", r.body)
		}
		cid := consents[0].(map[string]any)["$id"].(string)
		r = b.do("GET", "/account/consents/"+cid+"/tokens", nil)
		expect(t, r, 200, "")
		fams, _ := r.obj(t)["tokens"].([]any)
		if len(fams) != 1 {
			t.Fatalf("tokens %s", r.body)
		}
		fid := fams[0].(map[string]any)["$id"].(string)
		expect(t, b.do("GET", "/account/consents/"+cid+"/tokens/"+fid, nil), 200, "")
		// Another user sees none of it.
		other, _ := p.user(t)
		expect(t, other.do("GET", "/account/consents/"+cid, nil), 404, "oauth2_consent_not_found")
		expect(t, other.do("DELETE", "/account/consents/"+cid+"/tokens/"+fid, nil), 404, "oauth2_token_not_found")

		// Deleting the family kills its tokens.
		expect(t, b.do("DELETE", "/account/consents/"+cid+"/tokens/"+fid, nil), 204, "")
		oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")
		if introspect(tk.RefreshToken) != "inactive" {
			t.Fatal("refresh token of a deleted family is active")
		}
		// Deleting the consent kills every family under it.
		tk = p.tokens(t, b)
		tk2 := p.tokens(t, b)
		expect(t, b.do("DELETE", "/account/consents/"+cid, nil), 204, "")
		for _, tok := range []string{tk.AccessToken, tk2.AccessToken} {
			oauthErr(t, p.userinfo(t, tok), 401, "invalid_token")
			if introspect(tok) != "inactive" {
				t.Fatal("access token of a deleted consent is active")
			}
		}
		// Users API: a server key sees and withdraws consents.
		tk = p.tokens(t, b)
		admin := p.c.with("X-Appwrite-Key", p.c.key("users.read", "users.write"))
		r = admin.do("GET", "/users/"+uid+"/consents", nil)
		expect(t, r, 200, "")
		consents, _ = r.obj(t)["consents"].([]any)
		if len(consents) != 1 {
			t.Fatalf("users consents %s", r.body)
		}
		cid = consents[0].(map[string]any)["$id"].(string)
		expect(t, admin.do("GET", "/users/"+uid+"/consents/"+cid+"/tokens", nil), 200, "")
		expect(t, b.do("GET", "/users/"+uid+"/consents", nil), 401, "general_unauthorized_scope")
		expect(t, admin.do("DELETE", "/users/"+uid+"/consents/"+cid, nil), 204, "")
		oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")

		// Blocking the user kills its tokens at once; a refresh while
		// blocked revokes the family for good.
		tk = p.tokens(t, b)
		expect(t, admin.do("PATCH", "/users/"+uid+"/status", map[string]any{"status": false}), 200, "")
		oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")
		if introspect(tk.AccessToken) != "inactive" || introspect(tk.RefreshToken) != "inactive" {
			t.Fatal("blocked user's tokens are active")
		}
		oauthErr(t, p.post(t, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken}}, "conf", p.confSecret), 400, "invalid_grant")
		expect(t, admin.do("PATCH", "/users/"+uid+"/status", map[string]any{"status": true}), 200, "")

		// Deleting the user kills its tokens.
		b2, uid2 := p.user(t)
		tk = p.tokens(t, b2)
		expect(t, p.userinfo(t, tk.AccessToken), 200, "")
		expect(t, admin.do("DELETE", "/users/"+uid2, nil), 204, "")
		oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")
		if introspect(tk.AccessToken) != "inactive" || introspect(tk.RefreshToken) != "inactive" {
			t.Fatal("deleted user's tokens are active")
		}
	})
}
