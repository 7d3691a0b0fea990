package oauth2server

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Store is what the OAuth2 server keeps and reads.
type Store interface {
	storage.OAuth2Store
	GetUser(ctx context.Context, projectID, id string) (*storage.User, error)
	GetProject(ctx context.Context, id string) (*storage.Project, error)
}

// Service is a project's OAuth2 and OpenID provider. It holds policy
// (which scopes exist, who may consent, what a token says); the wire is
// httpapi's.
type Service struct {
	store   Store
	clients Clients
	keys    *keyring
	now     func() time.Time
	codes   *secret.Keyed // keyed hash of device user codes
	base    string        // the API's public base URL, for issuers
}

// New makes the service. clients may be nil: every client is then
// unknown. codes hashes device user codes; nil disables the device flow.
// base is the API's public base URL (no /v1).
func New(store Store, clients Clients, box *seal.Box, codes *secret.Keyed, now func() time.Time, base string) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, clients: clients, keys: newKeyring(store, box, now), now: now, codes: codes,
		base: strings.TrimSuffix(base, "/")}
}

func (s *Service) issuer(projectID string) string { return Issuer(s.base, projectID) }

func (s *Service) nowUTC() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Subject is the signed-in end user behind an authorization: the session
// the request came with.
type Subject struct {
	User      *storage.User
	SessionID string
	// AuthTime is when the session signed in; zero when unknown (a JWT
	// without its session), which fails any max_age.
	AuthTime time.Time
	// Factors are the session's completed factors (account factors:
	// password, email, phone, totp, oauth2, …).
	Factors []string
}

// Issuer is the issuer URL of a project: base is the API's public URL.
func Issuer(base, projectID string) string { return base + "/v1/oauth2/" + projectID }

// client resolves a client of the project; nil Clients knows none.
func (s *Service) client(ctx context.Context, projectID, id string) (*Client, error) {
	if s.clients == nil || id == "" {
		return nil, ErrUnknownClient
	}
	c, err := s.clients.Client(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	if c == nil || c.ProjectID != projectID {
		return nil, ErrUnknownClient
	}
	return c, nil
}

// Credentials are the client credentials a token-side request carries.
type Credentials struct {
	ClientID string
	Secret   string
	// Basic: sent with HTTP Basic (client_secret_basic).
	Basic bool
}

// authenticate checks a client at the token, revocation and introspection
// endpoints: confidential clients by secret (basic or post), public ones
// by id alone (method none).
func (s *Service) authenticate(ctx context.Context, projectID string, cr Credentials) (*Client, error) {
	c, err := s.client(ctx, projectID, cr.ClientID)
	if err != nil {
		if errors.Is(err, ErrUnknownClient) {
			return nil, apperr.Newf(apperr.OAuth2InvalidClient, "Unknown client.")
		}
		return nil, err
	}
	if c.Public {
		if cr.Secret != "" {
			return nil, apperr.Newf(apperr.OAuth2InvalidClient, "A public client has no secret.")
		}
		return c, nil
	}
	if cr.Secret == "" {
		return nil, apperr.Newf(apperr.OAuth2InvalidClient, "Client authentication is required.")
	}
	if err := s.clients.VerifySecret(ctx, projectID, c.ID, cr.Secret); err != nil {
		if errors.Is(err, ErrClientAuth) || errors.Is(err, ErrUnknownClient) {
			return nil, apperr.Newf(apperr.OAuth2InvalidClient, "Client authentication failed.")
		}
		return nil, err
	}
	return c, nil
}

// enabled refuses a project whose OAuth2 server is off.
func enabled(p *storage.Project) error {
	if !p.Settings.OAuth2Server.Enabled {
		return apperr.New(apperr.OAuth2ServerDisabled)
	}
	return nil
}

// Enabled reports the project's OAuth2 server is on, else the error to send.
func Enabled(p *storage.Project) error { return enabled(p) }

// knownScope reports whether the project offers scope.
func knownScope(set storage.OAuth2ServerSettings, scope string) bool {
	return slices.Contains(IdentityScopes, scope) || slices.Contains(set.Scopes, scope)
}

func subset(narrow, wide []string) bool {
	for _, x := range narrow {
		if !slices.Contains(wide, x) {
			return false
		}
	}
	return true
}
