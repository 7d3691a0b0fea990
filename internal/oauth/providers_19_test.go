package oauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
	"golang.org/x/oauth2"
)

// TestProvidersAgainstOpenIDServer runs the whole flow of the OpenID
// providers Appwrite added in 1.9 against a real OpenID provider
// (oidctest) behind each one's endpoint paths: authorize (with the PKCE
// challenge the provider sends), code exchange (the server checks the
// verifier and the client's credentials) and userinfo.
func TestProvidersAgainstOpenIDServer(t *testing.T) {
	for _, tc := range []struct {
		name       string
		extra      map[string]string
		auth, tok  string // rebased endpoint paths
		info       string
		email      bool // the default scopes release the email
		wantParams url.Values
	}{
		{name: "appwrite", auth: "cloud.appwrite.io/v1/oauth2/console/authorize", tok: "cloud.appwrite.io/v1/oauth2/console/token",
			info: "cloud.appwrite.io/v1/oauth2/console/userinfo", email: true},
		{name: "huggingface", auth: "huggingface.co/oauth/authorize", tok: "huggingface.co/oauth/token",
			info: "huggingface.co/oauth/userinfo", email: true},
		{name: "fusionauth", extra: map[string]string{"fusionAuthDomain": "login.example.com"},
			auth: "login.example.com/oauth2/authorize", tok: "login.example.com/oauth2/token", info: "login.example.com/oauth2/userinfo", email: true},
		{name: "keycloak", extra: map[string]string{"keycloakDomain": "sso.example.com", "keycloakRealm": "my realm"},
			auth: "sso.example.com/realms/my%20realm/protocol/openid-connect/auth", tok: "sso.example.com/realms/my%20realm/protocol/openid-connect/token",
			info: "sso.example.com/realms/my%20realm/protocol/openid-connect/userinfo", email: true},
		{name: "keycloak", extra: map[string]string{"keycloakEndpoint": "https://old.example.com/auth/", "keycloakRealm": "acme"},
			auth: "old.example.com/auth/realms/acme/protocol/openid-connect/auth", tok: "old.example.com/auth/realms/acme/protocol/openid-connect/token",
			info: "old.example.com/auth/realms/acme/protocol/openid-connect/userinfo", email: true},
		{name: "cloudflare", auth: "dash.cloudflare.com/oauth2/auth", tok: "dash.cloudflare.com/oauth2/token",
			info: "dash.cloudflare.com/oauth2/userinfo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := oidctest.Start(t)
			idp.AddUser("user-1", "ann@example.com", true, "Ann")
			routes := map[string]string{"/" + tc.auth: "/authorize", "/" + tc.tok: "/token", "/" + tc.info: "/userinfo"}
			target, _ := url.Parse(idp.URL())
			proxy := httputil.NewSingleHostReverseProxy(target)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				to, ok := routes[r.URL.EscapedPath()]
				if !ok {
					t.Errorf("unexpected request to %s", r.URL.EscapedPath())
					http.NotFound(w, r)
					return
				}
				r.URL.Path, r.URL.RawPath = to, ""
				proxy.ServeHTTP(w, r)
			}))
			t.Cleanup(front.Close)
			p, err := newProvider(tc.name, Config{ClientID: idp.ClientID(), ClientSecret: idp.ClientSecret(), Extra: tc.extra,
				RedirectURL: "https://gatehouse.test/callback"}, nil, options{base: front.URL})
			if err != nil {
				t.Fatal(err)
			}
			verifier := ""
			if SupportsPKCE(tc.name) {
				verifier = oauth2.GenerateVerifier()
			}
			code := authorizeAt(t, p.AuthCodeURL("state-1", verifier))
			if SupportsPKCE(tc.name) {
				if idp.LastAuthorize().Get("code_challenge_method") != "S256" {
					t.Fatalf("authorize %v", idp.LastAuthorize())
				}
				// The server holds the provider to its challenge.
				if _, err := p.Exchange(t.Context(), code, oauth2.GenerateVerifier()); !errors.Is(err, ErrBadRequest) {
					t.Fatalf("exchange with another verifier: %v", err)
				}
				code = authorizeAt(t, p.AuthCodeURL("state-1", verifier))
			}
			tok, err := p.Exchange(t.Context(), code, verifier)
			if err != nil {
				t.Fatal(err)
			}
			id, err := p.Identity(t.Context(), tok)
			if err != nil {
				t.Fatal(err)
			}
			want := who{ProviderUID: "user-1"}
			if tc.email {
				want = who{"user-1", "ann@example.com", true, "Ann"}
			}
			if got := whoOf(id); got != want {
				t.Errorf("identity %+v, want %+v", got, want)
			}
			if _, ok := p.(Refresher); !ok {
				t.Error("no Refresher")
			}
		})
	}
}

// authorizeAt follows an authorize URL to the code the provider sends
// back.
func authorizeAt(t *testing.T, raw string) string {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(raw)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if loc.Query().Get("state") != "state-1" {
		t.Fatalf("state %q", loc.Query().Get("state"))
	}
	return loc.Query().Get("code")
}

// TestProfileProviders19 covers the 1.9 providers that are not OpenID.
func TestProfileProviders19(t *testing.T) {
	ann := "ann@example.com"
	payload, _ := json.Marshal(map[string]any{"sub": "re_user_1", "scope": "emails:send", "jti": "secret-ish"})
	jwtAT := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln"
	cases := []profileCase{
		{name: "kick", token: "id.kick.com/oauth/token",
			routes: []route{{path: "api.kick.com/public/v1/users", body: map[string]any{"data": []any{map[string]any{"user_id": 4377088, "name": "ann", "email": ann}}}}},
			want:   Identity{ProviderUID: "4377088", Email: ann, Name: "ann"}},
		{name: "x", token: "api.x.com/2/oauth2/token",
			routes: []route{{path: "api.x.com/2/users/me", body: map[string]any{"data": map[string]any{"id": "2244994945", "name": "Ann", "username": "ann", "confirmed_email": ann}}}},
			want:   Identity{ProviderUID: "2244994945", Email: ann, EmailVerified: true, Name: "Ann"},
			check: func(t *testing.T, f *fake) {
				if r, _ := f.request("/api.x.com/2/users/me"); r.URL.Query().Get("user.fields") != "confirmed_email" {
					t.Errorf("users/me query %v", r.URL.Query())
				}
				if r, form := f.request("/api.x.com/2/oauth2/token"); form.Get("client_secret") != "" {
					t.Errorf("x secret in the form; basic auth %v", r.Header.Get("Authorization") != "")
				}
			}},
		{name: "x", token: "api.x.com/2/oauth2/token",
			routes: []route{{path: "api.x.com/2/users/me", body: map[string]any{"data": map[string]any{"id": "7", "username": "ann"}}}},
			want:   Identity{ProviderUID: "7", Name: "ann"}},
		{name: "resend", token: "api.resend.com/oauth/token",
			tokenResp: map[string]any{"access_token": jwtAT, "token_type": "Bearer", "refresh_token": "rt-1", "expires_in": 3600},
			want:      Identity{ProviderUID: "re_user_1"},
			check: func(t *testing.T, f *fake) {
				if r, _ := f.request("/api.resend.com/oauth/token"); r.Header.Get("Authorization") == "" {
					t.Error("resend token request without HTTP Basic")
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runProfileCase(t, tc) })
	}
	t.Run("resend opaque token", func(t *testing.T) {
		f := newFake(t)
		_, err := f.provider("resend", nil).Identity(t.Context(), &oauth2.Token{AccessToken: "opaque"})
		if !errors.Is(err, ErrProvider) {
			t.Fatalf("err = %v", err)
		}
		_, err = f.provider("resend", nil).Identity(t.Context(), &oauth2.Token{AccessToken: "a.bm90IGpzb24.c"})
		if !errors.Is(err, ErrProvider) {
			t.Fatalf("err = %v", err)
		}
		_, err = f.provider("resend", nil).Identity(t.Context(), &oauth2.Token{AccessToken: "a." + base64.RawURLEncoding.EncodeToString([]byte(`{"scope":"x"}`)) + ".c"})
		if !errors.Is(err, ErrMissingID) {
			t.Fatalf("err = %v, want ErrMissingID", err)
		}
	})
	t.Run("resend raw has no token id", func(t *testing.T) {
		f := newFake(t)
		id, err := f.provider("resend", nil).Identity(t.Context(), &oauth2.Token{AccessToken: jwtAT})
		if err != nil || id.Raw["jti"] != nil || id.Raw["sub"] != "re_user_1" {
			t.Fatalf("identity %+v, %v", id, err)
		}
	})
}

func TestKeycloakAndFusionAuthSettings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra map[string]string
		ok    bool
	}{
		{"keycloak", map[string]string{"keycloakDomain": "sso.example.com", "keycloakRealm": "r"}, true},
		{"keycloak", map[string]string{"keycloakDomain": "https://sso.example.com/auth", "keycloakRealm": "r"}, true},
		{"keycloak", map[string]string{"keycloakDomain": "sso.example.com"}, false},
		{"keycloak", map[string]string{"keycloakRealm": "r"}, false},
		{"keycloak", map[string]string{"keycloakDomain": "sso.example.com", "keycloakRealm": ".."}, false},
		{"keycloak", map[string]string{"keycloakDomain": "sso.example.com/path", "keycloakRealm": "r"}, false},
		{"keycloak", map[string]string{"keycloakDomain": "ftp://sso.example.com", "keycloakRealm": "r"}, false},
		{"keycloak", map[string]string{"keycloakDomain": "https://sso.example.com/?x=1", "keycloakRealm": "r"}, false},
		{"keycloak", map[string]string{"keycloakDomain": "https://u:p@sso.example.com", "keycloakRealm": "r"}, false},
		{"fusionauth", map[string]string{"fusionAuthDomain": "login.example.com"}, true},
		{"fusionauth", map[string]string{}, false},
		{"fusionauth", map[string]string{"fusionAuthDomain": "a@login.example.com"}, false},
	} {
		_, err := New(tc.name, Config{ClientID: "c", ClientSecret: "s", Extra: tc.extra}, nil)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrMisconfigured) {
			t.Errorf("New(%s, %v) = %v, want ok %v", tc.name, tc.extra, err, tc.ok)
		}
	}
	// Appwrite stores their settings in a JSON secret.
	sec, extra, err := ParseSecret("keycloak", `{"clientSecret":"s","keycloakDomain":"sso.example.com","keycloakRealm":"r"}`)
	if err != nil || sec != "s" || extra["keycloakDomain"] != "sso.example.com" || extra["keycloakRealm"] != "r" {
		t.Errorf("ParseSecret keycloak = %q %v %v", sec, extra, err)
	}
	sec, extra, err = ParseSecret("fusionauth", `{"clientSecret":"s","fusionAuthDomain":"login.example.com"}`)
	if err != nil || sec != "s" || extra["fusionAuthDomain"] != "login.example.com" {
		t.Errorf("ParseSecret fusionauth = %q %v %v", sec, extra, err)
	}
	if _, _, err := ParseSecret("keycloak", "plain"); !errors.Is(err, ErrMisconfigured) {
		t.Errorf("plain keycloak secret: %v", err)
	}
}
