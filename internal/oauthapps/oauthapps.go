// Package oauthapps holds the clients of a project's OAuth2 server:
// registered apps (Appwrite 2.0's Apps API, /v1/apps) with their secrets
// and keys, client ID metadata documents fetched from a client's https
// URL, and dynamic client registration (RFC 7591). Its Service is the
// oauth2server.Clients the protocol core resolves clients through.
package oauthapps

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Caps on what one owner and one app may hold.
const (
	// MaxAppsPerUser bounds the apps one user makes with a session.
	MaxAppsPerUser = 100
	// MaxUnownedApps bounds the apps of API keys and dynamic
	// registration in one project: registration is open to anyone.
	MaxUnownedApps = 10000
	// MaxCredentials bounds an app's secrets, and its keys.
	MaxCredentials = 10
)

// Projects finds a project and its settings (project.Service).
type Projects interface {
	Lookup(ctx context.Context, id string) (*project.Snapshot, error)
}

// Service manages apps and resolves OAuth2 clients.
type Service struct {
	store    storage.AppStore
	projects Projects
	now      func() time.Time
	docs     *fetcher
}

// New returns the apps service. now is the clock (nil: the wall clock).
func New(store storage.AppStore, projects Projects, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, projects: projects, now: now, docs: newFetcher(now)}
}

// Actor is who calls the Apps API. A user (session or JWT) sees and
// changes only the apps it made; an API key every app of its project.
type Actor struct {
	UserID   string // the signed-in user; "" for an API key
	UserName string
	KeyID    string // the API key; "" for a user
	KeyName  string
}

// All reports whether the actor sees every app of the project.
func (a Actor) All() bool { return a.UserID == "" }

// View is an app with its secrets (the App model shows them, without
// their values).
type View struct {
	*storage.App
	Secrets []*storage.AppCredential
}

// Create makes an app. id is "unique()" or a custom id.
func (s *Service) Create(ctx context.Context, projectID string, by Actor, id string, in Input) (*View, error) {
	if err := validate.CustomID("appId", id); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, apperr.Missing("name")
	}
	if in.RedirectURIs == nil {
		return nil, apperr.Missing("redirectUris")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if id == "unique()" {
		id = secret.ID()
	}
	now := s.now().UTC()
	a := &storage.App{ProjectID: projectID, ID: id, Enabled: true, Type: TypeConfidential, UserID: by.UserID,
		CreatedAt: now, UpdatedAt: now}
	in.apply(a)
	if err := s.create(ctx, a, by.All()); err != nil {
		return nil, err
	}
	return &View{App: a}, nil
}

func (s *Service) create(ctx context.Context, a *storage.App, unowned bool) error {
	max := MaxAppsPerUser
	if unowned {
		max = MaxUnownedApps
	}
	err := s.store.CreateApp(ctx, a, max)
	switch {
	case errors.Is(err, storage.ErrConflict):
		return apperr.New(apperr.AppAlreadyExists)
	case errors.Is(err, storage.ErrLimit):
		return apperr.New(apperr.AppLimitExceeded)
	case errors.Is(err, storage.ErrNotFound):
		return apperr.New(apperr.ProjectNotFound)
	}
	return err
}

// app reads an app the actor may see: another user's app is not found,
// as if it did not exist.
func (s *Service) app(ctx context.Context, projectID string, by Actor, id string) (*storage.App, error) {
	if validate.UID("appId", id) != nil {
		return nil, apperr.New(apperr.AppNotFound)
	}
	a, err := s.store.GetApp(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && !by.All() && a.UserID != by.UserID {
		return nil, apperr.New(apperr.AppNotFound)
	}
	return a, err
}

// withSecrets adds the apps' secrets.
func (s *Service) withSecrets(ctx context.Context, projectID string, apps []*storage.App) ([]*View, error) {
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	creds, err := s.store.ListAppCredentials(ctx, projectID, storage.AppSecretKind, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*View, len(apps))
	at := map[string]*View{}
	for i, a := range apps {
		out[i] = &View{App: a, Secrets: []*storage.AppCredential{}}
		at[a.ID] = out[i]
	}
	for _, c := range creds {
		if v := at[c.AppID]; v != nil {
			v.Secrets = append(v.Secrets, c)
		}
	}
	return out, nil
}

// Get returns an app the actor may see.
func (s *Service) Get(ctx context.Context, projectID string, by Actor, id string) (*View, error) {
	a, err := s.app(ctx, projectID, by, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.withSecrets(ctx, projectID, []*storage.App{a})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// List lists the apps the actor may see that match q.
func (s *Service) List(ctx context.Context, projectID string, by Actor, q storage.ListQuery) ([]*View, int, error) {
	apps, total, err := s.store.ListApps(ctx, projectID, by.UserID, q)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, 0, apperr.Newf(apperr.CursorNotFound, "The cursor is invalid: no app in this list has that id.")
	}
	if err != nil {
		return nil, 0, err
	}
	vs, err := s.withSecrets(ctx, projectID, apps)
	return vs, total, err
}

// Update changes the fields sent of an app the actor may change.
func (s *Service) Update(ctx context.Context, projectID string, by Actor, id string, in Input) (*View, error) {
	if in.Name == nil {
		return nil, apperr.Missing("name")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	return s.update(ctx, projectID, by, id, func(a *storage.App) { in.apply(a) })
}

func (s *Service) update(ctx context.Context, projectID string, by Actor, id string, fn func(*storage.App)) (*View, error) {
	if _, err := s.app(ctx, projectID, by, id); err != nil {
		return nil, err
	}
	a, err := s.store.UpdateApp(ctx, projectID, id, func(a *storage.App) error {
		if !by.All() && a.UserID != by.UserID {
			return apperr.New(apperr.AppNotFound)
		}
		fn(a)
		a.UpdatedAt = s.now().UTC()
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, apperr.New(apperr.AppNotFound)
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, projectID, by, a.ID)
}

// SetLabels replaces an app's labels (API keys only, checked by the
// route).
func (s *Service) SetLabels(ctx context.Context, projectID string, by Actor, id string, labels []string) (*View, error) {
	labels, err := Labels(labels)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, projectID, by, id, func(a *storage.App) { a.Labels = labels })
}

// Delete removes an app the actor may change, with its secrets and keys.
func (s *Service) Delete(ctx context.Context, projectID string, by Actor, id string) error {
	if _, err := s.app(ctx, projectID, by, id); err != nil {
		return err
	}
	err := s.store.DeleteApp(ctx, projectID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return apperr.New(apperr.AppNotFound)
	}
	return err
}

// Team answers PATCH /apps/{appId}/team once the app is found: Gatehouse
// has no teams.
func (s *Service) Team(ctx context.Context, projectID string, by Actor, id string) error {
	if _, err := s.app(ctx, projectID, by, id); err != nil {
		return err
	}
	return errNoTeams()
}

// Installations answers the installation routes of an app once it is
// found: they need teams.
func (s *Service) Installations(ctx context.Context, projectID string, by Actor, id string) error {
	if _, err := s.app(ctx, projectID, by, id); err != nil {
		return err
	}
	return ErrInstallations()
}
