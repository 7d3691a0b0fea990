package project

import (
	"errors"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const (
	standardPrefix  = "standard_"
	ephemeralPrefix = "ephemeral_"
	// ephemeralAudience keeps an ephemeral key's token from passing as
	// any other token signed by the instance, and the reverse.
	ephemeralAudience = "gatehouse-ephemeral-key"
	// maxToken bounds a presented token before it is parsed.
	maxToken = 8192
)

// MaxEphemeral is the longest an ephemeral key lives.
const MaxEphemeral = time.Hour

// SetEphemeralSecret sets the HMAC key ephemeral keys are signed with;
// every node must share it. Without one no ephemeral key is made or
// accepted.
func (s *Service) SetEphemeralSecret(key []byte) { s.ephemeral = key }

type ephemeralClaims struct {
	ProjectID string   `json:"projectId"`
	Scopes    []string `json:"scopes"`
	jwt.RegisteredClaims
}

// EphemeralKey makes a key of projectID with scopes that works until
// expire and is stored nowhere: its secret, "ephemeral_" and an HS256
// token naming the project, the scopes and the expiry, is the key.
func (s *Service) EphemeralKey(projectID string, scopes []string, expire time.Time) (*storage.Key, string, error) {
	if len(s.ephemeral) == 0 {
		return nil, "", errors.New("project: no ephemeral key secret")
	}
	now := s.now().UTC()
	k := &storage.Key{ID: secret.ID(), ProjectID: projectID, Scopes: scopes, Expire: expire.UTC().Truncate(time.Second),
		CreatedAt: now, UpdatedAt: now, Ephemeral: true}
	c := ephemeralClaims{ProjectID: projectID, Scopes: scopes, RegisteredClaims: jwt.RegisteredClaims{
		ID: k.ID, Audience: jwt.ClaimStrings{ephemeralAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(k.Expire)}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.ephemeral)
	if err != nil {
		return nil, "", err
	}
	return k, ephemeralPrefix + tok, nil
}

// ephemeralKey checks a presented ephemeral token: signed by this
// instance, for projectID, not expired.
func (s *Service) ephemeralKey(projectID, token string) (*storage.Key, error) {
	if len(s.ephemeral) == 0 || len(token) > maxToken {
		return nil, invalidKey()
	}
	var c ephemeralClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.ephemeral, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithAudience(ephemeralAudience),
		jwt.WithTimeFunc(s.now))
	if c.ProjectID != projectID || c.ExpiresAt == nil {
		return nil, invalidKey()
	}
	if err != nil {
		// The signature is checked before the claims: an expired token
		// was still made here.
		if errors.Is(err, jwt.ErrTokenExpired) && !errors.Is(err, jwt.ErrTokenInvalidAudience) {
			return nil, apperr.New(apperr.ProjectKeyExpired)
		}
		return nil, invalidKey()
	}
	k := &storage.Key{ID: c.ID, ProjectID: projectID, Scopes: c.Scopes, Expire: c.ExpiresAt.UTC(), Ephemeral: true}
	if c.IssuedAt != nil {
		k.CreatedAt, k.UpdatedAt = c.IssuedAt.UTC(), c.IssuedAt.UTC()
	}
	return k, nil
}

// MayGrant is the rule for a key that manages keys (grantor; nil is the
// instance admin, who may do anything): an ephemeral key gives nothing,
// so it cannot outlive itself through another key; any other key may give
// only scopes it holds, and, when it expires, no later expiry.
func MayGrant(grantor *storage.Key, scopes []string, expire time.Time) error {
	if grantor == nil {
		return nil
	}
	if grantor.Ephemeral {
		return apperr.Newf(apperr.KeyCreationDenied, "An ephemeral key cannot create or change keys.")
	}
	for _, sc := range scopes {
		if !slices.Contains(grantor.Scopes, sc) {
			return apperr.Newf(apperr.KeyCreationDenied, "The key cannot give the scope %s, which it does not hold.", sc)
		}
	}
	if !grantor.Expire.IsZero() && (expire.IsZero() || expire.After(grantor.Expire)) {
		return apperr.Newf(apperr.KeyCreationDenied, "The key cannot give an expiry later than its own.")
	}
	return nil
}
