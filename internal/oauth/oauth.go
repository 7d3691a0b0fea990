// Package oauth is the provider layer of OAuth2 sign-in: one Provider per
// name Appwrite lists (registry.go), each knowing its authorize, token and
// profile endpoints and how to turn a profile into a normalized Identity
// that says whether the provider vouches for the email.
//
// The HTTP flow (state, callbacks, sessions) and identity storage live
// elsewhere; this package only talks to providers. Every request goes
// through the *http.Client given to New, with a timeout and a 1 MiB
// response limit, and provider failures come back as *Error values that
// match ErrBadRequest, ErrUnauthorized or ErrProvider with errors.Is.
//
// Providers are safe for concurrent use and cache what they learn
// (OpenID discovery documents, signing keys), so build one per project
// configuration and reuse it.
//
// A sign-in: ParseSecret turns the project's stored secret into
// Config.ClientSecret and Config.Extra; New builds the provider; the
// flow makes a PKCE verifier (oauth2.GenerateVerifier) when
// SupportsPKCE, sends the browser to AuthCodeURL, and on the callback
// calls Exchange with the same verifier, then Identity with the token
// Exchange returned. Apple answers with a form POST (response_mode
// form_post) carrying the first-time user's name; see AppleUserName.
package oauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Identity is what a provider says about the signed-in user.
type Identity struct {
	// ProviderUID is the provider's stable user id, in the form Appwrite
	// stores it (e.g. GitHub's numeric id as a decimal string).
	ProviderUID string
	Email       string
	// EmailVerified is true only when the provider states that the email
	// was confirmed. Unknown means false.
	EmailVerified bool
	Name          string

	AccessToken  string
	RefreshToken string
	Expiry       time.Time // zero when the provider gave no lifetime

	// Raw holds the profile fields or verified ID-token claims the
	// identity was read from. It never holds tokens.
	Raw map[string]any
}

// Config is one project's settings for one provider.
type Config struct {
	ClientID     string
	ClientSecret string
	// Extra holds the additional values of providers whose Appwrite
	// secret is a JSON object (see ParseSecret for the keys).
	Extra       map[string]string
	RedirectURL string
	// Scopes are requested in addition to the provider's defaults.
	Scopes []string
}

// Provider is one OAuth2 / OpenID Connect provider.
type Provider interface {
	// Name is the Appwrite provider name, e.g. "github".
	Name() string
	// AuthCodeURL is where to send the browser. codeVerifier is "" when
	// PKCE is not used; it is ignored by providers without PKCE support.
	AuthCodeURL(state, codeVerifier string) string
	// Exchange trades the authorization code for tokens.
	Exchange(ctx context.Context, code, codeVerifier string) (*oauth2.Token, error)
	// Identity reads the user behind tok.
	Identity(ctx context.Context, tok *oauth2.Token) (Identity, error)
}

// Refresher is implemented by providers that support the refresh-token
// grant. When the provider does not rotate refresh tokens the returned
// token carries the one passed in.
type Refresher interface {
	Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error)
}

// Discoverer is implemented by providers whose endpoints come from an
// OpenID discovery document ("oidc" with a wellKnownEndpoint). Discover
// fetches it (once, then cached) so that errors surface before
// AuthCodeURL, which has no way to report them and returns "" instead.
type Discoverer interface {
	Discover(ctx context.Context) error
}

// Errors returned by New, ParseSecret and the Provider methods.
var (
	// ErrUnsupported: the provider name is not in the registry.
	ErrUnsupported = errors.New("oauth: unsupported provider")
	// ErrMisconfigured: the project's app id, secret or extra values are
	// missing or invalid.
	ErrMisconfigured = errors.New("oauth: provider misconfigured")
	// ErrBadRequest: the provider answered 400 (e.g. an expired or reused
	// code). Also used when a token endpoint reports an OAuth error with a
	// 2xx status, as GitHub and Slack do.
	ErrBadRequest = errors.New("oauth: provider rejected the request")
	// ErrUnauthorized: the provider answered 401 (e.g. a wrong client
	// secret or an expired access token).
	ErrUnauthorized = errors.New("oauth: provider refused the credentials")
	// ErrProvider: any other failure talking to the provider (other
	// statuses, network errors, malformed or oversized responses).
	ErrProvider = errors.New("oauth: provider error")
	// ErrInvalidIDToken: an ID token failed verification (signature,
	// issuer, audience, expiry or access-token hash). Such errors also
	// match ErrProvider.
	ErrInvalidIDToken = errors.New("oauth: invalid ID token")
	// ErrMissingID: the provider returned no user id (Appwrite's
	// user_missing_id). Such errors also match ErrProvider.
	ErrMissingID = errors.New("oauth: provider returned no user id")
)

// Error is a failure talking to a provider. Its text never contains
// secrets, tokens or response bodies.
type Error struct {
	Kind     error  // ErrBadRequest, ErrUnauthorized or ErrProvider
	Provider string // e.g. "github"
	Op       string // "token", "refresh", "profile", "discovery", "id token"
	// Status is the provider's HTTP status, 0 when there was no usable
	// response (network failure, malformed body, invalid ID token).
	Status int
	// Code and Description are the OAuth "error" and "error_description"
	// the provider sent, cleaned of control characters and shortened.
	Code        string
	Description string
	Err         error // cause, if any; never a response body
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oauth: %s %s", e.Provider, e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": status %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Is reports whether target is the error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }
