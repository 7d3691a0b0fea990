package oauth

import (
	"errors"
	"net/http"
	"testing"
)

type oidcCase struct {
	name     string
	extra    map[string]string
	issuer   string // host/path of the issuer
	token    string // token endpoint path
	jwks     string // keys path
	claims   map[string]any
	userinfo *route
	routes   []route
	want     Identity
	wantErr  error
}

// TestOpenIDProviders runs each OpenID provider against a stand-in that
// returns an ID token signed with the stand-in's keys.
func TestOpenIDProviders(t *testing.T) {
	ann := "ann@example.com"
	const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	msClaims := func(extra map[string]any) map[string]any {
		c := map[string]any{"sub": "pairwise-sub", "tid": tid, "oid": "oid-1", "email": ann, "name": "Ann From Token"}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	graph := []route{{path: "graph.microsoft.com/v1.0/me", body: map[string]any{"id": "graph-id", "displayName": "Ann", "mail": ann, "userPrincipalName": "ann@contoso.test"}}}
	cases := []oidcCase{
		{name: "google", issuer: "accounts.google.com", token: "oauth2.googleapis.com/token", jwks: "www.googleapis.com/oauth2/v3/certs",
			claims: map[string]any{"sub": "g1", "email": ann, "email_verified": true, "name": "Ann"},
			want:   Identity{ProviderUID: "g1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "google", issuer: "accounts.google.com", token: "oauth2.googleapis.com/token", jwks: "www.googleapis.com/oauth2/v3/certs",
			claims: map[string]any{"sub": "g2", "email": ann, "email_verified": false, "given_name": "Ann", "family_name": "Lee"},
			want:   Identity{ProviderUID: "g2", Email: ann, Name: "Ann Lee"}},
		{name: "google", issuer: "evil.example.com", token: "oauth2.googleapis.com/token", jwks: "www.googleapis.com/oauth2/v3/certs",
			claims: map[string]any{"sub": "g3", "email": ann, "email_verified": true}, wantErr: ErrInvalidIDToken},
		{name: "linkedin", issuer: "www.linkedin.com/oauth", token: "www.linkedin.com/oauth/v2/accessToken", jwks: "www.linkedin.com/oauth/openid/jwks",
			claims: map[string]any{"sub": "li1", "email": ann, "email_verified": true, "name": "Ann"},
			want:   Identity{ProviderUID: "li1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "slack", issuer: "slack.com", token: "slack.com/api/openid.connect.token", jwks: "slack.com/openid/connect/keys",
			claims: map[string]any{"sub": "U0R7JM", "email": ann, "email_verified": true, "name": "Ann"},
			want:   Identity{ProviderUID: "U0R7JM", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "salesforce", issuer: "login.salesforce.com", token: "login.salesforce.com/services/oauth2/token", jwks: "login.salesforce.com/id/keys",
			claims:   map[string]any{"sub": "https://login.salesforce.com/id/00D/005A", "email": ann, "email_verified": true},
			userinfo: &route{path: "login.salesforce.com/services/oauth2/userinfo", body: map[string]any{"sub": "https://login.salesforce.com/id/00D/005A", "user_id": "005A", "name": "Ann"}},
			want:     Identity{ProviderUID: "005A", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "salesforce", issuer: "login.salesforce.com", token: "login.salesforce.com/services/oauth2/token", jwks: "login.salesforce.com/id/keys",
			claims:   map[string]any{"sub": "https://login.salesforce.com/id/00D/005A", "email": ann, "email_verified": true},
			userinfo: &route{path: "login.salesforce.com/services/oauth2/userinfo", body: map[string]any{"sub": "https://login.salesforce.com/id/00D/005B", "user_id": "005B"}},
			wantErr:  ErrProvider}, // userinfo about someone else
		{name: "yahoo", issuer: "api.login.yahoo.com", token: "api.login.yahoo.com/oauth2/get_token", jwks: "api.login.yahoo.com/openid/v1/certs",
			claims: map[string]any{"sub": "Y1", "email": ann, "email_verified": true, "name": "Ann"},
			want:   Identity{ProviderUID: "Y1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "zoho", issuer: "accounts.zoho.com", token: "accounts.zoho.com/oauth/v2/token", jwks: "accounts.zoho.com/oauth/v2/keys",
			claims: map[string]any{"sub": "Z1", "email": ann, "email_verified": "true", "name": "Ann"},
			want:   Identity{ProviderUID: "Z1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "okta", extra: map[string]string{"oktaDomain": "dev-1.okta.com"},
			issuer: "dev-1.okta.com/oauth2/default", token: "dev-1.okta.com/oauth2/default/v1/token", jwks: "dev-1.okta.com/oauth2/default/v1/keys",
			claims:   map[string]any{"sub": "o1"},
			userinfo: &route{path: "dev-1.okta.com/oauth2/default/v1/userinfo", body: map[string]any{"sub": "o1", "email": ann, "email_verified": true, "name": "Ann"}},
			want:     Identity{ProviderUID: "o1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "okta", extra: map[string]string{"oktaDomain": "https://dev-2.okta.com/", "authorizationServerId": "aus1"},
			issuer: "dev-2.okta.com/oauth2/aus1", token: "dev-2.okta.com/oauth2/aus1/v1/token", jwks: "dev-2.okta.com/oauth2/aus1/v1/keys",
			claims: map[string]any{"sub": "o2", "email": ann, "email_verified": false},
			want:   Identity{ProviderUID: "o2", Email: ann}},
		{name: "auth0", extra: map[string]string{"auth0Domain": "t.eu.auth0.com"},
			issuer: "t.eu.auth0.com/", token: "t.eu.auth0.com/oauth/token", jwks: "t.eu.auth0.com/.well-known/jwks.json",
			claims: map[string]any{"sub": "auth0|1", "email": ann, "email_verified": true, "name": "Ann"},
			want:   Identity{ProviderUID: "auth0|1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "authentik", extra: map[string]string{"authentikDomain": "auth.example.com"},
			token:    "auth.example.com/application/o/token/",
			userinfo: &route{path: "auth.example.com/application/o/userinfo/", body: map[string]any{"sub": "ak1", "email": ann, "email_verified": true, "name": "Ann"}},
			want:     Identity{ProviderUID: "ak1", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "microsoft", issuer: "login.microsoftonline.com/" + tid + "/v2.0", token: "login.microsoftonline.com/common/oauth2/v2.0/token",
			jwks: "login.microsoftonline.com/common/discovery/v2.0/keys", claims: msClaims(map[string]any{"xms_edov": true}), routes: graph,
			want: Identity{ProviderUID: "graph-id", Email: ann, EmailVerified: true, Name: "Ann"}},
		{name: "microsoft", issuer: "login.microsoftonline.com/" + tid + "/v2.0", token: "login.microsoftonline.com/common/oauth2/v2.0/token",
			jwks: "login.microsoftonline.com/common/discovery/v2.0/keys", claims: msClaims(nil), routes: graph,
			want: Identity{ProviderUID: "graph-id", Email: ann, Name: "Ann"}},
		{name: "microsoft", issuer: "login.microsoftonline.com/" + tid + "/v2.0", token: "login.microsoftonline.com/common/oauth2/v2.0/token",
			jwks: "login.microsoftonline.com/common/discovery/v2.0/keys", claims: msClaims(map[string]any{"email": nil}), routes: graph,
			want: Identity{ProviderUID: "graph-id", Email: ann, Name: "Ann"}},
		{name: "microsoft", issuer: "login.microsoftonline.com/other-tenant/v2.0", token: "login.microsoftonline.com/common/oauth2/v2.0/token",
			jwks: "login.microsoftonline.com/common/discovery/v2.0/keys", claims: msClaims(nil), routes: graph, wantErr: ErrInvalidIDToken},
		{name: "microsoft", extra: map[string]string{"tenantID": "00000000-0000-0000-0000-000000000001"},
			issuer: "login.microsoftonline.com/" + tid + "/v2.0", token: "login.microsoftonline.com/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token",
			jwks: "login.microsoftonline.com/00000000-0000-0000-0000-000000000001/discovery/v2.0/keys", claims: msClaims(nil), routes: graph, wantErr: ErrInvalidIDToken},
		{name: "microsoft", extra: map[string]string{"tenantID": "consumers"},
			issuer: "login.microsoftonline.com/" + tid + "/v2.0", token: "login.microsoftonline.com/consumers/oauth2/v2.0/token",
			jwks: "login.microsoftonline.com/consumers/discovery/v2.0/keys", claims: msClaims(nil), routes: graph, wantErr: ErrInvalidIDToken},
		{name: "gitlab", issuer: "gitlab.com", token: "gitlab.com/oauth/token", jwks: "gitlab.com/oauth/discovery/keys",
			claims: map[string]any{"sub": "7", "email": ann, "email_verified": false},
			routes: []route{{path: "gitlab.com/api/v4/user", body: map[string]any{"id": 7, "name": "Ann", "email": ann, "confirmed_at": "2020-01-01T00:00:00Z"}}},
			want:   Identity{ProviderUID: "7", Email: ann, Name: "Ann"}},
		{name: "gitlab", issuer: "gitlab.com", token: "gitlab.com/oauth/token", jwks: "gitlab.com/oauth/discovery/keys",
			claims: map[string]any{"sub": "8", "email": ann, "email_verified": true},
			routes: []route{{path: "gitlab.com/api/v4/user", body: map[string]any{"id": 7, "name": "Ann", "email": ann}}},
			want:   Identity{}, wantErr: ErrInvalidIDToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tok := map[string]any{"access_token": "at-1", "token_type": "Bearer", "refresh_token": "rt-1", "expires_in": 3600}
			if tc.claims != nil {
				tok["id_token"] = f.idToken(f.iss(tc.issuer), tc.claims)
			} else {
				tok["id_token"] = "garbage.that.is-ignored"
			}
			f.json("/"+tc.token, http.StatusOK, tok)
			if tc.jwks != "" {
				f.keys("/" + tc.jwks)
			}
			if tc.userinfo != nil {
				f.json("/"+tc.userinfo.path, http.StatusOK, tc.userinfo.body)
			}
			for _, r := range tc.routes {
				f.json("/"+r.path, http.StatusOK, r.body)
			}
			_, id, err := login(t, f.provider(tc.name, tc.extra))
			if tc.wantErr != nil {
				t.Logf("error: %v", err)
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := whoOf(id); got != whoOf(tc.want) {
				t.Errorf("identity = %+v, want %+v", got, whoOf(tc.want))
			}
		})
	}
}
