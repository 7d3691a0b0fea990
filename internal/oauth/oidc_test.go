package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/oauth/oidctest"
	"golang.org/x/oauth2"
)

const redirectURL = "https://api.example.test/v1/account/sessions/oauth2/callback/oidc/p1"

// noDefaultClient fails the test if anything uses http.DefaultClient.
func noDefaultClient(t *testing.T) {
	old := http.DefaultClient
	http.DefaultClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("http.DefaultClient used for %s", r.URL.Path)
		return nil, errors.New("http.DefaultClient is forbidden")
	})}
	t.Cleanup(func() { http.DefaultClient = old })
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countingClient counts the requests it sends.
func countingClient(n *int) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		*n++
		return http.DefaultTransport.RoundTrip(r)
	})}
}

func newOIDC(t *testing.T, idp *oidctest.Server, hc *http.Client, scopes ...string) Provider {
	t.Helper()
	secret, _ := json.Marshal(map[string]string{"clientSecret": idp.ClientSecret(), "wellKnownEndpoint": idp.WellKnownURL()})
	cs, extra, err := ParseSecret("oidc", string(secret))
	if err != nil {
		t.Fatal(err)
	}
	p, err := New("oidc", Config{ClientID: idp.ClientID(), ClientSecret: cs, Extra: extra, RedirectURL: redirectURL, Scopes: scopes}, hc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// authorize visits the authorize URL and returns the callback's query.
func authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

func TestOIDCEndToEnd(t *testing.T) {
	noDefaultClient(t)
	idp := oidctest.Start(t)
	idp.AddUser("u-ann", "ann@example.com", true, "Ann Example")
	idp.AddUser("u-bob", "bob@example.com", false, "Bob")
	var requests int
	p := newOIDC(t, idp, countingClient(&requests), "offline_access")
	if requests != 0 {
		t.Fatalf("New made %d requests; discovery must be lazy", requests)
	}
	if _, ok := p.(Refresher); !ok {
		t.Error("oidc provider is not a Refresher")
	}
	for range 2 {
		if err := p.(Discoverer).Discover(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if requests != 1 {
		t.Fatalf("discovery made %d requests, want 1 (cached)", requests)
	}
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	state := `{"success":"https://app.example.test/ok","failure":"","token":false}`

	authURL := p.AuthCodeURL(state, verifier)
	u, _ := url.Parse(authURL)
	q := u.Query()
	for k, want := range map[string]string{
		"client_id":             idp.ClientID(),
		"redirect_uri":          redirectURL,
		"response_type":         "code",
		"state":                 state,
		"scope":                 "openid email profile offline_access",
		"code_challenge":        oauth2.S256ChallengeFromVerifier(verifier),
		"code_challenge_method": "S256",
	} {
		if q.Get(k) != want {
			t.Errorf("authorize %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if !strings.HasPrefix(authURL, idp.URL()+"/authorize?") {
		t.Errorf("authorize URL %s", authURL)
	}

	back := authorize(t, authURL)
	if back.Get("state") != state || back.Get("code") == "" {
		t.Fatalf("callback %v", back)
	}
	tok, err := p.Exchange(ctx, back.Get("code"), verifier)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Extra("id_token") == nil || tok.Expiry.IsZero() {
		t.Fatalf("token %+v", tok)
	}
	id, err := p.Identity(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.ProviderUID != "u-ann" || id.Email != "ann@example.com" || !id.EmailVerified || id.Name != "Ann Example" {
		t.Errorf("identity %+v", id)
	}
	if requests != 3 { // discovery, token, keys; the ID token has the email, so no userinfo
		t.Errorf("%d requests went through the given client, want 3", requests)
	}
	if id.AccessToken != tok.AccessToken || id.RefreshToken != tok.RefreshToken || !id.Expiry.Equal(tok.Expiry) {
		t.Error("identity does not carry the tokens")
	}

	t.Run("code is single-use", func(t *testing.T) {
		_, err := p.Exchange(ctx, back.Get("code"), verifier)
		wantKind(t, err, ErrBadRequest, http.StatusBadRequest)
	})

	t.Run("unverified email", func(t *testing.T) {
		idp.Next("u-bob")
		t.Cleanup(func() { idp.Next("u-ann") })
		v := oauth2.GenerateVerifier()
		back := authorize(t, p.AuthCodeURL("s", v))
		tok, err := p.Exchange(ctx, back.Get("code"), v)
		if err != nil {
			t.Fatal(err)
		}
		id, err := p.Identity(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if id.ProviderUID != "u-bob" || id.EmailVerified {
			t.Errorf("identity %+v", id)
		}
	})

	t.Run("wrong PKCE verifier", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		back := authorize(t, p.AuthCodeURL("s", v))
		_, err := p.Exchange(ctx, back.Get("code"), oauth2.GenerateVerifier())
		wantKind(t, err, ErrBadRequest, http.StatusBadRequest)
	})

	t.Run("denied", func(t *testing.T) {
		idp.Deny()
		back := authorize(t, p.AuthCodeURL("s", oauth2.GenerateVerifier()))
		if back.Get("error") != "access_denied" || back.Get("state") != "s" || back.Get("code") != "" {
			t.Errorf("callback %v", back)
		}
	})

	t.Run("refresh", func(t *testing.T) {
		nt, err := p.(Refresher).Refresh(ctx, tok.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if nt.AccessToken == "" || nt.AccessToken == tok.AccessToken {
			t.Errorf("refreshed token %+v", nt)
		}
		_, err = p.(Refresher).Refresh(ctx, tok.RefreshToken) // rotated away
		wantKind(t, err, ErrBadRequest, http.StatusBadRequest)
	})

	t.Run("tampered ID token", func(t *testing.T) {
		raw := tok.Extra("id_token").(string)
		parts := strings.Split(raw, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		payload = []byte(strings.Replace(string(payload), `"u-ann"`, `"u-eve"`, 1))
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		_, err := p.Identity(ctx, tok.WithExtra(map[string]any{"id_token": strings.Join(parts, ".")}))
		if !errors.Is(err, ErrInvalidIDToken) || !errors.Is(err, ErrProvider) {
			t.Errorf("err = %v, want ErrInvalidIDToken", err)
		}
	})

	t.Run("ID token from another key", func(t *testing.T) {
		other := oidctest.Start(t)
		forged := other.Sign(map[string]any{"iss": idp.URL(), "aud": idp.ClientID(), "sub": "u-eve",
			"email": "eve@example.com", "email_verified": true, "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()})
		_, err := p.Identity(ctx, tok.WithExtra(map[string]any{"id_token": forged}))
		if !errors.Is(err, ErrInvalidIDToken) {
			t.Errorf("err = %v, want ErrInvalidIDToken", err)
		}
	})

	t.Run("ID token for another client", func(t *testing.T) {
		forged := idp.Sign(map[string]any{"iss": idp.URL(), "aud": "someone-else", "sub": "u-ann",
			"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()})
		_, err := p.Identity(ctx, tok.WithExtra(map[string]any{"id_token": forged}))
		if !errors.Is(err, ErrInvalidIDToken) {
			t.Errorf("err = %v, want ErrInvalidIDToken", err)
		}
	})

	t.Run("expired ID token", func(t *testing.T) {
		forged := idp.Sign(map[string]any{"iss": idp.URL(), "aud": idp.ClientID(), "sub": "u-ann",
			"exp": time.Now().Add(-time.Hour).Unix(), "iat": time.Now().Add(-2 * time.Hour).Unix()})
		_, err := p.Identity(ctx, tok.WithExtra(map[string]any{"id_token": forged}))
		if !errors.Is(err, ErrInvalidIDToken) {
			t.Errorf("err = %v, want ErrInvalidIDToken", err)
		}
	})

	t.Run("wrong client secret", func(t *testing.T) {
		bad, err := New("oidc", Config{ClientID: idp.ClientID(), ClientSecret: "wrong", RedirectURL: redirectURL,
			Extra: map[string]string{"wellKnownEndpoint": idp.WellKnownURL()}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := oauth2.GenerateVerifier()
		back := authorize(t, bad.AuthCodeURL("s", v))
		_, err = bad.Exchange(ctx, back.Get("code"), v)
		if !errors.Is(err, ErrUnauthorized) && !errors.Is(err, ErrBadRequest) {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error leaks the secret: %v", err)
		}
	})
}

func TestOIDCWithoutDiscovery(t *testing.T) {
	idp := oidctest.Start(t)
	idp.AddUser("u1", "u1@example.com", true, "U One")
	p, err := New("oidc", Config{ClientID: idp.ClientID(), ClientSecret: idp.ClientSecret(), RedirectURL: redirectURL,
		Extra: map[string]string{
			"authorizationEndpoint": idp.URL() + "/authorize",
			"tokenEndpoint":         idp.URL() + "/token",
			"userinfoEndpoint":      idp.URL() + "/userinfo",
			"prompt":                "login consent",
			"maxAge":                "60",
		}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(Discoverer); ok {
		t.Error("a provider without wellKnownEndpoint should not discover")
	}
	v := oauth2.GenerateVerifier()
	back := authorize(t, p.AuthCodeURL("s", v))
	last := idp.LastAuthorize()
	if last.Get("prompt") != "login consent" || last.Get("max_age") != "60" {
		t.Errorf("authorize params %v", last)
	}
	tok, err := p.Exchange(context.Background(), back.Get("code"), v)
	if err != nil {
		t.Fatal(err)
	}
	// Without keys the ID token cannot be checked; userinfo decides, so a
	// forged one changes nothing.
	tok = tok.WithExtra(map[string]any{"id_token": "not.a.jwt"})
	id, err := p.Identity(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.ProviderUID != "u1" || !id.EmailVerified || id.Name != "U One" {
		t.Errorf("identity %+v", id)
	}
	_, err = p.Identity(context.Background(), &oauth2.Token{AccessToken: "nope"})
	wantKind(t, err, ErrUnauthorized, http.StatusUnauthorized)
}

func TestOIDCDiscoveryFailures(t *testing.T) {
	idp := oidctest.Start(t)
	// A document whose issuer is not the address it is published under.
	mitm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(idp.WellKnownURL())
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		var doc map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(mitm.Close)
	for _, tc := range []struct{ name, wellKnown string }{
		{"issuer mismatch", mitm.URL + "/.well-known/openid-configuration"},
		{"unreachable", "http://127.0.0.1:1/.well-known/openid-configuration"},
		{"not found", idp.URL() + "/nothing/.well-known/openid-configuration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New("oidc", Config{ClientID: idp.ClientID(), ClientSecret: "x", RedirectURL: redirectURL,
				Extra: map[string]string{"wellKnownEndpoint": tc.wellKnown}}, &http.Client{Timeout: 2 * time.Second})
			if err != nil {
				t.Fatalf("New must not fetch: %v", err)
			}
			if err := p.(Discoverer).Discover(context.Background()); !errors.Is(err, ErrProvider) {
				t.Errorf("Discover = %v, want ErrProvider", err)
			}
			if u := p.AuthCodeURL("s", ""); u != "" {
				t.Errorf("AuthCodeURL = %q, want empty", u)
			}
		})
	}
}

func wantKind(t *testing.T, err, kind error, status int) {
	t.Helper()
	var e *Error
	if !errors.Is(err, kind) || !errors.As(err, &e) || e.Status != status {
		t.Fatalf("err = %v, want %v with status %d", err, kind, status)
	}
}
