package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/oauth2"
)

// OpenID Connect providers: the identity comes from the ID token,
// verified by go-oidc against the provider's published keys, completed by
// the userinfo endpoint. email_verified is the provider's own claim.

// staticOIDC builds an oidcSpec from fixed endpoints (no discovery).
func staticOIDC(o options, issuer, auth, token, userinfo, jwks string) *oidcSpec {
	s := &oidcSpec{issuer: o.u(issuer), authURL: o.u(auth), tokenURL: o.u(token), jwksURL: o.u(jwks)}
	if userinfo != "" {
		s.userinfoURL = o.u(userinfo)
	}
	if issuer == "" {
		s.issuer, s.jwksURL = "", ""
	}
	return s
}

var openIDScopes = []string{"openid", "email", "profile"}

// google: access_type=offline asks for a refresh token.
func google(c Config, o options) (*spec, error) {
	if err := needSecret("google", c); err != nil {
		return nil, err
	}
	params := map[string]string{"access_type": "offline"}
	// prompt: the project's choice of Google's none, consent and
	// select_account (space-separated), set through the Project API.
	if v := strings.TrimSpace(c.Extra["prompt"]); v != "" {
		params["prompt"] = v
	}
	return &spec{
		authStyle:  oauth2.AuthStyleInParams,
		scopes:     openIDScopes,
		authParams: params,
		refresh:    true,
		profile:    oidcProfile,
		oidc: staticOIDC(o, "https://accounts.google.com",
			"https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
			"https://openidconnect.googleapis.com/v1/userinfo", "https://www.googleapis.com/oauth2/v3/certs"),
	}, nil
}

// linkedin: "Sign In with LinkedIn using OpenID Connect" (the
// r_liteprofile API Appwrite used is closed to new apps).
func linkedin(c Config, o options) (*spec, error) {
	if err := needSecret("linkedin", c); err != nil {
		return nil, err
	}
	return &spec{
		authStyle: oauth2.AuthStyleInParams,
		scopes:    openIDScopes,
		refresh:   true,
		profile:   oidcProfile,
		oidc: staticOIDC(o, "https://www.linkedin.com/oauth",
			"https://www.linkedin.com/oauth/v2/authorization", "https://www.linkedin.com/oauth/v2/accessToken",
			"https://api.linkedin.com/v2/userinfo", "https://www.linkedin.com/oauth/openid/jwks"),
	}, nil
}

// slack: "Sign in with Slack" (OpenID Connect). Token errors come back
// as 200 with {"ok":false}; they map to ErrBadRequest.
func slack(c Config, o options) (*spec, error) {
	if err := needSecret("slack", c); err != nil {
		return nil, err
	}
	return &spec{
		authStyle: oauth2.AuthStyleInParams,
		scopes:    openIDScopes,
		profile:   oidcProfile,
		oidc: staticOIDC(o, "https://slack.com",
			"https://slack.com/openid/connect/authorize", "https://slack.com/api/openid.connect.token",
			"https://slack.com/api/openid.connect.userInfo", "https://slack.com/openid/connect/keys"),
	}, nil
}

// salesforce: the id is userinfo's user_id, as Appwrite stores it.
func salesforce(c Config, o options) (*spec, error) {
	if err := needSecret("salesforce", c); err != nil {
		return nil, err
	}
	s := staticOIDC(o, "https://login.salesforce.com",
		"https://login.salesforce.com/services/oauth2/authorize", "https://login.salesforce.com/services/oauth2/token",
		"https://login.salesforce.com/services/oauth2/userinfo", "https://login.salesforce.com/id/keys")
	s.uidClaim = "user_id"
	return &spec{authStyle: oauth2.AuthStyleInParams, scopes: openIDScopes, refresh: true, profile: oidcProfile, oidc: s}, nil
}

// yahoo: Yahoo signs ID tokens with ES256.
func yahoo(c Config, o options) (*spec, error) {
	if err := needSecret("yahoo", c); err != nil {
		return nil, err
	}
	return &spec{
		authStyle: oauth2.AuthStyleInHeader,
		scopes:    openIDScopes,
		refresh:   true,
		profile:   oidcProfile,
		oidc: staticOIDC(o, "https://api.login.yahoo.com",
			"https://api.login.yahoo.com/oauth2/request_auth", "https://api.login.yahoo.com/oauth2/get_token",
			"https://api.login.yahoo.com/openid/v1/userinfo", "https://api.login.yahoo.com/openid/v1/certs"),
	}, nil
}

// zoho: the accounts.zoho.com data centre (other regions send users back
// with an accounts-server parameter this package does not follow).
func zoho(c Config, o options) (*spec, error) {
	if err := needSecret("zoho", c); err != nil {
		return nil, err
	}
	return &spec{
		authStyle:  oauth2.AuthStyleInParams,
		scopes:     openIDScopes,
		authParams: map[string]string{"access_type": "offline"},
		refresh:    true,
		profile:    oidcProfile,
		oidc: staticOIDC(o, "https://accounts.zoho.com",
			"https://accounts.zoho.com/oauth/v2/auth", "https://accounts.zoho.com/oauth/v2/token",
			"https://accounts.zoho.com/oauth/v2/userinfo", "https://accounts.zoho.com/oauth/v2/keys"),
	}, nil
}

// okta: Extra oktaDomain (required) and authorizationServerId ("default"
// when empty). Client credentials go in whichever form the app accepts.
func okta(c Config, o options) (*spec, error) {
	if err := needSecret("okta", c); err != nil {
		return nil, err
	}
	domain, err := hostOnly("okta", "oktaDomain", c.Extra["oktaDomain"])
	if err != nil {
		return nil, err
	}
	as := strings.TrimSpace(c.Extra["authorizationServerId"])
	if as == "" {
		as = "default"
	}
	if !safeSegment.MatchString(as) {
		return nil, misconfigured("okta", "authorizationServerId is not a valid id")
	}
	iss := "https://" + domain + "/oauth2/" + as
	return &spec{
		authStyle: oauth2.AuthStyleAutoDetect,
		scopes:    append(openIDScopes[:3:3], "offline_access"),
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, iss, iss+"/v1/authorize", iss+"/v1/token", iss+"/v1/userinfo", iss+"/v1/keys"),
	}, nil
}

// auth0: Extra auth0Domain (the tenant or custom domain).
func auth0(c Config, o options) (*spec, error) {
	if err := needSecret("auth0", c); err != nil {
		return nil, err
	}
	domain, err := hostOnly("auth0", "auth0Domain", c.Extra["auth0Domain"])
	if err != nil {
		return nil, err
	}
	b := "https://" + domain
	return &spec{
		authStyle: oauth2.AuthStyleAutoDetect,
		scopes:    append(openIDScopes[:3:3], "offline_access"),
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, b+"/", b+"/authorize", b+"/oauth/token", b+"/userinfo", b+"/.well-known/jwks.json"),
	}, nil
}

// authentik: Extra authentikDomain. authentik's issuer and keys are per
// application and Appwrite's secret does not name the application, so
// the identity (with email_verified) comes from the userinfo endpoint,
// fetched with the access token, and the ID token is not used.
func authentik(c Config, o options) (*spec, error) {
	if err := needSecret("authentik", c); err != nil {
		return nil, err
	}
	domain, err := hostOnly("authentik", "authentikDomain", c.Extra["authentikDomain"])
	if err != nil {
		return nil, err
	}
	b := "https://" + domain + "/application/o/"
	return &spec{
		authStyle: oauth2.AuthStyleAutoDetect,
		scopes:    append(openIDScopes[:3:3], "offline_access"),
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, "", b+"authorize/", b+"token/", b+"userinfo/", ""),
	}, nil
}

// genericOIDC: Extra wellKnownEndpoint (discovery, fetched on first use)
// and/or authorizationEndpoint, tokenEndpoint, userinfoEndpoint, which
// override discovered values. Without a discovery document there are no
// keys, so the identity comes from userinfo. prompt and maxAge are passed
// to the authorize request.
func genericOIDC(c Config, o options) (*spec, error) {
	if err := needSecret("oidc", c); err != nil {
		return nil, err
	}
	s := &oidcSpec{}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"wellKnownEndpoint", &s.discoveryURL}, {"authorizationEndpoint", &s.authURL},
		{"tokenEndpoint", &s.tokenURL}, {"userinfoEndpoint", &s.userinfoURL},
	} {
		v, err := endpointURL("oidc", f.key, c.Extra[f.key])
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	if s.discoveryURL == "" && (s.authURL == "" || s.tokenURL == "" || s.userinfoURL == "") {
		return nil, misconfigured("oidc", "wellKnownEndpoint, or authorizationEndpoint, tokenEndpoint and userinfoEndpoint, are required")
	}
	params := map[string]string{}
	if v := strings.TrimSpace(c.Extra["prompt"]); v != "" {
		params["prompt"] = v
	}
	if v := strings.TrimSpace(c.Extra["maxAge"]); v != "" {
		params["max_age"] = v
	}
	return &spec{
		authStyle:  oauth2.AuthStyleAutoDetect,
		scopes:     openIDScopes,
		authParams: params,
		refresh:    true,
		profile:    oidcProfile,
		oidc:       s,
	}, nil
}

// gitlab: gitlab.com or the self-hosted instance in Extra endpoint. The
// default scope is read_user (what Appwrite registers), so the profile
// is the REST user and "confirmed_at" says whether its email was
// confirmed. When an ID token comes back (the openid scope was added) it
// is verified and its email_verified claim decides instead.
func gitlab(c Config, o options) (*spec, error) {
	if err := needSecret("gitlab", c); err != nil {
		return nil, err
	}
	base, err := endpointURL("gitlab", "endpoint", c.Extra["endpoint"])
	if err != nil {
		return nil, err
	}
	if base == "" {
		base = "https://gitlab.com"
	}
	base = strings.TrimSuffix(base, "/")
	return &spec{
		authStyle: oauth2.AuthStyleInParams,
		scopes:    []string{"read_user"},
		refresh:   true,
		oidc:      staticOIDC(o, base, base+"/oauth/authorize", base+"/oauth/token", "", base+"/oauth/discovery/keys"),
		profile: func(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
			user, err := p.getJSON(ctx, http.MethodGet, p.o.u(base+"/api/v4/user"), "Bearer", tok.AccessToken, nil)
			if err != nil {
				return Identity{}, err
			}
			id := Identity{ProviderUID: str(user["id"]), Email: str(user["email"]),
				EmailVerified: str(user["confirmed_at"]) != "", Name: firstStr(user, "name", "username"), Raw: user}
			if raw, _ := tok.Extra("id_token").(string); raw != "" {
				res, err := p.resolve(ctx)
				if err != nil {
					return Identity{}, err
				}
				claims, err := p.verifyIDToken(ctx, res, raw, tok.AccessToken)
				if err != nil {
					return Identity{}, err
				}
				if str(claims["sub"]) != id.ProviderUID {
					return Identity{}, p.fail("id token", 0, fmt.Errorf("%w: subject differs from the user", ErrInvalidIDToken))
				}
				if strings.EqualFold(str(claims["email"]), id.Email) {
					id.EmailVerified = truthy(claims["email_verified"])
				}
			}
			return id, nil
		},
	}, nil
}

// msaTenant is the tenant id of personal Microsoft accounts.
const msaTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

var (
	guid        = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	safeSegment = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
)

// microsoft: Microsoft identity platform v2; Extra tenantID ("common"
// when empty; also "organizations", "consumers", a tenant id or domain).
// The ID token's issuer is per tenant, so it is checked against its tid
// claim. The id, as Appwrite stores it, is Microsoft Graph's /me id. The
// email counts as verified only when the ID token says so through the
// xms_edov or email_verified optional claims.
func microsoft(c Config, o options) (*spec, error) {
	if err := needSecret("microsoft", c); err != nil {
		return nil, err
	}
	tenant := strings.TrimSpace(c.Extra["tenantID"])
	if tenant == "" {
		tenant = "common"
	}
	if !safeSegment.MatchString(tenant) {
		return nil, misconfigured("microsoft", "tenantID is not a tenant id or domain")
	}
	b := "https://login.microsoftonline.com/" + tenant
	// The issuer given here is not compared: checkIssuer replaces the check.
	s := staticOIDC(o, b+"/v2.0", b+"/oauth2/v2.0/authorize", b+"/oauth2/v2.0/token", "", b+"/discovery/v2.0/keys")
	s.checkIssuer = func(iss string, claims map[string]any) error {
		tid := str(claims["tid"])
		if !guid.MatchString(tid) || iss != o.u("https://login.microsoftonline.com/"+tid+"/v2.0") {
			return fmt.Errorf("issuer %q does not match tenant %q", clean(iss, 200), clean(tid, 64))
		}
		switch {
		case guid.MatchString(tenant) && !strings.EqualFold(tenant, tid),
			tenant == "consumers" && tid != msaTenant,
			tenant == "organizations" && tid == msaTenant:
			return errors.New("token from another tenant")
		}
		return nil
	}
	return &spec{
		authStyle:  oauth2.AuthStyleInParams,
		scopes:     []string{"openid", "email", "profile", "offline_access", "User.Read"},
		authParams: map[string]string{"response_mode": "query"},
		refresh:    true,
		oidc:       s,
		profile:    microsoftProfile,
	}, nil
}

func microsoftProfile(ctx context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
	claims, err := p.oidcClaims(ctx, tok)
	if err != nil {
		return Identity{}, err
	}
	me, err := p.getJSON(ctx, http.MethodGet, p.o.u("https://graph.microsoft.com/v1.0/me"), "Bearer", tok.AccessToken, nil)
	if err != nil {
		return Identity{}, err
	}
	id := Identity{
		ProviderUID: str(me["id"]),
		Email:       firstStr(claims, "email"),
		Name:        firstStr(me, "displayName"),
		Raw:         map[string]any{"graph": me, "idToken": claims},
	}
	if id.Email != "" {
		id.EmailVerified = truthy(claims["xms_edov"]) || truthy(claims["email_verified"])
	} else {
		id.Email = firstStr(me, "mail", "userPrincipalName")
	}
	if id.Name == "" {
		id.Name = str(claims["name"])
	}
	return id, nil
}

// hostOnly validates a tenant domain ("example.okta.com", with or
// without "https://").
func hostOnly(name, key, v string) (string, error) {
	v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "https://"), "/")
	if v == "" {
		return "", misconfigured(name, key+" is required")
	}
	u, err := url.Parse("https://" + v)
	if err != nil || u.Host != v || u.User != nil || strings.ContainsAny(v, "/?#@ ") {
		return "", misconfigured(name, key+" must be a host name")
	}
	return v, nil
}

// endpointURL validates an optional absolute http(s) URL.
func endpointURL(name, key, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "", misconfigured(name, key+" must be an absolute http(s) URL")
	}
	return v, nil
}
