package oauth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Providers Appwrite added after 1.8 (its CE main branch and the 2.0
// SDK enum). Where the provider speaks OpenID Connect but its issuer or
// keys are per deployment, the identity comes from the userinfo endpoint,
// fetched with the access token, and the ID token is not used, as for
// authentik.

// appwrite: Appwrite Cloud's own OAuth2 server (console project), which
// requires PKCE. Its userinfo has sub, email, email_verified and name.
func appwriteCloud(c Config, o options) (*spec, error) {
	if err := needSecret("appwrite", c); err != nil {
		return nil, err
	}
	const b = "https://cloud.appwrite.io/v1/oauth2/console"
	return &spec{
		authStyle: oauth2.AuthStyleInParams,
		scopes:    []string{"openid", "profile", "email"},
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, "", b+"/authorize", b+"/token", b+"/userinfo", ""),
	}, nil
}

// huggingface: "Sign in with Hugging Face" (OpenID Connect); the client
// authenticates with HTTP Basic. Its userinfo has email_verified.
func huggingface(c Config, o options) (*spec, error) {
	if err := needSecret("huggingface", c); err != nil {
		return nil, err
	}
	const b = "https://huggingface.co/oauth"
	return &spec{
		authStyle: oauth2.AuthStyleInHeader,
		scopes:    openIDScopes,
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, "", b+"/authorize", b+"/token", b+"/userinfo", ""),
	}, nil
}

// fusionauth: Extra fusionAuthDomain (the instance's host). FusionAuth's
// issuer is a per-tenant setting, so userinfo (with email_verified) is
// the source.
func fusionauth(c Config, o options) (*spec, error) {
	if err := needSecret("fusionauth", c); err != nil {
		return nil, err
	}
	domain, err := hostOnly("fusionauth", "fusionAuthDomain", c.Extra["fusionAuthDomain"])
	if err != nil {
		return nil, err
	}
	b := "https://" + domain + "/oauth2"
	return &spec{
		authStyle: oauth2.AuthStyleAutoDetect,
		scopes:    append(openIDScopes[:3:3], "offline_access"),
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, "", b+"/authorize", b+"/token", b+"/userinfo", ""),
	}, nil
}

// keycloak: Extra keycloakDomain (a host, or the server's base URL, e.g.
// one ending in /auth for Keycloak before 17; keycloakEndpoint is read
// when it is absent) and keycloakRealm. The issuer follows the server's
// configured front-end URL, so userinfo (with email_verified) is the
// source.
func keycloak(c Config, o options) (*spec, error) {
	if err := needSecret("keycloak", c); err != nil {
		return nil, err
	}
	raw := c.Extra["keycloakDomain"]
	if strings.TrimSpace(raw) == "" {
		raw = c.Extra["keycloakEndpoint"]
	}
	var base string
	if strings.Contains(raw, "://") {
		u, err := endpointURL("keycloak", "keycloakDomain", raw)
		if err != nil {
			return nil, err
		}
		if pu, _ := url.Parse(u); pu.RawQuery != "" || pu.ForceQuery {
			return nil, misconfigured("keycloak", "keycloakDomain must not have a query")
		}
		base = strings.TrimSuffix(u, "/")
	} else {
		host, err := hostOnly("keycloak", "keycloakDomain", raw)
		if err != nil {
			return nil, err
		}
		base = "https://" + host
	}
	realm := strings.TrimSpace(c.Extra["keycloakRealm"])
	if realm == "" || realm == "." || realm == ".." || len(realm) > 255 {
		return nil, misconfigured("keycloak", "keycloakRealm is required")
	}
	b := base + "/realms/" + url.PathEscape(realm) + "/protocol/openid-connect"
	return &spec{
		authStyle: oauth2.AuthStyleAutoDetect,
		scopes:    append(openIDScopes[:3:3], "offline_access"),
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, "", b+"/auth", b+"/token", b+"/userinfo", ""),
	}, nil
}

// kick: Kick's OAuth 2.1 server requires PKCE. The users endpoint lists
// the token's user; Kick does not say whether the email is verified
// (unknown).
var kick = fromTable("kick", table{
	auth: "https://id.kick.com/oauth/authorize", token: "https://id.kick.com/oauth/token",
	style: oauth2.AuthStyleInParams, scopes: []string{"user:read"}, refresh: true,
	profile: profileSpec{url: "https://api.kick.com/public/v1/users", id: "data.0.user_id", email: "data.0.email",
		name: []string{"data.0.name"}},
})

// xAPI ("x"): X (Twitter) API v2 with PKCE and HTTP Basic client authentication.
// users/me needs tweet.read and users.read; confirmed_email (scope
// users.email) is, by its name and X's documentation, a confirmed
// address.
var xAPI = fromTable("x", table{
	auth: "https://x.com/i/oauth2/authorize", token: "https://api.x.com/2/oauth2/token",
	style: oauth2.AuthStyleInHeader, scopes: []string{"tweet.read", "users.read", "users.email", "offline.access"}, refresh: true,
	profile: profileSpec{url: "https://api.x.com/2/users/me?user.fields=confirmed_email", id: "data.id",
		email: "data.confirmed_email", verifiedIfEmail: true, name: []string{"data.name", "data.username"}},
})

// cloudflare: the Cloudflare dashboard's OAuth2 server, with PKCE. Its
// userinfo has only sub: no email or name, so the provider can be linked
// to an account but cannot make one.
func cloudflare(c Config, o options) (*spec, error) {
	if err := needSecret("cloudflare", c); err != nil {
		return nil, err
	}
	const b = "https://dash.cloudflare.com/oauth2"
	return &spec{
		authStyle: oauth2.AuthStyleInParams,
		scopes:    []string{"openid"},
		refresh:   true,
		profile:   oidcProfile,
		oidc:      staticOIDC(o, "", b+"/auth", b+"/token", b+"/userinfo", ""),
	}, nil
}

// resend: Resend's OAuth server, with PKCE and HTTP Basic client
// authentication. It has no identity scope (emails:send is the narrowest;
// none would grant full access), no userinfo and no ID token: the user id
// is the sub claim of the JWT access token, read as it came over TLS from
// the token endpoint and never used to authorize anything. No email or
// name, so, like cloudflare, it links but cannot make an account.
func resend(c Config, o options) (*spec, error) {
	if err := needSecret("resend", c); err != nil {
		return nil, err
	}
	const b = "https://api.resend.com/oauth"
	return &spec{
		authURL: o.u(b + "/authorize"), tokenURL: o.u(b + "/token"),
		authStyle: oauth2.AuthStyleInHeader,
		scopes:    []string{"emails:send"},
		refresh:   true,
		profile:   accessTokenSubject,
	}, nil
}

// accessTokenSubject reads the sub claim of a JWT access token.
func accessTokenSubject(_ context.Context, p *provider, tok *oauth2.Token) (Identity, error) {
	parts := strings.Split(tok.AccessToken, ".")
	if len(parts) != 3 {
		return Identity{}, p.fail("profile", 0, errors.New("the access token is not a JWT"))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Identity{}, p.fail("profile", 0, errors.New("the access token payload is not base64url"))
	}
	var claims map[string]any
	if err := decodeJSON(payload, &claims); err != nil || claims == nil {
		return Identity{}, p.fail("profile", 0, errors.New("the access token payload is not a JSON object"))
	}
	delete(claims, "jti") // Raw never holds token material
	return Identity{ProviderUID: str(claims["sub"]), Raw: claims}, nil
}
