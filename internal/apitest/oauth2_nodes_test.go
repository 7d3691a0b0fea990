package apitest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// Two nodes on one database: the first use of a project's issuer on both
// at once ends with one signing key, and a token of one node is revoked
// on the other at once.
func TestOAuth2TwoNodes(t *testing.T) {
	for _, eng := range testdb.Engines() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			db := eng.New(t)
			key := "shared_admin_key_" + strings.Repeat("o", 20)
			mc := newMemClients()
			// Nodes behind one name share GATEHOUSE_PUBLIC_URL, and so
			// the issuer.
			pub := "https://id.example.test"
			na := startServer(t, eng, options{database: db, adminKey: key, oauth2Clients: mc, publicURL: pub})
			nb := startServer(t, eng, options{database: db, adminKey: key, oauth2Clients: mc, publicURL: pub})
			ea, eb := &oauthEnv{s: na, clients: mc}, &oauthEnv{s: nb, clients: mc}
			p := ea.project(t)
			pb := &issuerProject{e: eb, c: nb.client(t, p.id), id: p.id, issuer: nb.base + "/v1/oauth2/" + p.id, confSecret: p.confSecret}
			var wg sync.WaitGroup
			kids := make([][]string, 8)
			for i := range kids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					target := p.issuer
					if i%2 == 1 {
						target = pb.issuer
					}
					req, _ := http.NewRequest("GET", target+"/.well-known/jwks.json", nil)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						return
					}
					defer res.Body.Close()
					var set struct {
						Keys []struct {
							Kid string `json:"kid"`
						} `json:"keys"`
					}
					json.NewDecoder(res.Body).Decode(&set)
					for _, k := range set.Keys {
						kids[i] = append(kids[i], k.Kid)
					}
				}()
			}
			wg.Wait()
			for i, k := range kids {
				if len(k) != 1 || k[0] != kids[0][0] {
					t.Fatalf("node answer %d: kids %v, first %v", i, k, kids[0])
				}
			}
			b, _ := p.user(t)
			tk := p.tokens(t, b)
			// B takes what A signed.
			var claims struct {
				Iss string `json:"iss"`
			}
			parts := strings.Split(tk.AccessToken, ".")
			raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
			json.Unmarshal(raw, &claims)
			if claims.Iss != pub+"/v1/oauth2/"+p.id {
				t.Fatalf("iss %q", claims.Iss)
			}
			expect(t, pb.userinfo(t, tk.AccessToken), 200, "")
			expect(t, pb.post(t, "/revoke", url.Values{"token": {tk.AccessToken}}, "conf", p.confSecret), 200, "")
			oauthErr(t, p.userinfo(t, tk.AccessToken), 401, "invalid_token")
		})
	}
}

// Hybrid and implicit ID tokens, resources into aud and
// authorization_details into the tokens.
func TestOAuth2HybridAndDetails(t *testing.T) {
	eachOAuth2Engine(t, func(t *testing.T, e *oauthEnv) {
		p := e.project(t)
		b, uid := p.user(t)
		details := `[{"type":"payment","amount":"10.00"},{"type":"account","id":"a1"}]`
		q := authorizeQuery(map[string]string{"response_type": "code id_token", "authorization_details": details})
		q.Add("resource", "https://api.example.test/")
		q.Add("resource", "https://files.example.test/")
		u, got := p.authorize(t, b, q)
		g := got.Get("grant_id")
		r := consentJSON(b).do("GET", p.path("/grants/"+g), nil)
		if res, _ := r.obj(t)["resources"].([]any); len(res) != 2 || !strings.Contains(r.str(t, "authorizationDetails"), "payment") {
			t.Fatalf("grant from %s: %s", u, r.body)
		}
		// Narrow the details to one entry; a detail not asked is refused.
		expect(t, consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": g,
			"authorization_details": `[{"type":"payment","amount":"99.00"}]`}), 400, "oauth2_invalid_request")
		r = consentJSON(b).do("POST", p.path("/approve"), map[string]any{"grant_id": g,
			"authorization_details": `[{"type":"payment","amount":"10.00"}]`})
		expect(t, r, 200, "")
		back, _ := url.Parse(r.str(t, "redirectUrl"))
		frag, _ := url.ParseQuery(back.Fragment)
		if back.RawQuery != "" || frag.Get("code") == "" || frag.Get("id_token") == "" || frag.Get("state") != "st-1" {
			t.Fatalf("hybrid answer %s", back)
		}
		idt, err := p.verifier(t, &oidc.Config{ClientID: "conf"}).Verify(t.Context(), frag.Get("id_token"))
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]any
		idt.Claims(&c)
		if c["c_hash"] == nil || c["nonce"] != "n-1" || idt.Subject != uid {
			t.Fatalf("front-channel ID token %v", c)
		}
		tk := tokensOf(t, p.exchange(t, frag.Get("code")))
		at := p.accessClaims(t, tk.AccessToken, "https://files.example.test/")
		aud, _ := at["aud"].([]any)
		ad, _ := json.Marshal(at["authorization_details"])
		if len(aud) != 2 || string(ad) != `[{"amount":"10.00","type":"payment"}]` {
			t.Fatalf("access token aud %v details %s", at["aud"], ad)
		}
		// Refresh may narrow the audience to one resource.
		r = p.post(t, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tk.RefreshToken},
			"resource": {"https://api.example.test/"}}, "conf", p.confSecret)
		tk2 := tokensOf(t, r)
		if at := p.accessClaims(t, tk2.AccessToken, "https://api.example.test/"); at["aud"] != "https://api.example.test/" {
			t.Fatalf("narrowed aud %v", at["aud"])
		}
		// id_token alone: no code, the ID token in the fragment.
		u, got = p.authorize(t, b, authorizeQuery(map[string]string{"response_type": "id_token", "scope": "openid email",
			"code_challenge": "", "code_challenge_method": ""}))
		if got.Get("id_token") == "" || got.Get("code") != "" || u.RawQuery != "" {
			t.Fatalf("id_token answer %s", u)
		}
	})
}
