package oauth

import (
	"encoding/json"
	"strings"
)

// maxSecret bounds the stored secret (an Apple p8 key is about 250 bytes).
const maxSecret = 16 << 10

// jsonSecrets lists the providers whose Appwrite secret is a JSON object,
// with the keys Appwrite's console writes. Each key other than
// clientSecret is passed on in Config.Extra under the same name:
//
//	apple      {"keyID", "teamID", "p8"}                 — no clientSecret: it is signed per request
//	oidc       {"clientSecret", "wellKnownEndpoint"} or
//	           {"clientSecret", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint"},
//	           optional "prompt" (string or array) and "maxAge" (number)
//	microsoft  {"clientSecret", "tenantID"}              — tenantID defaults to "common"
//	okta       {"clientSecret", "oktaDomain", "authorizationServerId"} — server defaults to "default"
//	auth0      {"clientSecret", "auth0Domain"}
//	authentik  {"clientSecret", "authentikDomain"}
//	fusionauth {"clientSecret", "fusionAuthDomain"}
//	keycloak   {"clientSecret", "keycloakDomain", "keycloakRealm"} — keycloakEndpoint (a URL) is read
//	                                                       when keycloakDomain is absent
//	gitlab     {"clientSecret", "endpoint"}             — endpoint (self-hosted) is optional; a plain
//	                                                       secret is also accepted, as older Appwrite stored
//
// Every other provider's secret is the client secret itself.
var jsonSecrets = map[string][]string{
	"apple":      {"keyID", "teamID", "p8"},
	"oidc":       {"wellKnownEndpoint", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "prompt", "maxAge"},
	"microsoft":  {"tenantID"},
	"okta":       {"oktaDomain", "authorizationServerId"},
	"auth0":      {"auth0Domain"},
	"authentik":  {"authentikDomain"},
	"gitlab":     {"endpoint"},
	"fusionauth": {"fusionAuthDomain"},
	"keycloak":   {"keycloakDomain", "keycloakEndpoint", "keycloakRealm"},
}

// ParseSecret splits a project's stored provider secret (Appwrite's
// <provider>Secret) into the client secret and the Config.Extra values,
// and checks that New would accept them. Errors match ErrUnsupported or
// ErrMisconfigured and never quote the secret.
func ParseSecret(name, secret string) (clientSecret string, extra map[string]string, err error) {
	if _, ok := registry[name]; !ok {
		return "", nil, ErrUnsupported
	}
	if len(secret) > maxSecret {
		return "", nil, misconfigured(name, "the secret is too long")
	}
	keys, isJSON := jsonSecrets[name]
	if !isJSON {
		clientSecret = strings.TrimSpace(secret)
	} else {
		obj, ok := jsonObject(secret)
		switch {
		case !ok && name == "gitlab" && !strings.HasPrefix(strings.TrimSpace(secret), "{"):
			clientSecret = strings.TrimSpace(secret)
		case !ok:
			return "", nil, misconfigured(name, "the secret must be a JSON object")
		default:
			extra = map[string]string{}
			for _, k := range append([]string{"clientSecret"}, keys...) {
				v, present := obj[k]
				if !present || v == nil {
					continue
				}
				s, ok := secretValue(v)
				if !ok {
					return "", nil, misconfigured(name, k+" must be a string")
				}
				if k == "clientSecret" {
					clientSecret = s
				} else if s != "" {
					extra[k] = s
				}
			}
		}
	}
	// Check the values the way New will, with a stand-in app id.
	if _, err := registry[name].build(Config{ClientID: "client", ClientSecret: clientSecret, Extra: extra}, options{}); err != nil {
		return "", nil, err
	}
	return clientSecret, extra, nil
}

func jsonObject(s string) (map[string]any, bool) {
	var obj map[string]any
	if err := decodeJSON([]byte(s), &obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// secretValue accepts strings, numbers (maxAge) and string arrays
// (prompt, joined with spaces).
func secretValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case json.Number:
		return x.String(), true
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			if s = strings.TrimSpace(s); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " "), true
	}
	return "", false
}
