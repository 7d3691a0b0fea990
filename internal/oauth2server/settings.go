package oauth2server

import (
	"net/url"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// IdentityScopes are the OpenID Connect scopes every project knows. They
// are never narrowed away at approval.
var IdentityScopes = []string{"openid", "profile", "email", "phone"}

// Defaults of Appwrite 2.0's PUT /project/oauth2-server (§7.2 of the
// reference), used where a setting is zero.
const (
	DefaultAccessTTL       = 8 * time.Hour
	DefaultRefreshTTL      = 365 * 24 * time.Hour
	DefaultPublicAccessTTL = time.Hour
	DefaultPublicRefresh   = 30 * 24 * time.Hour
	DefaultInstallationTTL = time.Hour
	DefaultDeviceCodeTTL   = 600 * time.Second
	DefaultUserCodeLength  = 8
	DefaultUserCodeFormat  = "alphanumeric"
)

// Bounds of the settings, in seconds.
const (
	MinTokenSeconds   = 60
	MaxAccessSeconds  = 7 * 24 * 3600
	MaxRefreshSeconds = 5 * 365 * 24 * 3600
	MinDeviceSeconds  = 60
	MaxDeviceSeconds  = 3600
	MaxScopes         = 100
	MaxScopeLength    = 128
)

// Lifetimes of the short-lived artefacts.
const (
	CodeTTL  = 60 * time.Second
	GrantTTL = 10 * time.Minute
	PARTTL   = 90 * time.Second
)

func secondsOr(v int, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return time.Duration(v) * time.Second
}

// AccessTTL is the lifetime of an access (and ID) token for a client.
func AccessTTL(s storage.OAuth2ServerSettings, public bool) time.Duration {
	if public {
		return secondsOr(s.PublicAccessTokenDuration, DefaultPublicAccessTTL)
	}
	return secondsOr(s.AccessTokenDuration, DefaultAccessTTL)
}

// RefreshTTL is the lifetime of a refresh token for a client.
func RefreshTTL(s storage.OAuth2ServerSettings, public bool) time.Duration {
	if public {
		return secondsOr(s.PublicRefreshTokenDuration, DefaultPublicRefresh)
	}
	return secondsOr(s.RefreshTokenDuration, DefaultRefreshTTL)
}

// longestAccessTTL is how long a token signed now may stay valid: a key
// retired now is kept in the JWKS that long.
func longestAccessTTL(s storage.OAuth2ServerSettings) time.Duration {
	return max(AccessTTL(s, true), AccessTTL(s, false), secondsOr(s.InstallationAccessTokenDuration, DefaultInstallationTTL))
}

// ValidScopeName reports whether a project scope is well formed: 1 to
// 128 letters, digits, '.', ':', '-' or '_'.
func ValidScopeName(v string) bool {
	if v == "" || len(v) > MaxScopeLength {
		return false
	}
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == ':', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

func invalid(format string, args ...any) error {
	return apperr.Newf(apperr.ArgumentInvalid, format, args...)
}

// CheckSettings validates settings before they are stored, naming the
// parameter at fault.
func CheckSettings(s storage.OAuth2ServerSettings) error {
	if s.Enabled && s.AuthorizationURL == "" {
		return invalid("Invalid `authorizationUrl` param: the consent page URL is required to enable the OAuth2 server.")
	}
	for name, v := range map[string]string{"authorizationUrl": s.AuthorizationURL, "verificationUrl": s.VerificationURL} {
		if v != "" && !webURL(v) {
			return invalid("Invalid `%s` param: Value must be a valid http or https URL without a fragment.", name)
		}
	}
	for name, list := range map[string][]string{"scopes": s.Scopes, "defaultScopes": s.DefaultScopes,
		"authorizationDetailsTypes": s.AuthorizationDetailsTypes, "installationScopes": s.InstallationScopes} {
		if len(list) > MaxScopes {
			return invalid("Invalid `%s` param: Value must be an array of at most %d items.", name, MaxScopes)
		}
		for _, v := range list {
			if !ValidScopeName(v) {
				return invalid("Invalid `%s` param: each value must be 1 to %d letters, digits, '.', ':', '-' or '_'.", name, MaxScopeLength)
			}
		}
	}
	for _, v := range s.DefaultScopes {
		if !slices.Contains(s.Scopes, v) && !slices.Contains(IdentityScopes, v) {
			return invalid("Invalid `defaultScopes` param: %q is not one of the project's scopes.", v)
		}
	}
	for name, d := range map[string]struct{ v, lo, hi int }{
		"accessTokenDuration":             {s.AccessTokenDuration, MinTokenSeconds, MaxAccessSeconds},
		"publicAccessTokenDuration":       {s.PublicAccessTokenDuration, MinTokenSeconds, MaxAccessSeconds},
		"installationAccessTokenDuration": {s.InstallationAccessTokenDuration, MinTokenSeconds, MaxAccessSeconds},
		"refreshTokenDuration":            {s.RefreshTokenDuration, MinTokenSeconds, MaxRefreshSeconds},
		"publicRefreshTokenDuration":      {s.PublicRefreshTokenDuration, MinTokenSeconds, MaxRefreshSeconds},
		"deviceCodeDuration":              {s.DeviceCodeDuration, MinDeviceSeconds, MaxDeviceSeconds},
	} {
		if d.v != 0 && (d.v < d.lo || d.v > d.hi) {
			return invalid("Invalid `%s` param: Value must be a valid range between %d and %d.", name, d.lo, d.hi)
		}
	}
	if s.UserCodeLength != 0 && (s.UserCodeLength < 6 || s.UserCodeLength > 16) {
		return invalid("Invalid `userCodeLength` param: Value must be a valid range between 6 and 16.")
	}
	switch s.UserCodeFormat {
	case "", "numeric", "alphabetic", "alphanumeric":
	default:
		return invalid("Invalid `userCodeFormat` param: Value must be one of (numeric, alphabetic, alphanumeric).")
	}
	return nil
}

// webURL reports whether v is an absolute http(s) URL with a host and no
// fragment.
func webURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.Fragment == "" &&
		!containsFragmentMark(v)
}

func containsFragmentMark(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '#' {
			return true
		}
	}
	return false
}
