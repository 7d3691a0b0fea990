package oauthapps

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// hintLen is how many of a secret's last characters stay readable, so a
// person can tell secrets apart.
const hintLen = 4

// touchEvery is how stale a credential's lastAccessedAt may get before
// a use writes it again: a busy client would otherwise write on every
// token request.
const touchEvery = time.Minute

// credKinds are the errors of each kind of credential.
var credKinds = map[string]struct{ notFound, limit *apperr.Kind }{
	storage.AppSecretKind: {apperr.AppSecretNotFound, apperr.AppSecretLimit},
	storage.AppKeyKind:    {apperr.AppKeyNotFound, apperr.AppKeyLimit},
}

// CreateCredential makes a secret or key of an app the actor may change
// and returns it with its value, which is shown this once: only its hash
// is kept.
func (s *Service) CreateCredential(ctx context.Context, projectID string, by Actor, appID, kind string) (*storage.AppCredential, string, error) {
	if _, err := s.app(ctx, projectID, by, appID); err != nil {
		return nil, "", err
	}
	value := secret.Hex(32) // 256 bits
	now := s.now().UTC()
	c := &storage.AppCredential{ProjectID: projectID, AppID: appID, Kind: kind, ID: secret.ID(), SecretHash: secret.Hash(value),
		Hint: value[len(value)-hintLen:], CreatedAt: now, UpdatedAt: now}
	if by.All() {
		c.CreatedByID, c.CreatedByName = by.KeyID, by.KeyName
	} else {
		c.CreatedByID, c.CreatedByName = by.UserID, by.UserName
	}
	err := s.store.CreateAppCredential(ctx, c, MaxCredentials)
	switch {
	case errors.Is(err, storage.ErrLimit):
		return nil, "", apperr.New(credKinds[kind].limit)
	case errors.Is(err, storage.ErrNotFound):
		return nil, "", apperr.New(apperr.AppNotFound)
	case err != nil:
		return nil, "", err
	}
	return c, value, nil
}

// Credentials lists an app's secrets or keys, without their values.
func (s *Service) Credentials(ctx context.Context, projectID string, by Actor, appID, kind string) ([]*storage.AppCredential, error) {
	if _, err := s.app(ctx, projectID, by, appID); err != nil {
		return nil, err
	}
	return s.store.ListAppCredentials(ctx, projectID, kind, []string{appID})
}

// Credential reads one secret or key, without its value.
func (s *Service) Credential(ctx context.Context, projectID string, by Actor, appID, kind, id string) (*storage.AppCredential, error) {
	if _, err := s.app(ctx, projectID, by, appID); err != nil {
		return nil, err
	}
	c, err := s.store.GetAppCredential(ctx, projectID, appID, kind, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(credKinds[kind].notFound)
	}
	return c, err
}

// DeleteCredential removes a secret or key: it stops working at once.
func (s *Service) DeleteCredential(ctx context.Context, projectID string, by Actor, appID, kind, id string) error {
	if _, err := s.app(ctx, projectID, by, appID); err != nil {
		return err
	}
	err := s.store.DeleteAppCredential(ctx, projectID, appID, kind, id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(credKinds[kind].notFound)
	}
	return err
}

// matchCredential finds the credential of kind of the app whose value is
// presented, comparing its hash with every one in constant time; nil
// when none matches.
func (s *Service) matchCredential(ctx context.Context, projectID, appID, kind, presented string) (*storage.AppCredential, error) {
	creds, err := s.store.ListAppCredentials(ctx, projectID, kind, []string{appID})
	if err != nil {
		return nil, err
	}
	h := secret.Hash(presented)
	var found *storage.AppCredential
	for _, c := range creds {
		// Every stored hash is compared, whether or not one matched.
		if secret.Equal(h, c.SecretHash) {
			found = c
		}
	}
	if found != nil {
		now := s.now().UTC()
		if now.Sub(found.LastAccessedAt) >= touchEvery {
			if err := s.store.TouchAppCredential(ctx, projectID, appID, kind, found.ID, now); err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, err
			}
		}
	}
	return found, nil
}
