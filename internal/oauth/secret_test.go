package oauth

import (
	"crypto/elliptic"
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestParseSecret(t *testing.T) {
	_, p8 := p8Key(t, elliptic.P256())
	for _, tc := range []struct {
		name, provider, secret string
		wantSecret             string
		wantExtra              map[string]string
		wantErr                error
	}{
		{"plain", "github", "gh-secret", "gh-secret", nil, nil},
		{"plain JSON-looking secret is verbatim", "discord", `{"clientSecret":"x"}`, `{"clientSecret":"x"}`, nil, nil},
		{"unknown provider", "mock", "x", "", nil, ErrUnsupported},
		{"empty plain", "github", "", "", nil, ErrMisconfigured},
		{"too long", "github", strings.Repeat("x", maxSecret+1), "", nil, ErrMisconfigured},

		{"microsoft", "microsoft", `{"clientSecret":"ms","tenantID":"contoso.onmicrosoft.com"}`, "ms", map[string]string{"tenantID": "contoso.onmicrosoft.com"}, nil},
		{"microsoft default tenant", "microsoft", `{"clientSecret":"ms"}`, "ms", map[string]string{}, nil},
		{"microsoft not JSON", "microsoft", `ms`, "", nil, ErrMisconfigured},
		{"microsoft no secret", "microsoft", `{"tenantID":"common"}`, "", nil, ErrMisconfigured},
		{"microsoft trailing data", "microsoft", `{"clientSecret":"ms"} {}`, "", nil, ErrMisconfigured},

		{"oidc discovery", "oidc", `{"clientSecret":"s","wellKnownEndpoint":"https://idp.test/.well-known/openid-configuration"}`,
			"s", map[string]string{"wellKnownEndpoint": "https://idp.test/.well-known/openid-configuration"}, nil},
		{"oidc endpoints", "oidc", `{"clientSecret":"s","authorizationEndpoint":"https://idp.test/a","tokenEndpoint":"https://idp.test/t","userinfoEndpoint":"https://idp.test/u"}`,
			"s", map[string]string{"authorizationEndpoint": "https://idp.test/a", "tokenEndpoint": "https://idp.test/t", "userinfoEndpoint": "https://idp.test/u"}, nil},
		{"oidc prompt and maxAge", "oidc", `{"clientSecret":"s","wellKnownEndpoint":"https://idp.test/w","prompt":["login","consent"],"maxAge":300}`,
			"s", map[string]string{"wellKnownEndpoint": "https://idp.test/w", "prompt": "login consent", "maxAge": "300"}, nil},
		{"oidc unknown keys dropped", "oidc", `{"clientSecret":"s","wellKnownEndpoint":"https://idp.test/w","baseURL":"http://evil.test","x":1}`,
			"s", map[string]string{"wellKnownEndpoint": "https://idp.test/w"}, nil},
		{"oidc endpoints missing", "oidc", `{"clientSecret":"s","authorizationEndpoint":"https://idp.test/a"}`, "", nil, ErrMisconfigured},
		{"oidc bad URL", "oidc", `{"clientSecret":"s","wellKnownEndpoint":"javascript:alert(1)"}`, "", nil, ErrMisconfigured},
		{"oidc non-string", "oidc", `{"clientSecret":true,"wellKnownEndpoint":"https://idp.test/w"}`, "", nil, ErrMisconfigured},

		{"okta", "okta", `{"clientSecret":"s","oktaDomain":"dev-1.okta.com","authorizationServerId":"aus1"}`,
			"s", map[string]string{"oktaDomain": "dev-1.okta.com", "authorizationServerId": "aus1"}, nil},
		{"okta no domain", "okta", `{"clientSecret":"s"}`, "", nil, ErrMisconfigured},
		{"auth0", "auth0", `{"clientSecret":"s","auth0Domain":"t.auth0.com"}`, "s", map[string]string{"auth0Domain": "t.auth0.com"}, nil},
		{"authentik", "authentik", `{"clientSecret":"s","authentikDomain":"https://auth.example.com"}`, "s", map[string]string{"authentikDomain": "https://auth.example.com"}, nil},
		{"authentik domain with path", "authentik", `{"clientSecret":"s","authentikDomain":"auth.example.com/x"}`, "", nil, ErrMisconfigured},

		{"gitlab JSON", "gitlab", `{"clientSecret":"s","endpoint":"https://git.example.com"}`, "s", map[string]string{"endpoint": "https://git.example.com"}, nil},
		{"gitlab JSON default endpoint", "gitlab", `{"clientSecret":"s","endpoint":""}`, "s", map[string]string{}, nil},
		{"gitlab plain", "gitlab", "s", "s", nil, nil},
		{"gitlab broken JSON", "gitlab", `{"clientSecret":`, "", nil, ErrMisconfigured},

		{"apple", "apple", appleSecret(t, p8), "", map[string]string{"keyID": "KEY123", "teamID": "TEAM456", "p8": strings.TrimSpace(p8)}, nil},
		{"apple no key", "apple", `{"keyID":"K","teamID":"T"}`, "", nil, ErrMisconfigured},
		{"apple bad key", "apple", `{"keyID":"K","teamID":"T","p8":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}`, "", nil, ErrMisconfigured},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, extra, err := ParseSecret(tc.provider, tc.secret)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if len(tc.secret) > 3 && strings.Contains(err.Error(), tc.secret) {
					t.Errorf("error quotes the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cs != tc.wantSecret || !maps.Equal(extra, tc.wantExtra) {
				t.Errorf("ParseSecret = %q, %v; want %q, %v", cs, extra, tc.wantSecret, tc.wantExtra)
			}
		})
	}
}

// FuzzParseSecret: any secret either fails cleanly or yields values New
// accepts, and errors never quote a JSON secret.
func FuzzParseSecret(f *testing.F) {
	_, p8 := p8Key(f, elliptic.P256())
	for _, s := range []string{
		"", "plain", "{}", "null", "[]", `{"clientSecret":"s"}`,
		`{"clientSecret":"s","tenantID":"common"}`,
		`{"clientSecret":"s","oktaDomain":"dev.okta.com","authorizationServerId":"default"}`,
		`{"clientSecret":"s","wellKnownEndpoint":"https://idp.test/.well-known/openid-configuration","prompt":["login"],"maxAge":1}`,
		`{"clientSecret":"s","authorizationEndpoint":"https://a.test/a","tokenEndpoint":"https://a.test/t","userinfoEndpoint":"https://a.test/u"}`,
		`{"clientSecret":"s","endpoint":"https://git.example.com"}`,
		`{"clientSecret":"s","auth0Domain":"x.auth0.com","authentikDomain":"a.example.com"}`,
		appleSecret(f, p8),
		`{"clientSecret":{"nested":1},"p8":[1,2]}`,
		"{\"clientSecret\":\"\\u0000\"}",
	} {
		for i := range appwriteProviders {
			f.Add(i, s)
		}
	}
	f.Fuzz(func(t *testing.T, i int, secret string) {
		name := "unknown"
		if i >= 0 && i < len(appwriteProviders) {
			name = appwriteProviders[i]
		}
		cs, extra, err := ParseSecret(name, secret)
		if err != nil {
			if !errors.Is(err, ErrMisconfigured) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("untyped error %v", err)
			}
			if strings.ContainsAny(secret, `{"`) && strings.Contains(err.Error(), secret) {
				t.Fatalf("error quotes the secret: %v", err)
			}
			return
		}
		if _, err := New(name, Config{ClientID: "c", ClientSecret: cs, Extra: extra}, nil); err != nil {
			t.Fatalf("ParseSecret accepted what New rejects: %v", err)
		}
	})
}
