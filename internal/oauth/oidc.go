package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const (
	discoveryTimeout = 10 * time.Second
	// discoveryTTL is how long a discovery document is trusted before it
	// is fetched again; a failed refetch keeps the old one.
	discoveryTTL  = time.Hour
	wellKnownPath = "/.well-known/openid-configuration"
)

// asymmetric are the ID-token algorithms accepted: never "none" or HMAC.
var asymmetric = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}

// oidcSpec is the OpenID Connect part of a spec.
type oidcSpec struct {
	// issuer is the expected "iss" of ID tokens for static providers.
	issuer string
	// discoveryURL, when set, is fetched lazily for the endpoints, issuer
	// and keys; the static endpoints below then override what it says.
	discoveryURL string

	authURL, tokenURL, userinfoURL, jwksURL string

	// checkIssuer replaces the exact issuer comparison for multi-tenant
	// providers (Microsoft), receiving the verified claims.
	checkIssuer func(iss string, claims map[string]any) error
	// uidClaim names the claim holding the provider user id ("sub").
	uidClaim string
}

type oidcState struct {
	mu      sync.Mutex
	static  bool
	res     *oidcResolved
	fetched time.Time
}

type oidcResolved struct {
	conf     *oauth2.Config
	userinfo string
	verifier *oidc.IDTokenVerifier // nil: no keys known, ID tokens are ignored
}

// initOIDC prepares static OpenID providers without any network call;
// go-oidc fetches signing keys on first verification.
func (p *provider) initOIDC() error {
	s := p.spec.oidc
	p.oidc = &oidcState{}
	if s.discoveryURL != "" {
		return nil
	}
	p.oidc.static = true
	p.oidc.res = p.resolved(oidc.ProviderConfig{
		IssuerURL:   s.issuer,
		AuthURL:     s.authURL,
		TokenURL:    s.tokenURL,
		UserInfoURL: s.userinfoURL,
		JWKSURL:     s.jwksURL,
	}, p.spec.authStyle)
	p.conf = p.oidc.res.conf
	return nil
}

func (p *provider) resolved(pc oidc.ProviderConfig, style oauth2.AuthStyle) *oidcResolved {
	res := &oidcResolved{
		conf:     p.newConf(oauth2.Endpoint{AuthURL: pc.AuthURL, TokenURL: pc.TokenURL, AuthStyle: style}),
		userinfo: pc.UserInfoURL,
	}
	if pc.JWKSURL != "" && pc.IssuerURL != "" {
		algs := asymmetric
		if len(pc.Algorithms) > 0 {
			algs = nil
			for _, a := range pc.Algorithms {
				for _, ok := range asymmetric {
					if a == ok {
						algs = append(algs, a)
					}
				}
			}
		}
		prov := pc.NewProvider(oidc.ClientContext(context.Background(), p.hc))
		res.verifier = prov.Verifier(&oidc.Config{
			ClientID:             p.cfg.ClientID,
			SupportedSigningAlgs: algs,
			SkipIssuerCheck:      p.spec.oidc.checkIssuer != nil,
		})
	}
	return res
}

// resolve returns the provider's endpoints and verifier, fetching the
// discovery document on first use (bounded by discoveryTimeout).
func (p *provider) resolve(ctx context.Context) (*oidcResolved, error) {
	st := p.oidc
	if st == nil {
		return nil, p.fail("discovery", 0, errors.New("not an OpenID provider"))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.res != nil && (st.static || time.Since(st.fetched) < discoveryTTL) {
		return st.res, nil
	}
	ctx, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	res, err := p.discover(ctx)
	if err != nil {
		if st.res != nil {
			return st.res, nil
		}
		return nil, err
	}
	st.res, st.fetched = res, time.Now()
	return res, nil
}

func (p *provider) discover(ctx context.Context) (*oidcResolved, error) {
	s := p.spec.oidc
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.discoveryURL, nil)
	if err != nil {
		return nil, p.fail("discovery", 0, stripURL(err))
	}
	req.Header.Set("Accept", "application/json")
	body, err := p.do(req, "discovery")
	if err != nil {
		return nil, err
	}
	var doc struct {
		oidc.ProviderConfig
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := decodeJSON(body, &doc); err != nil {
		return nil, p.fail("discovery", 0, errors.New("discovery document is not JSON"))
	}
	// The issuer must be the one the document is published under, as
	// OpenID Connect Discovery 1.0 §4.3 requires. A document at a
	// non-standard address names its own issuer.
	if want, ok := strings.CutSuffix(s.discoveryURL, wellKnownPath); ok &&
		strings.TrimSuffix(doc.IssuerURL, "/") != strings.TrimSuffix(want, "/") {
		return nil, p.fail("discovery", 0, fmt.Errorf("issuer %q does not match the discovery address", clean(doc.IssuerURL, 200)))
	}
	pc := doc.ProviderConfig
	for _, o := range []struct {
		dst *string
		v   string
	}{
		{&pc.AuthURL, s.authURL}, {&pc.TokenURL, s.tokenURL}, {&pc.UserInfoURL, s.userinfoURL},
	} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if pc.AuthURL == "" || pc.TokenURL == "" {
		return nil, p.fail("discovery", 0, errors.New("discovery document lacks the authorization or token endpoint"))
	}
	return p.resolved(pc, authStyleFor(doc.AuthMethods)), nil
}

// authStyleFor picks how to send client credentials from the methods a
// server lists: the form body when allowed (what Appwrite sends), else
// HTTP Basic, which OpenID Connect makes the default.
func authStyleFor(methods []string) oauth2.AuthStyle {
	if len(methods) == 0 {
		return oauth2.AuthStyleInHeader
	}
	for _, m := range methods {
		if m == "client_secret_post" {
			return oauth2.AuthStyleInParams
		}
	}
	return oauth2.AuthStyleInHeader
}

// oidcProfile reads the identity from the verified ID token, completed
// by the userinfo endpoint when the token lacks the id or the email.
func oidcProfile(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
	claims, err := p.oidcClaims(ctx, tok)
	if err != nil {
		return Identity{}, err
	}
	return claimsIdentity(claims, p.spec.oidc.uidClaim), nil
}

func claimsIdentity(claims map[string]any, uidClaim string) Identity {
	if uidClaim == "" {
		uidClaim = "sub"
	}
	name := str(claims["name"])
	if name == "" {
		name = joinName(claims, "given_name", "family_name")
	}
	return Identity{
		ProviderUID:   str(claims[uidClaim]),
		Email:         str(claims["email"]),
		EmailVerified: truthy(claims["email_verified"]),
		Name:          name,
		Raw:           claims,
	}
}

// oidcClaims returns the verified ID-token claims, merged with userinfo
// where needed. An ID token that fails verification is an error; one that
// cannot be verified (no keys configured) is ignored.
func (p *provider) oidcClaims(ctx context.Context, tok *oauth2.Token) (map[string]any, error) {
	res, err := p.resolve(ctx)
	if err != nil {
		return nil, err
	}
	uid := p.spec.oidc.uidClaim
	if uid == "" {
		uid = "sub"
	}
	claims := map[string]any{}
	verified := false
	if raw, _ := tok.Extra("id_token").(string); raw != "" && res.verifier != nil {
		if claims, err = p.verifyIDToken(ctx, res, raw, tok.AccessToken); err != nil {
			return nil, err
		}
		verified = true
	}
	if res.userinfo == "" {
		if !verified {
			return nil, p.fail("id token", 0, fmt.Errorf("%w: no verifiable ID token and no userinfo endpoint", ErrInvalidIDToken))
		}
		return claims, nil
	}
	if verified && str(claims[uid]) != "" && str(claims["email"]) != "" {
		return claims, nil
	}
	info, err := p.getJSON(ctx, http.MethodGet, res.userinfo, "Bearer", tok.AccessToken, nil)
	if err != nil {
		return nil, err
	}
	if sub := str(info["sub"]); verified && sub != "" && sub != str(claims["sub"]) {
		return nil, p.fail("profile", 0, errors.New("userinfo subject differs from the ID token"))
	}
	for k, v := range info {
		if cur, ok := claims[k]; !ok || cur == nil || str(cur) == "" {
			claims[k] = v
		}
	}
	return claims, nil
}

func (p *provider) verifyIDToken(ctx context.Context, res *oidcResolved, raw, accessToken string) (map[string]any, error) {
	bad := func(err error) error {
		return p.fail("id token", 0, fmt.Errorf("%w: %v", ErrInvalidIDToken, err))
	}
	idt, err := res.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, bad(err)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(accessToken); err != nil {
			return nil, bad(err)
		}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, bad(err)
	}
	if check := p.spec.oidc.checkIssuer; check != nil {
		if err := check(idt.Issuer, claims); err != nil {
			return nil, bad(err)
		}
	}
	return claims, nil
}
