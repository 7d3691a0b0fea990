package oauth

import (
	"crypto/elliptic"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
	"golang.org/x/oauth2"
)

// appwriteProviders is the list in Appwrite 1.6–1.8 (without the hidden
// test provider "mock").
var appwriteProviders = []string{
	"amazon", "apple", "auth0", "authentik", "autodesk", "bitbucket", "bitly", "box", "dailymotion", "discord",
	"disqus", "dropbox", "etsy", "facebook", "figma", "github", "gitlab", "google", "linkedin", "microsoft",
	"notion", "oidc", "okta", "paypal", "paypalSandbox", "podio", "salesforce", "slack", "spotify", "stripe",
	"tradeshift", "tradeshiftBox", "twitch", "wordpress", "yahoo", "yammer", "yandex", "zoho", "zoom",
}

// appwrite19Providers are those Appwrite added after 1.8: in its CE main
// config, and cloudflare and resend in the 2.0 SDK enum.
var appwrite19Providers = []string{"appwrite", "cloudflare", "fusionauth", "huggingface", "keycloak", "kick", "resend", "x"}

func TestNames(t *testing.T) {
	if len(appwriteProviders) != 39 || len(appwrite19Providers) != 8 {
		t.Fatalf("test lists have %d and %d names", len(appwriteProviders), len(appwrite19Providers))
	}
	want := slices.Sorted(slices.Values(append(slices.Clone(appwriteProviders), appwrite19Providers...)))
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v\nwant      %v", got, want)
	}
}

// validConfig is a working configuration for every provider.
func validConfig(t *testing.T, name string, idp *oidctest.Server) Config {
	c := Config{ClientID: "cid", ClientSecret: "csecret", RedirectURL: "https://gatehouse.test/cb"}
	switch name {
	case "apple":
		_, p8 := p8Key(t, elliptic.P256())
		c.ClientSecret = ""
		c.Extra = map[string]string{"keyID": "K", "teamID": "T", "p8": p8}
	case "okta":
		c.Extra = map[string]string{"oktaDomain": "dev.okta.com"}
	case "auth0":
		c.Extra = map[string]string{"auth0Domain": "t.auth0.com"}
	case "authentik":
		c.Extra = map[string]string{"authentikDomain": "auth.example.com"}
	case "fusionauth":
		c.Extra = map[string]string{"fusionAuthDomain": "login.example.com"}
	case "keycloak":
		c.Extra = map[string]string{"keycloakDomain": "sso.example.com", "keycloakRealm": "acme"}
	case "oidc":
		c.ClientID = idp.ClientID()
		c.Extra = map[string]string{"wellKnownEndpoint": idp.WellKnownURL()}
	}
	return c
}

func TestEveryProvider(t *testing.T) {
	idp := oidctest.Start(t)
	noRefresh := []string{"bitly", "facebook", "slack", "wordpress", "yammer"}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			noDefaultClient(t)
			cfg := validConfig(t, name, idp)
			cfg.Scopes = []string{"extra.scope"}
			p, err := New(name, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p.Name() != name {
				t.Errorf("Name() = %q", p.Name())
			}
			if _, ok := p.(Refresher); ok == slices.Contains(noRefresh, name) {
				t.Errorf("Refresher = %v", ok)
			}
			verifier := oauth2.GenerateVerifier()
			raw := p.AuthCodeURL(`{"success":"https://app.test/ok"}`, verifier)
			u, err := url.Parse(raw)
			if err != nil || u.Scheme != "https" && name != "oidc" {
				t.Fatalf("authorize URL %q", raw)
			}
			q := u.Query()
			if q.Get("client_id") != cfg.ClientID || q.Get("redirect_uri") != cfg.RedirectURL ||
				q.Get("state") != `{"success":"https://app.test/ok"}` || q.Get("response_type") != "code" {
				t.Errorf("authorize query %v", q)
			}
			if !strings.Contains(q.Get("scope"), "extra.scope") {
				t.Errorf("scope %q lacks the configured extra", q.Get("scope"))
			}
			if got := q.Get("code_challenge") != ""; got != SupportsPKCE(name) {
				t.Errorf("code_challenge sent = %v, SupportsPKCE = %v", got, SupportsPKCE(name))
			}
			if SupportsPKCE(name) && q.Get("code_challenge_method") != "S256" {
				t.Errorf("code_challenge_method %q", q.Get("code_challenge_method"))
			}
			if got := p.AuthCodeURL("s", ""); strings.Contains(got, "code_challenge") {
				t.Errorf("challenge without a verifier: %s", got)
			}
		})
	}
}

func TestAuthorizeParameters(t *testing.T) {
	for _, tc := range []struct {
		name  string
		param string
		want  string
	}{
		{"disqus", "scope", "read,email"},
		{"dropbox", "token_access_type", "offline"},
		{"google", "access_type", "offline"},
		{"notion", "owner", "user"},
		{"microsoft", "scope", "openid email profile offline_access User.Read"},
		{"paypal", "flowEntry", "static"},
		{"github", "scope", "user:email"},
		{"zoom", "scope", ""},
	} {
		p, err := New(tc.name, Config{ClientID: "c", ClientSecret: "s", Scopes: []string{"", "  "}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(p.AuthCodeURL("s", ""))
		if got := u.Query().Get(tc.param); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.name, tc.param, got, tc.want)
		}
	}
	p, _ := New("github", Config{ClientID: "c", ClientSecret: "s", Scopes: []string{"read:org", "user:email"}}, nil)
	if u, _ := url.Parse(p.AuthCodeURL("s", "")); u.Query().Get("scope") != "user:email read:org" {
		t.Errorf("scopes not merged: %q", u.Query().Get("scope"))
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"mock", Config{ClientID: "c", ClientSecret: "s"}, ErrUnsupported},
		{"GitHub", Config{ClientID: "c", ClientSecret: "s"}, ErrUnsupported},
		{"clerk", Config{ClientID: "c", ClientSecret: "s"}, ErrUnsupported},
		{"X", Config{ClientID: "c", ClientSecret: "s"}, ErrUnsupported},
		{"x", Config{ClientID: "c"}, ErrMisconfigured},
		{"github", Config{ClientSecret: "s"}, ErrMisconfigured},
		{"github", Config{ClientID: "c"}, ErrMisconfigured},
		{"okta", Config{ClientID: "c", ClientSecret: "s"}, ErrMisconfigured},
		{"okta", Config{ClientID: "c", ClientSecret: "s", Extra: map[string]string{"oktaDomain": "dev.okta.com/path"}}, ErrMisconfigured},
		{"okta", Config{ClientID: "c", ClientSecret: "s", Extra: map[string]string{"oktaDomain": "dev.okta.com", "authorizationServerId": "../x"}}, ErrMisconfigured},
		{"auth0", Config{ClientID: "c", ClientSecret: "s", Extra: map[string]string{"auth0Domain": "user@evil.test"}}, ErrMisconfigured},
		{"microsoft", Config{ClientID: "c", ClientSecret: "s", Extra: map[string]string{"tenantID": "a/b"}}, ErrMisconfigured},
		{"oidc", Config{ClientID: "c", ClientSecret: "s"}, ErrMisconfigured},
		{"oidc", Config{ClientID: "c", ClientSecret: "s", Extra: map[string]string{"wellKnownEndpoint": "file:///etc/passwd"}}, ErrMisconfigured},
		{"gitlab", Config{ClientID: "c", ClientSecret: "s", Extra: map[string]string{"endpoint": "gitlab.example.com"}}, ErrMisconfigured},
		{"apple", Config{ClientID: "c", Extra: map[string]string{"keyID": "k", "teamID": "t", "p8": "nope"}}, ErrMisconfigured},
		{"apple", Config{ClientID: "c"}, ErrMisconfigured},
	} {
		if _, err := New(tc.name, tc.cfg, nil); !errors.Is(err, tc.want) {
			t.Errorf("New(%q, %+v) = %v, want %v", tc.name, tc.cfg, err, tc.want)
		}
	}
}
