package project

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Create makes a project with the default auth settings. id may be
// "unique()".
func (s *Service) Create(ctx context.Context, id, name, teamID string) (*storage.Project, error) {
	if id == "unique()" {
		id = secret.ID()
	}
	if strings.EqualFold(id, Console) {
		return nil, apperr.New(apperr.ProjectExists)
	}
	now := s.now().UTC()
	p := &storage.Project{ID: id, Name: name, TeamID: teamID, CreatedAt: now, UpdatedAt: now,
		Settings: storage.ProjectSettings{Auth: storage.NewAuthSettings()}}
	if err := s.store.CreateProject(ctx, p); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, apperr.New(apperr.ProjectExists)
		}
		return nil, err
	}
	s.Forget(id)
	return p, nil
}

// Get reads a project straight from the database (admin reads must not
// see a stale cache).
func (s *Service) Get(ctx context.Context, id string) (*storage.Project, error) {
	p, err := s.store.GetProject(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.ProjectNotFound)
	}
	return p, err
}

// List pages through projects whose name or id contains search.
func (s *Service) List(ctx context.Context, search string, page storage.Page) ([]*storage.Project, int, error) {
	return s.store.ListProjects(ctx, search, page)
}

// Update changes a project in one transaction and drops it from this
// node's cache; other nodes see the change within CacheTTL.
func (s *Service) Update(ctx context.Context, id string, fn func(*storage.Project) error) (*storage.Project, error) {
	now := s.now().UTC()
	p, err := s.store.UpdateProject(ctx, id, func(p *storage.Project) error {
		if err := fn(p); err != nil {
			return err
		}
		p.UpdatedAt = now
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.ProjectNotFound)
	}
	s.Forget(id)
	return p, err
}

// Delete removes a project and everything in it.
func (s *Service) Delete(ctx context.Context, id string) error {
	err := s.store.DeleteProject(ctx, id)
	s.Forget(id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.ProjectNotFound)
	}
	return err
}

// AddPlatform registers an app of the project.
func (s *Service) AddPlatform(ctx context.Context, pl *storage.Platform) error {
	if _, err := s.Get(ctx, pl.ProjectID); err != nil {
		return err
	}
	now := s.now().UTC()
	if pl.ID == "" || pl.ID == "unique()" {
		pl.ID = secret.ID()
	}
	pl.CreatedAt, pl.UpdatedAt = now, now
	pl.Hostname = strings.ToLower(pl.Hostname)
	err := s.store.CreatePlatform(ctx, pl)
	if errors.Is(err, storage.ErrConflict) {
		return apperr.New(apperr.PlatformExists)
	}
	s.Forget(pl.ProjectID)
	return err
}

// Platforms lists a project's platforms.
func (s *Service) Platforms(ctx context.Context, projectID string) ([]*storage.Platform, error) {
	if _, err := s.Get(ctx, projectID); err != nil {
		return nil, err
	}
	return s.store.ListPlatforms(ctx, projectID)
}

// Platform reads one platform.
func (s *Service) Platform(ctx context.Context, projectID, id string) (*storage.Platform, error) {
	pl, err := s.store.GetPlatform(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.PlatformNotFound)
	}
	return pl, err
}

// UpdatePlatform changes a platform.
func (s *Service) UpdatePlatform(ctx context.Context, projectID, id string, fn func(*storage.Platform) error) (*storage.Platform, error) {
	now := s.now().UTC()
	pl, err := s.store.UpdatePlatform(ctx, projectID, id, func(pl *storage.Platform) error {
		if err := fn(pl); err != nil {
			return err
		}
		pl.Hostname = strings.ToLower(pl.Hostname)
		pl.UpdatedAt = now
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.PlatformNotFound)
	}
	s.Forget(projectID)
	return pl, err
}

// DeletePlatform removes a platform.
func (s *Service) DeletePlatform(ctx context.Context, projectID, id string) error {
	err := s.store.DeletePlatform(ctx, projectID, id)
	s.Forget(projectID)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.PlatformNotFound)
	}
	return err
}

// KnownScopes are the scopes a key may hold.
var KnownScopes = map[string]bool{
	"sessions.write": true, "users.read": true, "users.write": true, "teams.read": true, "teams.write": true,
	"databases.read": true, "databases.write": true, "collections.read": true, "collections.write": true,
	"tables.read": true, "tables.write": true, "attributes.read": true, "attributes.write": true,
	"columns.read": true, "columns.write": true, "indexes.read": true, "indexes.write": true,
	"documents.read": true, "documents.write": true, "rows.read": true, "rows.write": true,
	"files.read": true, "files.write": true, "buckets.read": true, "buckets.write": true,
	"functions.read": true, "functions.write": true, "execution.read": true, "execution.write": true,
	"sites.read": true, "sites.write": true, "log.read": true, "log.write": true,
	"locale.read": true, "avatars.read": true, "health.read": true, "providers.read": true,
	"providers.write": true, "messages.read": true, "messages.write": true, "topics.read": true,
	"topics.write": true, "subscribers.read": true, "subscribers.write": true, "targets.read": true,
	"targets.write": true, "rules.read": true, "rules.write": true, "migrations.read": true,
	"migrations.write": true, "vcs.read": true, "vcs.write": true, "assistant.read": true,
	"tokens.read": true, "tokens.write": true, "sessions.read": true,
	// Project-level scopes of Appwrite 1.9's server-side Project API
	// (policies.* are its deprecated aliases of project.policies.*).
	"project.read": true, "project.write": true, "keys.read": true, "keys.write": true,
	"platforms.read": true, "platforms.write": true, "mocks.read": true, "mocks.write": true,
	"project.policies.read": true, "project.policies.write": true, "policies.read": true,
	"policies.write": true, "project.oauth2.read": true, "project.oauth2.write": true,
	"templates.read": true, "templates.write": true, "webhooks.read": true, "webhooks.write": true,
	"apps.read": true, "apps.write": true, // Appwrite 2.0's Apps API
	// The OAuth2 server (Appwrite 2.0): reading grants for a consent page
	// run by the project's server, and introspecting public clients' tokens.
	"oauth2.read": true, "oauth2.write": true, "oauth2.introspect": true,
}

// CreateKey makes an API key and returns it with its secret, which is
// shown this once and stored only as a hash.
func (s *Service) CreateKey(ctx context.Context, projectID, id, name string, scopes []string, expire time.Time) (*storage.Key, string, error) {
	if _, err := s.Get(ctx, projectID); err != nil {
		return nil, "", err
	}
	if id == "" || id == "unique()" {
		id = secret.ID()
	}
	raw := secret.Hex(32)
	now := s.now().UTC()
	k := &storage.Key{ID: id, ProjectID: projectID, Name: name, Scopes: scopes, Expire: expire,
		SecretHash: secret.Hash(raw), Prefix: raw[:8], CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateKey(ctx, k); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, "", apperr.New(apperr.KeyExists)
		}
		return nil, "", err
	}
	return k, standardPrefix + raw, nil
}

// Keys lists a project's keys (without secrets).
func (s *Service) Keys(ctx context.Context, projectID string) ([]*storage.Key, error) {
	if _, err := s.Get(ctx, projectID); err != nil {
		return nil, err
	}
	return s.store.ListKeys(ctx, projectID)
}

// Key reads one key.
func (s *Service) Key(ctx context.Context, projectID, id string) (*storage.Key, error) {
	k, err := s.store.GetKey(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.KeyNotFound)
	}
	return k, err
}

// UpdateKey changes a key's name, scopes and expiry.
func (s *Service) UpdateKey(ctx context.Context, projectID, id string, fn func(*storage.Key) error) (*storage.Key, error) {
	now := s.now().UTC()
	k, err := s.store.UpdateKey(ctx, projectID, id, func(k *storage.Key) error {
		if err := fn(k); err != nil {
			return err
		}
		k.UpdatedAt = now
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.KeyNotFound)
	}
	return k, err
}

// DeleteKey revokes a key at once on every node: keys are not cached.
func (s *Service) DeleteKey(ctx context.Context, projectID, id string) error {
	err := s.store.DeleteKey(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.KeyNotFound)
	}
	return err
}
